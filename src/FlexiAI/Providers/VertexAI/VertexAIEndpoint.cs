namespace FlexiAI;

/// <summary>
/// Where and how a Gemini provider sends requests: URL prefix and credentials. One Gemini wire implementation serves two
/// endpoint/auth modes: Vertex AI (OAuth or express-mode key) and the Gemini API (<c>generativelanguage.googleapis.com</c>, key).
/// </summary>
internal sealed class VertexAIEndpoint
{
    /// <summary>Gets the service named in error messages: <c>Vertex AI</c> or <c>Gemini API</c>.</summary>
    public string ServiceName { get; init; } = "Vertex AI";

    /// <summary>Gets the provider type reported in <see cref="Microsoft.Extensions.AI.ChatClientMetadata"/>.</summary>
    public string ProviderType { get; init; } = ProviderTypes.VertexAI;

    public required Uri ModelUrl { get; init; }

    public string? ApiKey { get; init; }

    public required Func<CancellationToken, Task<string>>? AccessToken { get; init; }

    /// <summary>Gets, for Google credentials, a delegate that fetches a new token even though the cached one looks valid (after a 401); <see langword="null"/> for fixed tokens.</summary>
    public Func<CancellationToken, Task<string>>? RefreshAccessToken { get; init; }

    public Uri Url(string method) => new($"{ModelUrl.AbsoluteUri}:{method}");
}
