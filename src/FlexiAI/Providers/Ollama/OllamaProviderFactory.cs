using System.Net.Http.Headers;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace FlexiAI;

/// <summary>
/// Creates Ollama providers (type <c>ollama</c>): a local or self-hosted Ollama server through <c>OllamaSharp</c>'s
/// <see cref="IChatClient"/> (<c>/api/chat</c>, NDJSON streaming). OllamaSharp has no retries of its own.
/// </summary>
/// <remarks>
/// Reads <see cref="ProviderOptions.BaseUrl"/> (or <c>OLLAMA_HOST</c>; default <c>http://localhost:11434</c>),
/// <see cref="ProviderOptions.Model"/> (a pulled model, e.g. <c>gemma3</c> or <c>gemma3:4b</c>) and <see cref="ProviderOptions.Timeout"/>.
/// No key is needed; an <see cref="ProviderOptions.ApiKey"/>, when set (an auth proxy in front of the server), is sent as a bearer token.
/// </remarks>
internal sealed class OllamaProviderFactory : ProviderFactory
{
    /// <summary>The variable Ollama's own tools read the server address from.</summary>
    public const string HostVariable = "OLLAMA_HOST";

    /// <summary>Ollama's default address.</summary>
    public static readonly Uri DefaultBaseUrl = new("http://localhost:11434");

    /// <inheritdoc/>
    public override string Type => ProviderTypes.Ollama;

    /// <inheritdoc/>
    public override string ExampleModel => OllamaModels.Example;

    /// <inheritdoc/>
    public override string EnvironmentHint => HostVariable + "=http://localhost:11434";

    /// <inheritdoc/>
    public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        var http = CreateHttpClient(provider, context);
        IChatClient client = new OllamaApiClient(http, provider.Model);
        return new OwningChatClient(client, http);
    }

    /// <inheritdoc/>
    public override ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(context);
        return new OllamaProviderAdapter(context).ForModel(provider.Model);
    }

    /// <inheritdoc/>
    /// <remarks>Fills <see cref="ProviderOptions.BaseUrl"/> from <c>OLLAMA_HOST</c> (<c>host</c>, <c>host:port</c> or a URL).</remarks>
    public override void ApplyEnvironment(ProviderOptions provider, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(environment);
        if (provider.BaseUrl is null && ParseHost(environment(HostVariable)) is { } host)
        {
            provider.BaseUrl = host;
        }
    }

    /// <inheritdoc/>
    public override bool IsConfiguredByEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return ParseHost(environment(HostVariable)) is not null;
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => OllamaModels.Table.Describe(model);

    /// <summary>Reads <c>OLLAMA_HOST</c> the way Ollama does: scheme defaults to http, port to 11434, <c>0.0.0.0</c> means this machine.</summary>
    internal static Uri? ParseHost(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        var builder = new UriBuilder(uri);
        if (builder.Host is "0.0.0.0" or "[::]")
        {
            builder.Host = "localhost";
        }

        if (uri.IsDefaultPort && !value.Contains(":" + uri.Port, StringComparison.Ordinal) && uri.Scheme == Uri.UriSchemeHttp)
        {
            builder.Port = 11434;
        }

        return builder.Uri;
    }

    internal static HttpClient CreateHttpClient(ProviderOptions provider, ProviderFactoryContext context)
    {
        var http = context.HttpMessageHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true);
        var baseUrl = (provider.BaseUrl ?? DefaultBaseUrl).AbsoluteUri;
        http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
        http.Timeout = provider.Timeout is { } t && t != Timeout.InfiniteTimeSpan ? t : Timeout.InfiniteTimeSpan;
        if (!string.IsNullOrWhiteSpace(provider.ApiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
        }

        return http;
    }

    // Ollama's /api/chat takes images as base64 data only.
}
