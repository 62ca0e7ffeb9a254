using System.Collections.Concurrent;
using StackExchange.Redis;

namespace FlexiAI.Redis;

/// <summary>
/// Circuit-breaker state shared by a fleet through Redis: an atomic compare-and-swap on each entry's version (one Lua script, one
/// round trip), keys under a per-application prefix, and every change pushed to every instance over pub/sub, with a bounded
/// refresh as the fallback for lost messages.
/// </summary>
/// <remarks>
/// <para>
/// Keys: <c>{prefix}:circuit:{provider}</c> holds the entry; <c>{prefix}:circuit</c> is the pub/sub channel. A closed breaker costs
/// no Redis call per request: breakers read the entry pushed to them. Redis is called only on a state change (a counted failure,
/// a trip, a probe), by the refresh timer, and on reconnection.
/// </para>
/// <para>
/// Resynchronisation: the store remembers the newest entry it has seen for each key. When Redis answers again after an outage —
/// or a refresh finds an older version stored than one it has seen (a Redis restarted without persistence) — it writes that entry
/// back with a "newest version wins" script, so a stale writer can never move an open breaker back to closed.
/// </para>
/// </remarks>
public sealed class RedisCircuitStateStore : INotifyingCircuitStateStore, IDisposable
{
    private const string CompareAndSwapScript = """
        local cur = redis.call('GET', KEYS[1])
        local v = 0
        if cur then v = tonumber(string.match(cur, '^(%d+)')) or 0 end
        if v ~= tonumber(ARGV[1]) then return 0 end
        redis.call('SET', KEYS[1], ARGV[2])
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    private const string NewerWinsScript = """
        local cur = redis.call('GET', KEYS[1])
        local v = -1
        if cur then v = tonumber(string.match(cur, '^(%d+)')) or -1 end
        if v >= tonumber(ARGV[1]) then return 0 end
        redis.call('SET', KEYS[1], ARGV[2])
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    private readonly IConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly RedisChannel _channel;
    private readonly string _keyPrefix;
    private readonly RedisHealth _health;
    private readonly CircuitChangeHandlers _handlers = new();
    private readonly ConcurrentDictionary<string, CircuitStateEntry> _newest = new(StringComparer.Ordinal);
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private readonly ITimer _timer;
    private int _subscribed;
    private int _refreshing;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="RedisCircuitStateStore"/> class.</summary>
    /// <param name="connection">The Redis connection (the caller owns it). Configure short timeouts and <c>abortConnect=false</c>.</param>
    /// <param name="prefix">The key prefix of this application (e.g. <c>orders-api</c>); applications with different prefixes never share state.</param>
    /// <param name="refreshInterval">How often subscribed entries are re-read in case a pushed change was lost; 2 seconds when <see langword="null"/>.</param>
    /// <param name="time">The clock of the refresh timer; the system clock when <see langword="null"/>.</param>
    /// <param name="logger">Where outages are reported (one warning each).</param>
    public RedisCircuitStateStore(IConnectionMultiplexer connection, string prefix, TimeSpan? refreshInterval = null, TimeProvider? time = null, Microsoft.Extensions.Logging.ILogger? logger = null)
        : this(connection, prefix, refreshInterval, time, new RedisHealth(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CircuitStoreOptions.MaskConnection(connection?.Configuration) ?? string.Empty, prefix))
    {
    }

