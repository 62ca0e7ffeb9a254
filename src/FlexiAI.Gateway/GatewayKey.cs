namespace FlexiAI.Gateway;

/// <summary>A configured gateway key, resolved: its hash, tag, allowed routes, rate limiter and admin right.</summary>
internal sealed class GatewayKey
{
    public GatewayKey(int number, byte[] hash, GatewayKeyOptions options, TimeProvider time)
    {
        Number = number;
        Hash = hash;
        Tag = options.Tag;
        Admin = options.Admin;
        Routes = options.Routes.Count == 0 ? null : new HashSet<string>(options.Routes, StringComparer.Ordinal);
        Limiter = options.RequestsPerMinute is int rpm ? new KeyRateLimiter(rpm, time) : null;
    }

    /// <summary>Gets the key's 1-based position in the configuration: how logs name it (never by its value).</summary>
    public int Number { get; }

    public byte[] Hash { get; }

    public string? Tag { get; }

    public bool Admin { get; }

    public HashSet<string>? Routes { get; }

    public KeyRateLimiter? Limiter { get; }

    public bool MayUse(string route) => Routes is null || Routes.Contains(route);
}
