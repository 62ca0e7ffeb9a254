using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Http;
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

    private const string ProjectVariable = "GOOGLE_CLOUD_PROJECT";

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
    public override string ExampleModel => VertexAIModels.Example;

    /// <inheritdoc/>
    public override string EnvironmentHint => ProjectVariable + "=my-project";

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = CreateEndpoint(provider, _accessToken, context.TimeProvider);
        var http = context.HttpMessageHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true);
        http.Timeout = provider.Timeout is { } t && t != Timeout.InfiniteTimeSpan ? t : Timeout.InfiniteTimeSpan;
        return new VertexAIChatClient(http, ownsHttp: true, endpoint, provider.Name, provider.Model, SafetySettings(provider), context.TimeProvider);
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context) => new VertexAIProviderAdapter();

    /// <inheritdoc/>
    /// <remarks>Fills <c>config.project</c> from <c>GOOGLE_CLOUD_PROJECT</c>, <c>config.location</c> from <c>GOOGLE_CLOUD_LOCATION</c> and <c>config.credentials_file</c> from <c>GOOGLE_APPLICATION_CREDENTIALS</c>.</remarks>
    public override void ApplyEnvironment(ProviderOptions provider, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(environment);
        ProviderEnvironment.FillSetting(provider, "project", environment(ProjectVariable));
        ProviderEnvironment.FillSetting(provider, "location", environment("GOOGLE_CLOUD_LOCATION"));
        ProviderEnvironment.FillSetting(provider, "credentials_file", environment("GOOGLE_APPLICATION_CREDENTIALS"));
    }

    /// <inheritdoc/>
    /// <remarks>A project is enough: credentials then come from Application Default Credentials.</remarks>
    public override bool IsConfiguredByEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrWhiteSpace(environment(ProjectVariable));
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => VertexAIModels.Table.Describe(model);

    internal static VertexAIEndpoint CreateEndpoint(ProviderOptions provider, Func<CancellationToken, Task<string>>? accessToken, TimeProvider? time = null)
    {
        var settings = provider.Settings;
        var apiKey = string.IsNullOrWhiteSpace(provider.ApiKey) || string.Equals(provider.ApiKey, "not-used", StringComparison.OrdinalIgnoreCase) ? null : provider.ApiKey;
        var project = Setting(settings, "project");
        var location = Setting(settings, "location") ?? "us-central1";
        if (project is null && apiKey is null)
        {
            throw new ConfigurationException(
                $"providers[name={provider.Name}].config.project",
                $"Provider '{provider.Name}' (vertexai) needs a Google Cloud project: set config.project or {ProjectVariable} (or an api_key for express mode).");
        }

        if (!location.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            // The location becomes part of the host name; anything else would fail deep inside Uri parsing.
            throw new ConfigurationException(
                $"providers[name={provider.Name}].config.location",
                $"'{location}' is not a Google Cloud location: use a region such as us-central1 or europe-west4 (letters, digits and '-'), or global.");
        }

        var host = provider.BaseUrl?.AbsoluteUri.TrimEnd('/')
            ?? (location == "global" || project is null ? "https://aiplatform.googleapis.com" : $"https://{location}-aiplatform.googleapis.com");
        var model = Uri.EscapeDataString(provider.Model);
        var modelUrl = project is null
            ? new Uri($"{host}/v1/publishers/google/models/{model}")
            : new Uri($"{host}/v1/projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(location)}/publishers/google/models/{model}");

        Func<CancellationToken, Task<string>>? token = null;
        Func<CancellationToken, Task<string>>? refresh = null;
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
                var source = GoogleTokens(Setting(settings, "credentials_file"), time ?? TimeProvider.System);
                token = source.GetAsync;
                refresh = source.RefreshAsync;
            }
        }

        return new VertexAIEndpoint { ModelUrl = modelUrl, ApiKey = apiKey, AccessToken = token, RefreshAccessToken = refresh };
    }

    private static GoogleTokenSource GoogleTokens(string? credentialsFile, TimeProvider time) =>
        new(async () => credentialsFile is null
            ? (await GoogleCredential.GetApplicationDefaultAsync().ConfigureAwait(false)).CreateScoped(Scope)
            : await ServiceAccountFromFileAsync(credentialsFile, time).ConfigureAwait(false));

    /// <summary>
    /// Reads a service-account key file into a credential whose token requests go to the file's <c>token_uri</c> and whose
    /// expiry and refresh follow <paramref name="time"/> (Google's own clock is bridged to it). Google's transport retries are
    /// off: a failed token fetch fails this request, and the next request fetches again.
    /// </summary>
    internal static async Task<ITokenAccess> ServiceAccountFromFileAsync(string path, TimeProvider time)
    {
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The credentials file '{path}' could not be read ({ex.GetType().Name}: {ex.Message}). Check config.credentials_file / GOOGLE_APPLICATION_CREDENTIALS.", ex);
        }

        string? type, email, key, keyId, project, tokenUri;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string? Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            (type, email, key, keyId, project, tokenUri) = (Field("type"), Field("client_email"), Field("private_key"), Field("private_key_id"), Field("project_id"), Field("token_uri"));
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The credentials file '{path}' is not JSON (line {ex.LineNumber}). Download a service-account key file (JSON) from the Google Cloud console.", ex);
        }

        if (type != "service_account" || email is null || key is null)
        {
            throw new InvalidOperationException(
                $"The credentials file '{path}' is not a service-account key file (type '{type ?? "missing"}'{(email is null ? ", no client_email" : string.Empty)}{(key is null ? ", no private_key" : string.Empty)}). "
                + "config.credentials_file / GOOGLE_APPLICATION_CREDENTIALS take a service-account key; for user credentials run 'gcloud auth application-default login' and leave them unset.");
        }

        var initializer = new ServiceAccountCredential.Initializer(email, tokenUri ?? "https://oauth2.googleapis.com/token")
        {
            Clock = new GoogleClock(time),
            Scopes = [Scope],
            KeyId = keyId,
            ProjectId = project,
            DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None,
        }.FromPrivateKey(key);
        return new ServiceAccountCredential(initializer);
    }

    /// <summary>Access tokens from a credential looked up on first use, kept once found (see <see cref="GoogleTokenSource"/>).</summary>
    internal static Func<CancellationToken, Task<string>> CachedTokens(Func<Task<ITokenAccess>> lookup) => new GoogleTokenSource(lookup).GetAsync;

    internal static string? SafetySettings(ProviderOptions provider)
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
