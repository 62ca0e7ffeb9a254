namespace FlexiAI;

/// <summary>Where and how a Vertex AI provider sends requests: URL prefix and credentials.</summary>
internal sealed class VertexAIEndpoint
{
    public required Uri ModelUrl { get; init; }

    public string? ApiKey { get; init; }

    public required Func<CancellationToken, Task<string>>? AccessToken { get; init; }

    /// <summary>Gets, for Google credentials, a delegate that fetches a new token even though the cached one looks valid (after a 401); <see langword="null"/> for fixed tokens.</summary>
    public Func<CancellationToken, Task<string>>? RefreshAccessToken { get; init; }

    public Uri Url(string method) => new($"{ModelUrl.AbsoluteUri}:{method}");
}
