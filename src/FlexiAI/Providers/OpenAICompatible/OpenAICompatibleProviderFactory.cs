using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace FlexiAI;

/// <summary>
/// Creates providers for any server that speaks OpenAI Chat Completions (type <c>openai_compatible</c>): vLLM, LM Studio,
/// llama.cpp's server, Ollama's <c>/v1</c>, and hosted ones such as Groq, Together, DeepSeek or Mistral. The official
/// <c>OpenAI</c> SDK with its retries off, pointed at <see cref="ProviderOptions.BaseUrl"/>.
/// </summary>
/// <remarks>
/// Reads <see cref="ProviderOptions.BaseUrl"/> (required: the server's Chat Completions base, usually ending in <c>/v1</c>),
/// <see cref="ProviderOptions.ApiKey"/> (optional: sent as <c>Authorization: Bearer</c>; without one no auth header is sent),
/// <see cref="ProviderOptions.Timeout"/>, <c>config.headers</c> (extra headers sent on every request) and
/// <c>config.capabilities</c> (<see cref="OpenAICompatibleCapabilities"/>).
/// </remarks>
internal sealed class OpenAICompatibleProviderFactory : ProviderFactory
{
    /// <inheritdoc/>
    public override string Type => ProviderTypes.OpenAICompatible;

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        var capabilities = OpenAICompatibleCapabilities.Parse(provider);
        var http = context.HttpMessageHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : null;
        var client = CreateSdkClient(provider, capabilities, http).GetChatClient(provider.Model).AsIChatClient();
        return client;
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new OpenAICompatibleProviderAdapter(context, OpenAICompatibleCapabilities.Parse(provider));
    }

    /// <inheritdoc/>
    /// <remarks>A compatible server may serve any model; what FlexiAI knows comes from the declared capabilities.</remarks>
    public override ProviderModelInfo DescribeModel(string model) => ProviderModelInfo.Unknown(model);

    /// <summary>Creates the SDK client for a compatible server.</summary>
    /// <exception cref="ConfigurationException">The provider has no base URL, or a header or capability is malformed.</exception>
    internal static OpenAIClient CreateSdkClient(ProviderOptions provider, OpenAICompatibleCapabilities capabilities, HttpClient? http)
    {
        if (provider.BaseUrl is null)
        {
            throw new ConfigurationException(
                $"providers[name={provider.Name}].base_url",
                $"Provider '{provider.Name}' (openai_compatible) needs the server's base URL, e.g. \"base_url\": \"http://localhost:8000/v1\" (vLLM) or \"https://api.groq.com/openai/v1\".");
        }

        var options = new OpenAIClientOptions
        {
            Endpoint = provider.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = provider.Timeout is { } t && t != Timeout.InfiniteTimeSpan ? t : null,
        };
        if (http is not null)
        {
            options.Transport = new HttpClientPipelineTransport(http);
        }

        if (!capabilities.StreamUsage)
        {
            options.AddPolicy(StreamOptionsRemovalPolicy.Instance, PipelinePosition.PerCall);
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrWhiteSpace(provider.ApiKey))
        {
            headers.Add(new("Authorization", "Bearer " + provider.ApiKey));
        }

        foreach (var (name, value) in ProviderSettings.Section(provider, "headers"))
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ':') || value is null || value.Any(char.IsControl))
            {
                throw new ConfigurationException(
                    ProviderSettings.Path(provider, "headers." + name),
                    "is not a valid HTTP header: names are tokens without spaces or ':', values are one line of text.");
            }

            if (LooksSecret(name))
            {
                SecretMasker.Register(value);
            }

            headers.Add(new(name, value));
        }

        options.AddPolicy(new HeaderAuthenticationPolicy([.. headers]), PipelinePosition.BeforeTransport);
        return new OpenAIClient(new ApiKeyCredential(HeaderAuthenticationPolicy.PlaceholderKey), options);
    }

    // Header values that carry credentials (an api-key, a token) are masked like the API key wherever FlexiAI writes text.
    private static bool LooksSecret(string name) =>
        name.Contains("key", StringComparison.OrdinalIgnoreCase) || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("auth", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase);
}
