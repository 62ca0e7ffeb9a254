using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Creates Gemini API providers (type <c>gemini</c>): Google's Gemini API with an API key (not Vertex AI), through the same
/// Gemini client as <c>vertexai</c> — one request/response mapping, another endpoint and auth mode.
/// </summary>
/// <remarks>
/// Reads <see cref="ProviderOptions.ApiKey"/> (or <c>GEMINI_API_KEY</c>, then <c>GOOGLE_API_KEY</c>), <see cref="ProviderOptions.Model"/>,
/// <see cref="ProviderOptions.BaseUrl"/> (default <c>https://generativelanguage.googleapis.com</c>), and the settings
/// <c>api_version</c> (default <c>v1beta</c>), <c>safety_settings</c> and <c>safety_threshold</c> (as for <c>vertexai</c>). Requests go to
/// <c>{base}/{api_version}/models/{model}:generateContent</c> and <c>:streamGenerateContent?alt=sse</c> with the key in the
/// <c>x-goog-api-key</c> header (never in the URL, so it cannot leak into logs of URLs).
/// </remarks>
internal sealed class GeminiProviderFactory : ProviderFactory
{
    /// <summary>The variable the Gemini SDKs read the key from.</summary>
    public const string ApiKeyVariable = "GEMINI_API_KEY";

    /// <summary>The older variable the Google SDKs also accept.</summary>
    public const string GoogleApiKeyVariable = "GOOGLE_API_KEY";

    /// <summary>The Gemini API's public endpoint.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://generativelanguage.googleapis.com");

    /// <inheritdoc/>
    public override string Type => ProviderTypes.Gemini;

    /// <inheritdoc/>
    public override string ExampleModel => GeminiModels.Example;

    /// <inheritdoc/>
    public override string EnvironmentHint => ApiKeyVariable + "=AIza...";

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = CreateEndpoint(provider);
        var http = CreateHttpClient(provider, context);
        return new VertexAIChatClient(http, ownsHttp: true, endpoint, provider.Name, provider.Model, VertexAIProviderFactory.SafetySettings(provider), context.TimeProvider);
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new GeminiProviderAdapter(context);
    }

    /// <inheritdoc/>
    public override void ApplyEnvironment(ProviderOptions provider, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(environment);
        ProviderEnvironment.FillApiKey(provider, environment(ApiKeyVariable));
        ProviderEnvironment.FillApiKey(provider, environment(GoogleApiKeyVariable));
    }

    /// <inheritdoc/>
    public override bool IsConfiguredByEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrWhiteSpace(environment(ApiKeyVariable));
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => GeminiModels.Table.Describe(model);

    /// <summary>The model's URL prefix on the Gemini API, and the key.</summary>
    /// <exception cref="ConfigurationException">The provider has no API key.</exception>
    internal static VertexAIEndpoint CreateEndpoint(ProviderOptions provider)
    {
        if (string.IsNullOrWhiteSpace(provider.ApiKey))
        {
            throw new ConfigurationException(
                $"providers[name={provider.Name}].api_key",
                $"Provider '{provider.Name}' (gemini) has no API key. Set api_key in the configuration, FLEXIAI_PROVIDERS__{provider.Name.ToUpperInvariant()}__API_KEY, or {ApiKeyVariable} (create one in Google AI Studio). For Gemini on Google Cloud with OAuth, use type \"vertexai\".");
        }

        var host = (provider.BaseUrl ?? DefaultBaseUrl).AbsoluteUri.TrimEnd('/');
        var version = ProviderSettings.Get(provider, "api_version") ?? "v1beta";
        return new VertexAIEndpoint
        {
            ModelUrl = new Uri($"{host}/{Uri.EscapeDataString(version)}/models/{Uri.EscapeDataString(provider.Model)}"),
            ApiKey = provider.ApiKey,
            AccessToken = null,
            ServiceName = "Gemini API",
            ProviderType = ProviderTypes.Gemini,
        };
    }

    internal static HttpClient CreateHttpClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        var http = context.HttpMessageHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true);
        http.Timeout = provider.Timeout is { } t && t != Timeout.InfiniteTimeSpan ? t : Timeout.InfiniteTimeSpan;
        return http;
    }
}
