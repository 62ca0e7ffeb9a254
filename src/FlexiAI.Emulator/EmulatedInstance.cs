namespace FlexiAI.Emulator;

/// <summary>A running emulated provider: its base URL, faults and journal.</summary>
public sealed class EmulatedInstance
{
    private long _sequence;

    internal EmulatedInstance(EmulatedInstanceOptions options, Uri root, TimeProvider? time = null)
    {
        Options = options;
        Tokens = new GoogleTokenIssuer(this, time ?? TimeProvider.System);
        var path = $"{root.AbsoluteUri.TrimEnd('/')}/{options.Name}";
        BaseUrl = new Uri(options.Kind is EmulatedProviderKind.OpenAI or EmulatedProviderKind.OpenAICompatible ? path + "/v1" : path);
        Journal = new RequestJournal(options.JournalCapacity);
    }

    /// <summary>Gets the instance's options (pacing and the accepted key may be changed while it runs).</summary>
    public EmulatedInstanceOptions Options { get; }

    /// <summary>Gets the instance name.</summary>
    public string Name => Options.Name;

    /// <summary>Gets the protocol it speaks.</summary>
    public EmulatedProviderKind Kind => Options.Kind;

    /// <summary>
    /// Gets the base URL to give the official SDK or FlexiAI: for OpenAI and OpenAI-compatible instances the SDK's <c>Endpoint</c>
    /// (it ends in <c>/v1</c>), for Anthropic the SDK's <c>BaseUrl</c>, for Vertex AI the host part before <c>/v1/projects/…</c>, for
    /// Azure OpenAI the resource endpoint (before <c>/openai/…</c>), for Ollama the server address (before <c>/api/…</c>), for the
    /// Gemini API the host part before <c>/v1beta/models/…</c>.
    /// </summary>
    public Uri BaseUrl { get; }

    /// <summary>Gets the fault script.</summary>
    public FaultController Faults { get; } = new();

    /// <summary>Gets what the instance received.</summary>
    public RequestJournal Journal { get; }

    /// <summary>
    /// Gets, for a Vertex AI instance, its OAuth2 token endpoint (<c>BaseUrl/token</c>): put it in a service-account key file's
    /// <c>token_uri</c>. See <see cref="EmulatedInstanceOptions.ServiceAccountPublicKeyPem"/>.
    /// </summary>
    public Uri TokenUri => new(BaseUrl.AbsoluteUri.TrimEnd('/') + "/token");

    /// <summary>Gets how many access tokens the token endpoint has issued.</summary>
    public int TokensIssued => Tokens.Issued;

    internal GoogleTokenIssuer Tokens { get; }

    /// <summary>Expires every access token issued so far (as a server-side revocation or a clock running ahead would): the next request with one gets 401.</summary>
    public void ExpireIssuedTokens() => Tokens.ExpireAll();

    internal long NextSequence() => Interlocked.Increment(ref _sequence);
}
