namespace FlexiAI.Gateway;

/// <summary>One gateway key: the secret (or its SHA-256), and what requests made with it may do.</summary>
public sealed class GatewayKeyOptions
{
    /// <summary>Gets or sets the key in clear text (prefer <see cref="Sha256"/>, or an environment variable: <c>env:NAME</c>).</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets the key's SHA-256 as 64 hex digits (hashed at rest: <c>printf %s KEY | sha256sum</c>).</summary>
    public string? Sha256 { get; set; }

    /// <summary>Gets or sets the tag of this key's requests: the cost report's per-tag totals and <c>tag</c> budgets use it.</summary>
    public string? Tag { get; set; }

    /// <summary>Gets the routes (aliases or model names) this key may use; empty means all.</summary>
    public IList<string> Routes { get; } = [];

    /// <summary>Gets or sets the most requests per minute this key may make (429 with <c>Retry-After</c> above it); <see langword="null"/> for no limit.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets a value indicating whether this key may use the admin area (provider status, cost report, and what is mounted there).</summary>
    public bool Admin { get; set; }
}
