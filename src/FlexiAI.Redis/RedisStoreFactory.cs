using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlexiAI.Redis;

/// <summary>
/// The <c>redis</c> store type of <c>circuit_breaker.store</c>: one connection per connection string and prefix, shared by every
/// client the factory serves, with short timeouts (1 s unless the connection string says otherwise), <c>abortConnect=false</c> and
/// fail-fast commands while disconnected, so a Redis outage never holds a request.
/// </summary>
/// <remarks>Register it with <c>services.UseRedis()</c> or <c>clientOptions.UseRedis()</c>. Disposing the factory closes its connections.</remarks>
public sealed class RedisStoreFactory : CircuitStoreFactory, IDisposable
{
    private readonly ConcurrentDictionary<(string Connection, string Prefix), Lazy<RedisFleet>> _fleets = new();

    /// <inheritdoc/>
    public override string Type => "redis";

    /// <inheritdoc/>
    public override FleetStores Create(CircuitStoreOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return Fleet(options, time, loggerFactory).Stores;
    }

    /// <summary>Parses a connection string with FlexiAI's defaults for a store that must never hold a request.</summary>
    /// <param name="connection">A StackExchange.Redis connection string.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ConfigurationException">The string does not parse (the message masks any password).</exception>
    public static ConfigurationOptions ParseConnection(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(connection);
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationException("circuit_breaker.store.connection",
                $"'{CircuitStoreOptions.MaskConnection(connection)}' is not a Redis connection string ({CircuitStoreOptions.MaskConnection(ex.Message)}). Use for example \"localhost:6379\" or \"redis1:6379,password=…,ssl=true\".");
        }

        if (parsed.EndPoints.Count == 0)
        {
            throw new ConfigurationException("circuit_breaker.store.connection",
                $"'{CircuitStoreOptions.MaskConnection(connection)}' names no Redis endpoint. Use for example \"localhost:6379\".");
        }

        parsed.AbortOnConnectFail = false;
        parsed.BacklogPolicy = BacklogPolicy.FailFast;
        if (!Mentions(connection, "connectTimeout"))
        {
            parsed.ConnectTimeout = 1000;
        }

        if (!Mentions(connection, "syncTimeout"))
        {
            parsed.SyncTimeout = 1000;
        }

        if (!Mentions(connection, "asyncTimeout"))
        {
            parsed.AsyncTimeout = 1000;
        }

        parsed.ClientName ??= "flexiai";
        return parsed;
    }

    /// <summary>Closes every connection this factory opened.</summary>
    public void Dispose()
    {
        foreach (var fleet in _fleets.Values)
        {
            if (fleet.IsValueCreated)
            {
                fleet.Value.Dispose();
            }
        }

        _fleets.Clear();
    }

    internal RedisFleet Fleet(CircuitStoreOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        if (string.IsNullOrWhiteSpace(options.Connection))
        {
            throw new ConfigurationException("circuit_breaker.store.connection", "is required for store type 'redis': a StackExchange.Redis connection string such as \"localhost:6379\".");
        }

        var connection = options.Connection;
        var prefix = options.EffectivePrefix;
        var parsed = ParseConnection(connection);
        var lazy = _fleets.GetOrAdd((connection, prefix), _ => new Lazy<RedisFleet>(() =>
        {
            var multiplexer = ConnectionMultiplexer.Connect(parsed);
            return new RedisFleet(multiplexer, prefix, options.MaskedConnection ?? string.Empty, time, loggerFactory.CreateLogger("FlexiAI.Redis"));
        }));
        return lazy.Value;
    }

    private static bool Mentions(string connection, string setting) =>
        connection.Contains(setting + "=", StringComparison.OrdinalIgnoreCase);
}
