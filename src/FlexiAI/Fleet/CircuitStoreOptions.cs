using System.Text.RegularExpressions;

namespace FlexiAI;

/// <summary>
/// <c>circuit_breaker.store</c>: which shared store a fleet of instances uses for breaker state, budget spending and rate limits
/// (e.g. <c>{ "type": "redis", "connection": "redis1:6379,password=…", "prefix": "orders-api" }</c>). The store's package
/// provides the implementation (FlexiAI.Redis for <c>redis</c>); the core only carries the setting.
/// </summary>
/// <remarks>The connection string may hold a password: <see cref="ToString"/> and every message FlexiAI writes show it masked.</remarks>
public sealed partial class CircuitStoreOptions
{
    /// <summary>The key prefix used when none is configured.</summary>
    public const string DefaultPrefix = "flexiai";

    /// <summary>Gets or sets the store type (e.g. <c>redis</c>, provided by the FlexiAI.Redis package; <c>memory</c> for the per-process default).</summary>
    public string Type { get; set; } = "memory";

    /// <summary>Gets or sets the store's connection string (for Redis, a StackExchange.Redis configuration string). A secret when it holds a password.</summary>
    public string? Connection { get; set; }

    /// <summary>Gets or sets the key prefix that isolates this application's keys from other applications sharing the store; <see cref="DefaultPrefix"/> when unset.</summary>
    public string? Prefix { get; set; }

    /// <summary>Gets the prefix in effect.</summary>
    public string EffectivePrefix => string.IsNullOrWhiteSpace(Prefix) ? DefaultPrefix : Prefix;

    /// <summary>Gets the connection string with any password masked (safe to log and show).</summary>
    public string? MaskedConnection => MaskConnection(Connection);

    /// <summary>Masks the password (and any <c>user:password@</c> part) of a connection string.</summary>
    /// <param name="connection">A connection string, or <see langword="null"/>.</param>
    /// <returns>The string with its secrets replaced by <c>***</c>.</returns>
    public static string? MaskConnection(string? connection)
    {
        if (connection is null)
        {
            return null;
        }

        var masked = PasswordSetting().Replace(connection, "$1***");
        return UserInfo().Replace(masked, "$1***@");
    }

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public CircuitStoreOptions Clone() => new() { Type = Type, Connection = Connection, Prefix = Prefix };

    /// <summary>Describes the store with its password masked.</summary>
    /// <returns>For example <c>redis 127.0.0.1:6379,password=*** (prefix orders-api)</c>.</returns>
    public override string ToString() =>
        Connection is null ? $"{Type} (prefix {EffectivePrefix})" : $"{Type} {MaskedConnection} (prefix {EffectivePrefix})";

    [GeneratedRegex(@"((?:^|,)\s*(?:password|pwd|user\s*password)\s*=\s*)[^,]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordSetting();

    [GeneratedRegex(@"((?:^|,)\s*[a-z][a-z0-9+.-]*://)[^@/,]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();
}