    internal RedisCircuitStateStore(IConnectionMultiplexer connection, string prefix, TimeSpan? refreshInterval, TimeProvider? time, RedisHealth health)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        _connection = connection;
        _database = connection.GetDatabase();
        _keyPrefix = prefix + ":circuit:";
        _channel = RedisChannel.Literal(prefix + ":circuit");
        _health = health;
        _health.Recovered += OnRecovered;
        _onMessage = OnMessage;
        connection.ConnectionRestored += OnConnectionRestored;
        var interval = refreshInterval ?? TimeSpan.FromSeconds(2);
        _timer = (time ?? TimeProvider.System).CreateTimer(static s => ((RedisCircuitStateStore)s!).OnTick(), this, interval, interval);
    }

    /// <summary>Gets a value indicating whether Redis answered the last call (false while the fleet runs on local state).</summary>
    public bool IsAvailable => _health.IsAvailable;

    /// <summary>Gets how many Redis outages this store has seen.</summary>
    public int Outages => _health.Outages;

    /// <inheritdoc/>
    public async ValueTask<CircuitStateEntry> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var value = await _database.StringGetAsync(Key(key)).WaitAsync(cancellationToken).ConfigureAwait(false);
            _health.Succeeded();
            var entry = CircuitEntryCodec.TryDecode(value, out var decoded) ? decoded : CircuitStateEntry.Initial;
            Remember(key, entry);
            return entry;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _health.Failed(ex);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryReplaceAsync(string key, CircuitStateEntry expected, CircuitStateEntry replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);
        var payload = CircuitEntryCodec.Encode(replacement);
        try
        {
            var result = await _database.ScriptEvaluateAsync(
                CompareAndSwapScript,
                [Key(key)],
                [expected.Version, payload, _channel.ToString(), key + "\n" + payload]).WaitAsync(cancellationToken).ConfigureAwait(false);
            _health.Succeeded();
            if ((long)result != 1)
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _health.Failed(ex);
            throw;
        }

        Remember(key, replacement);
        _handlers.Notify(key, replacement);
        return true;
    }

    /// <inheritdoc/>
    public IDisposable Subscribe(string key, Action<CircuitStateEntry> onChanged)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(onChanged);
        var subscription = _handlers.Subscribe(key, onChanged);
        EnsureSubscribed();
        return subscription;
    }

    /// <summary>Re-reads every subscribed entry now (what the refresh timer does), writing back newer entries Redis lost.</summary>
    /// <returns>A task that completes when done; never throws (a failure marks Redis unavailable).</returns>
    public async Task RefreshAsync()
    {
        var keys = _handlers.Keys.ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        try
        {
            EnsureSubscribed();
            var values = await _database.StringGetAsync([.. keys.Select(k => (RedisKey)Key(k))]).ConfigureAwait(false);
            _health.Succeeded();
            for (var i = 0; i < keys.Length; i++)
            {
                var stored = CircuitEntryCodec.TryDecode(values[i], out var decoded) ? decoded : CircuitStateEntry.Initial;
                if (_newest.TryGetValue(keys[i], out var newest) && newest.Version > stored.Version)
                {
                    // Redis lost this entry (restarted without persistence) or holds an older one: the newest version wins.
                    var payload = CircuitEntryCodec.Encode(newest);
                    await _database.ScriptEvaluateAsync(NewerWinsScript, [Key(keys[i])], [newest.Version, payload, _channel.ToString(), keys[i] + "\n" + payload]).ConfigureAwait(false);
                    continue;
                }

                Remember(keys[i], stored);
                _handlers.Notify(keys[i], stored);
            }
        }
#pragma warning disable CA1031 // A refresh runs in the background: a failure marks Redis unavailable and the next tick tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _health.Failed(ex);
        }
    }

    /// <summary>Stops the refresh timer and the pub/sub subscription. The connection stays open (its owner closes it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer.Dispose();
        _health.Recovered -= OnRecovered;
        _connection.ConnectionRestored -= OnConnectionRestored;
        if (Volatile.Read(ref _subscribed) == 1)
        {
            try
            {
                _connection.GetSubscriber().Unsubscribe(_channel, _onMessage, CommandFlags.FireAndForget);
            }
#pragma warning disable CA1031 // Disposal must not throw because Redis is down.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    internal string Key(string name) => _keyPrefix + name;

    private void EnsureSubscribed()
    {
        if (Volatile.Read(ref _subscribed) != 0 || Volatile.Read(ref _disposed) != 0 || Interlocked.CompareExchange(ref _subscribed, 2, 0) != 0)
        {
            return;
        }

        _ = SubscribeAsync();
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await _connection.GetSubscriber().SubscribeAsync(_channel, _onMessage).ConfigureAwait(false);
            Volatile.Write(ref _subscribed, 1);

            // Changes written before the subscription took effect arrive with this read.
            await RefreshAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Not subscribed yet: the refresh timer tries again, and reads in the meantime.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _subscribed, 0);
            _health.Failed(ex);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message;
        var split = text?.IndexOf('\n', StringComparison.Ordinal) ?? -1;
        if (split <= 0 || !CircuitEntryCodec.TryDecode(text![(split + 1)..], out var entry))
        {
            return;
        }

        var key = text[..split];
        Remember(key, entry);
        _handlers.Notify(key, entry);
    }

    private void Remember(string key, CircuitStateEntry entry)
    {
        while (true)
        {
            if (!_newest.TryGetValue(key, out var current))
            {
                if (_newest.TryAdd(key, entry))
                {
                    return;
                }

                continue;
            }

            if (entry.Version <= current.Version || _newest.TryUpdate(key, entry, current))
            {
                return;
            }
        }
    }

    private void OnTick()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = RefreshThenClearAsync();
        }
    }

    private async Task RefreshThenClearAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => OnTick();

    private void OnRecovered() => OnTick();
}
