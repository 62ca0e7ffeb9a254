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
/// exact across processes. The window costs one entry per permit batch, bounded by the limit; a call costs one round trip.
/// </remarks>
public sealed class RedisRateLimitStore : IRateLimitStore
{
    // KEYS[1] window (zset), KEYS[2] sequence, KEYS[3] the permits the window holds. ARGV[1] permits, ARGV[2] limit. Members are "seq:permits"; KEYS[3] is kept equal to the
    // sum of the live members' permits. Returns {1, 0} when taken, else {0, milliseconds until the oldest member leaves}.
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
        return {1, 0}
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
            return (long)result[0] == 1 ? new(true, TimeSpan.Zero) : new(false, TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _health.Failed(ex);
            throw;
        }
    }
}
