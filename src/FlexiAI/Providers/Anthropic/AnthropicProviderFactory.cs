using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Creates Anthropic providers (type <c>anthropic</c>): the official <c>Anthropic</c> SDK's <see cref="IChatClient"/>,
/// with the SDK's retries off and an HTTP handler that captures <c>Retry-After</c> (the SDK's exceptions carry no headers).
/// </summary>
/// <remarks>
/// Reads <see cref="ProviderOptions.ApiKey"/>, <see cref="ProviderOptions.Model"/>, <see cref="ProviderOptions.BaseUrl"/>
/// (the SDK's base URL, without <c>/v1</c>, e.g. <c>https://api.anthropic.com</c>), <see cref="ProviderOptions.Timeout"/>,
/// and the setting <c>max_tokens</c>: the output limit sent when a request sets none (Anthropic requires one; default 4096).
/// </remarks>
internal sealed class AnthropicProviderFactory : ProviderFactory
{
    /// <summary>The output-token limit sent when a request does not set <see cref="ChatOptions.MaxOutputTokens"/>.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <summary>The variable that holds the API key when the configuration gives none.</summary>
    public const string ApiKeyVariable = "ANTHROPIC_API_KEY";

    /// <inheritdoc/>
    public override string Type => ProviderTypes.Anthropic;

    /// <inheritdoc/>
    public override string ExampleModel => AnthropicModels.Example;

    /// <inheritdoc/>
    public override string EnvironmentHint => ApiKeyVariable + "=sk-ant-...";

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        ThrowIfNoKey(provider);
        var maxTokens = DefaultMaxOutputTokens;
        if (provider.Settings.TryGetValue("max_tokens", out var configured) && !string.IsNullOrWhiteSpace(configured))
        {
            if (!int.TryParse(configured, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out maxTokens) || maxTokens < 1)
            {
                throw new ConfigurationException($"providers[name={provider.Name}].config.max_tokens", $"'{configured}' is not a positive integer; set the default output-token limit, e.g. 4096.");
            }
        }

        // Validated first, so a configuration error leaves nothing to dispose.
        var handler = context.HttpMessageHandler;
        var capture = new AnthropicHeaderCaptureHandler(context.TimeProvider) { InnerHandler = handler ?? new SocketsHttpHandler() };
        var client = CreateSdkClient(provider, new HttpClient(capture, disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan });
        return new ResponseDataChatClient(new HeaderCapturingChatClient(client.AsIChatClient(provider.Model, maxTokens)), AnthropicWireRules.ResponseData);
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new AnthropicProviderAdapter(context);
    }

    /// <inheritdoc/>
    public override void ApplyEnvironment(ProviderOptions provider, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(environment);
        ProviderEnvironment.FillApiKey(provider, environment(ApiKeyVariable));
    }

    /// <inheritdoc/>
    public override bool IsConfiguredByEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrWhiteSpace(environment(ApiKeyVariable));
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => AnthropicModels.Table.Describe(model);

    /// <summary>Throws the configuration error for a provider without an API key.</summary>
    internal static void ThrowIfNoKey(ProviderOptions provider)
    {
        if (string.IsNullOrWhiteSpace(provider.ApiKey))
        {
            throw new ConfigurationException(
                $"providers[name={provider.Name}].api_key",
                $"Provider '{provider.Name}' (anthropic) has no API key. Set api_key in the configuration, FLEXIAI_PROVIDERS__{provider.Name.ToUpperInvariant()}__API_KEY, or {ApiKeyVariable}.");
        }
    }

    /// <summary>Creates the SDK client over <paramref name="http"/>, with the SDK's retries off.</summary>
    internal static AnthropicClient CreateSdkClient(ProviderOptions provider, HttpClient http)
    {
        ThrowIfNoKey(provider);
        var options = new ClientOptions
        {
            ApiKey = provider.ApiKey,
            MaxRetries = 0,
            HttpClient = http,
        };
        if (provider.Timeout is { } timeout && timeout != Timeout.InfiniteTimeSpan)
        {
            options.Timeout = timeout;
        }

        if (provider.BaseUrl is { } baseUrl)
        {
            options.BaseUrl = baseUrl.ToString().TrimEnd('/');
        }

        return new AnthropicClient(options);
    }
}
