using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Creates Vertex AI (Gemini) providers: FlexiAI's own REST client. Settings (the provider's <c>config</c>): <c>project</c>
/// (or <c>GOOGLE_CLOUD_PROJECT</c>), <c>location</c> (default <c>us-central1</c>; <c>global</c> uses <c>aiplatform.googleapis.com</c>),
/// and credentials, first match wins: <c>api_key</c> (express mode; the plan's placeholder <c>not-used</c> means none),
/// <c>config.access_token</c> (a fixed bearer token), the access-token delegate given to this factory, <c>config.credentials_file</c>
/// (or <c>GOOGLE_APPLICATION_CREDENTIALS</c>: a service-account key file), else Application Default Credentials.
/// <c>config.safety_settings</c> takes a JSON array of <c>{category, threshold}</c>; <c>config.safety_threshold</c> applies one threshold to every category.
/// </summary>
public sealed class VertexAIProviderFactory : ProviderFactory
{
    /// <summary>The OAuth scope Vertex AI needs.</summary>
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private static readonly string[] HarmCategories =
        ["HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_CIVIC_INTEGRITY"];

    private readonly Func<CancellationToken, Task<string>>? _accessToken;

    /// <summary>Initializes a new instance of the <see cref="VertexAIProviderFactory"/> class that resolves credentials from configuration.</summary>
    public VertexAIProviderFactory()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VertexAIProviderFactory"/> class whose providers get access tokens from a delegate (register it in <see cref="FlexiAIClientOptions.ProviderFactories"/>).</summary>
    /// <param name="accessToken">Returns a current OAuth access token for the cloud-platform scope.</param>
    public VertexAIProviderFactory(Func<CancellationToken, Task<string>> accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        _accessToken = accessToken;
    }

    /// <inheritdoc/>
    public override string Type => ProviderTypes.VertexAI;

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = CreateEndpoint(provider, _accessToken);
        var http = context.HttpMessageHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true);
        http.Timeout = provider.Timeout is { } t && t != Timeout.InfiniteTimeSpan ? t : Timeout.InfiniteTimeSpan;
        return new VertexAIChatClient(http, ownsHttp: true, endpoint, provider.Name, provider.Model, SafetySettings(provider), context.TimeProvider);
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider) => new VertexAIProviderAdapter();

    internal static VertexAIEndpoint CreateEndpoint(ProviderOptions provider, Func<CancellationToken, Task<string>>? accessToken)
    {
        var settings = provider.Settings;
        var apiKey = string.IsNullOrWhiteSpace(provider.ApiKey) || string.Equals(provider.ApiKey, "not-used", StringComparison.OrdinalIgnoreCase) ? null : provider.ApiKey;
        var project = Setting(settings, "project");
        var location = Setting(settings, "location") ?? "us-central1";
        if (project is null && apiKey is null)
        {
            throw new ConfigurationException(
                $"providers[name={provider.Name}].config.project",
                $"Provider '{provider.Name}' (vertexai) needs a Google Cloud project: set config.project or GOOGLE_CLOUD_PROJECT (or an api_key for express mode).");
        }

        var host = provider.BaseUrl?.AbsoluteUri.TrimEnd('/')
            ?? (location == "global" || project is null ? "https://aiplatform.googleapis.com" : $"https://{location}-aiplatform.googleapis.com");
        var model = Uri.EscapeDataString(provider.Model);
        var modelUrl = project is null
            ? new Uri($"{host}/v1/publishers/google/models/{model}")
            : new Uri($"{host}/v1/projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(location)}/publishers/google/models/{model}");

        Func<CancellationToken, Task<string>>? token = null;
        if (apiKey is null)
        {
            if (Setting(settings, "access_token") is { } fixedToken)
            {
                token = _ => Task.FromResult(fixedToken);
            }
            else if (accessToken is not null)
            {
                token = accessToken;
            }
            else
            {
                token = GoogleTokens(Setting(settings, "credentials_file"));
            }
        }

        return new VertexAIEndpoint { ModelUrl = modelUrl, ApiKey = apiKey, AccessToken = token };
    }

    private static Func<CancellationToken, Task<string>> GoogleTokens(string? credentialsFile)
    {
        // Resolved on first use (no I/O while the client is built), then cached; the library refreshes tokens.
        var credential = new Lazy<Task<ITokenAccess>>(async () =>
        {
            var google = credentialsFile is null
                ? await GoogleCredential.GetApplicationDefaultAsync().ConfigureAwait(false)
                : CredentialFactory.FromFile<ServiceAccountCredential>(credentialsFile).ToGoogleCredential();
            return google.CreateScoped(Scope);
        });
        return async cancellationToken =>
        {
            var access = await credential.Value.ConfigureAwait(false);
            return await access.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        };
    }

    private static string? SafetySettings(ProviderOptions provider)
    {
        if (Setting(provider.Settings, "safety_settings") is { } json)
        {
            return json;
        }

        if (Setting(provider.Settings, "safety_threshold") is { } threshold)
        {
            return "[" + string.Join(",", HarmCategories.Select(c => $"{{\"category\":\"{c}\",\"threshold\":\"{threshold}\"}}")) + "]";
        }

        return null;
    }

    private static string? Setting(IDictionary<string, string?> settings, string key) =>
        settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
