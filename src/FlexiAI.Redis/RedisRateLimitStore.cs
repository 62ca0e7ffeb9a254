using StackExchange.Redis;

namespace FlexiAI.Redis;

/// <summary>
/// Client-side rate limits shared by a fleet through Redis: an exact sliding one-minute window per limit (a sorted set of the
/// permits taken, scored by Redis's own clock), checked and taken in one Lua script, so the fleet together never takes more than
/// the limit in any 60 seconds. Keys: <c>{prefix}:ratelimit:{key}</c> (plus <c>…:seq</c> and <c>…:used</c>); all expire after a
/// minute of silence.
/// </summary>
/// <remarks>
/// A small script rather than a library (such as RedisRateLimiting): its limiters are token buckets or fixed/sliding windows
/// with segments that admit bursts above the per-minute limit across window edges, and it has no weighted permits we can show
/// exact across processes. The window costs one entry per permit batch, bounded by the limit; a call costs one round trip. A token
/// reservation corrected to actual usage costs one more script call, sent after the answer and not waited for.
/// </remarks>
public sealed class RedisRateLimitStore : IRateLimitStore
{
    // KEYS[1] window (zset), KEYS[2] sequence, KEYS[3] the permits the window holds. ARGV[1] permits, ARGV[2] limit. Members are "seq:permits"; KEYS[3] is kept equal to the
    // sum of the live members' permits. Returns {1, seq} when taken (the reservation, for a correction), else {0, milliseconds until the oldest member leaves}.
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local window = 60000000
        local permits = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        local used = tonumber(redis.call('GET', KEYS[3]) or '0')
        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window)
        if #expired > 0 then
          for i = 1, #expired do used = used - tonumber(string.match(expired[i], ':(%d+)$')) end
          if used < 0 then used = 0 end
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
          redis.call('SET', KEYS[3], used)
        end
        if used + permits > limit then
          local need = used + permits - limit
          local oldest = redis.call('ZRANGE', KEYS[1], 0, 199, 'WITHSCORES')
          local wait = window
          local freed = 0
          for i = 1, #oldest, 2 do
            freed = freed + tonumber(string.match(oldest[i], ':(%d+)$'))
            if freed >= need then wait = tonumber(oldest[i + 1]) + window - now; break end
          end
          return {0, math.floor(wait / 1000) + 1}
        end
        local seq = redis.call('INCR', KEYS[2])
        redis.call('ZADD', KEYS[1], now, seq .. ':' .. permits)
        redis.call('INCRBY', KEYS[3], permits)
        redis.call('PEXPIRE', KEYS[1], 61000)
        redis.call('PEXPIRE', KEYS[2], 61000)
        redis.call('PEXPIRE', KEYS[3], 61000)
        return {1, seq}
        """;

    // A correction to actual usage. KEYS as above; ARGV[1] the reservation's seq, ARGV[2] the permits it took, ARGV[3] the permits really used.
    // While the reservation is in the window it is rewritten in place (same score: it leaves when it would have), so the window holds
    // the actual count; once it has left, an excess is counted now and a shortfall has nothing left to free.
    private const string CorrectScript = """
        local reserved = tonumber(ARGV[2])
        local actual = tonumber(ARGV[3])
        local member = ARGV[1] .. ':' .. ARGV[2]
        local score = redis.call('ZSCORE', KEYS[1], member)
        if score then
          redis.call('ZREM', KEYS[1], member)
          redis.call('ZADD', KEYS[1], score, ARGV[1] .. ':' .. actual)
          if redis.call('INCRBY', KEYS[3], actual - reserved) < 0 then redis.call('SET', KEYS[3], 0) end
        elseif actual > reserved then
          local t = redis.call('TIME')
          local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
          local seq = redis.call('INCR', KEYS[2])
          redis.call('ZADD', KEYS[1], now, seq .. ':' .. (actual - reserved))
          redis.call('INCRBY', KEYS[3], actual - reserved)
        else
          return 0
        end
        redis.call('PEXPIRE', KEYS[1], 61000)
        redis.call('PEXPIRE', KEYS[2], 61000)
        redis.call('PEXPIRE', KEYS[3], 61000)
        return 1
        """;

    // Read-only: the permits the window holds now (KEYS[1] window, KEYS[2] the permits counter), not counting members that left it.
    private const string UsedScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local used = tonumber(redis.call('GET', KEYS[2]) or '0')
        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - 60000000)
        for i = 1, #expired do used = used - tonumber(string.match(expired[i], ':(%d+)$')) end
        if used < 0 then used = 0 end
        return used
        """;

    private readonly IDatabase _database;
    private readonly string _prefix;
    private readonly RedisHealth _health;

    /// <summary>Initializes a new instance of the <see cref="RedisRateLimitStore"/> class.</summary>
    /// <param name="connection">The Redis connection (the caller owns it).</param>
    /// <param name="prefix">The key prefix of this application.</param>
    public RedisRateLimitStore(IConnectionMultiplexer connection, string prefix)
        : this(connection, prefix, new RedisHealth(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, string.Empty, prefix))
    {
    }

    internal RedisRateLimitStore(IConnectionMultiplexer connection, string prefix, RedisHealth health)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        _database = connection.GetDatabase();
        _prefix = prefix + ":ratelimit:";
        _health = health;
    }

    /// <inheritdoc/>
    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, int permits, int limitPerMinute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitPerMinute);
        try
        {
            var result = (RedisResult[])(await _database.ScriptEvaluateAsync(
                AcquireScript, [_prefix + key, _prefix + key + ":seq", _prefix + key + ":used"], [permits, limitPerMinute]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
            _health.Succeeded();
            return (long)result[0] == 1 ? new(true, TimeSpan.Zero) { Reservation = (long)result[1] } : new(false, TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _health.Failed(ex);
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>One script call (a round trip the gate does not wait for): the reservation is rewritten in place with the actual count.</remarks>
    public async ValueTask CorrectAsync(string key, long reservation, int reserved, int actual, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(reserved);
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        if (actual == reserved)
        {
            return;
        }

        await _database.ScriptEvaluateAsync(
            CorrectScript, [_prefix + key, _prefix + key + ":seq", _prefix + key + ":used"], [reservation, reserved, actual]).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<long?> GetUsedAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var result = await _database.ScriptEvaluateAsync(UsedScript, [_prefix + key, _prefix + key + ":used"]).WaitAsync(cancellationToken).ConfigureAwait(false);
            _health.Succeeded();
            return (long)result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _health.Failed(ex);
            throw;
        }
    }
}
