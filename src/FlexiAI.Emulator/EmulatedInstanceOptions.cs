namespace FlexiAI.Emulator;

/// <summary>One emulated provider instance: its name (the first path segment of its base URL), protocol, accepted key and pacing.</summary>
public sealed class EmulatedInstanceOptions
{
    /// <summary>Initializes a new instance of the <see cref="EmulatedInstanceOptions"/> class.</summary>
    /// <param name="name">The instance name: letters, digits, <c>-</c> and <c>_</c>; it becomes the first path segment of the base URL.</param>
    /// <param name="kind">The protocol it speaks.</param>
    public EmulatedInstanceOptions(string name, EmulatedProviderKind kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || name.StartsWith('_'))
        {
            throw new ArgumentException($"Instance name '{name}' must use only letters, digits, '-' and '_' and must not start with '_'.", nameof(name));
        }

        Name = name;
        Kind = kind;
    }

    /// <summary>Gets the instance name.</summary>
    public string Name { get; }

    /// <summary>Gets the protocol the instance speaks.</summary>
    public EmulatedProviderKind Kind { get; }

    /// <summary>Gets or sets the only API key (or bearer token) accepted; <see langword="null"/> (the default) accepts any non-empty one.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the only Microsoft Entra ID bearer token an <see cref="EmulatedProviderKind.AzureOpenAI"/> instance accepts
    /// (<see cref="ApiKey"/> checks its <c>api-key</c> header); <see langword="null"/> (the default) accepts any non-empty token.
    /// Change it while the instance runs to expire the token a client holds.
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>
    /// Gets the models the instance serves: the deployments of an <see cref="EmulatedProviderKind.AzureOpenAI"/> instance (others get
    /// 404 <c>DeploymentNotFound</c>) or the pulled models of an <see cref="EmulatedProviderKind.Ollama"/> instance (others get 404
    /// "model not found", and <c>/api/tags</c> lists these). Empty (the default) serves any model.
    /// </summary>
    public IList<string> Models { get; } = [];

    /// <summary>Gets or sets the quirks of an <see cref="EmulatedProviderKind.OpenAICompatible"/> instance. Default none.</summary>
    public OpenAICompatibleQuirks Quirks { get; set; }

    /// <summary>Gets or sets the delay before the response (non-streaming) or before the first stream event. Default zero.</summary>
    public TimeSpan FirstTokenLatency { get; set; }

    /// <summary>Gets or sets the delay between two stream chunks. Default zero.</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Gets or sets a replacement for the built-in reply text, given the last user message's text. <see langword="null"/> uses the built-in reply.</summary>
    public Func<string, string>? ReplyText { get; set; }

    /// <summary>Gets or sets how many requests the journal keeps (oldest dropped first). Default 10,000.</summary>
    public int JournalCapacity { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets, for a Vertex AI instance, the public half (PEM) of a service account's RSA key: the instance's OAuth2 token
    /// endpoint (<see cref="EmulatedInstance.TokenUri"/>) then grants access tokens for JWT-bearer assertions signed with the
    /// private half. <see langword="null"/> (the default): the token endpoint refuses every request.
    /// </summary>
    public string? ServiceAccountPublicKeyPem { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a Vertex AI instance accepts only bearer tokens its token endpoint issued and
    /// that have not expired (else 401 UNAUTHENTICATED). Default <see langword="false"/>: any bearer token (or the configured key) is accepted.
    /// </summary>
    public bool AcceptOnlyIssuedTokens { get; set; }

    /// <summary>Gets or sets how long an issued access token lives (<c>expires_in</c>). Default one hour, like Google's.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
