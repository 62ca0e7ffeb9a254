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
public sealed class AnthropicProviderFactory : ProviderFactory
{
    /// <summary>The output-token limit sent when a request does not set <see cref="ChatOptions.MaxOutputTokens"/>.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <inheritdoc/>
    public override string Type => ProviderTypes.Anthropic;

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        var client = CreateSdkClient(provider, context.HttpMessageHandler, context.TimeProvider);
        var maxTokens = DefaultMaxOutputTokens;
        if (provider.Settings.TryGetValue("max_tokens", out var configured) && !string.IsNullOrWhiteSpace(configured))
        {
            if (!int.TryParse(configured, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out maxTokens) || maxTokens < 1)
            {
                throw new ConfigurationException($"providers[name={provider.Name}].config.max_tokens", $"'{configured}' is not a positive integer; set the default output-token limit, e.g. 4096.");
            }
        }

        return new ContentCheckingChatClient(
            new ResponseDataChatClient(new HeaderCapturingChatClient(client.AsIChatClient(provider.Model, maxTokens)), AnthropicWireRules.ResponseData),
            provider.Name,
            Type,
            AnthropicWireRules.Accepts,
            "JPEG, PNG, GIF and WebP images and PDF or plain-text documents");
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider) => new AnthropicProviderAdapter();

    internal static AnthropicClient CreateSdkClient(ProviderOptions provider, HttpMessageHandler? handler, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(provider.ApiKey))
        {
            throw new ConfigurationException(
                $"providers[name={provider.Name}].api_key",
                $"Provider '{provider.Name}' (anthropic) has no API key. Set api_key in the configuration, FLEXIAI_PROVIDERS__{provider.Name.ToUpperInvariant()}__API_KEY, or ANTHROPIC_API_KEY.");
        }

        var capture = new AnthropicHeaderCaptureHandler(time) { InnerHandler = handler ?? new SocketsHttpHandler() };
        var options = new ClientOptions
        {
            ApiKey = provider.ApiKey,
            MaxRetries = 0,
            HttpClient = new HttpClient(capture, disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan },
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
