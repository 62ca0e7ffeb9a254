using StackExchange.Redis;

namespace FlexiAI.Redis;

/// <summary>
/// Budget spending shared by a fleet through Redis: one counter per budget period under <c>{prefix}:{budget key}</c>, increased
/// atomically (<c>INCRBY</c>) and expiring when its period ends, so every instance admits against the fleet's total spend.
/// </summary>
/// <remarks>FlexiAI bounds every call at the store timeout and fails open (admits) when Redis does not answer.</remarks>
public sealed class RedisBudgetStore : IBudgetStore
{
    private const string AddScript = """
        local total = redis.call('INCRBY', KEYS[1], ARGV[1])
        if ARGV[2] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
        return total
        """;

    private readonly IDatabase _database;
    private readonly string _prefix;
    private readonly RedisHealth _health;

    /// <summary>Initializes a new instance of the <see cref="RedisBudgetStore"/> class.</summary>
    /// <param name="connection">The Redis connection (the caller owns it).</param>
    /// <param name="prefix">The key prefix of this application.</param>
    public RedisBudgetStore(IConnectionMultiplexer connection, string prefix)
        : this(connection, prefix, new RedisHealth(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, string.Empty, prefix))
    {
    }

    internal RedisBudgetStore(IConnectionMultiplexer connection, string prefix, RedisHealth health)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        _database = connection.GetDatabase();
        _prefix = prefix + ":";
        _health = health;
    }

    /// <inheritdoc/>
    public async ValueTask<long> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var value = await _database.StringGetAsync(_prefix + key).WaitAsync(cancellationToken).ConfigureAwait(false);
            _health.Succeeded();
            return value.IsNull ? 0 : (long)value;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _health.Failed(ex);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> AddAsync(string key, long microDollars, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(microDollars);
        try
        {
            var expiry = expiresAt is { } at && at != DateTimeOffset.MaxValue ? (RedisValue)at.ToUnixTimeMilliseconds() : (RedisValue)string.Empty;
            var total = await _database.ScriptEvaluateAsync(AddScript, [_prefix + key], [microDollars, expiry]).WaitAsync(cancellationToken).ConfigureAwait(false);
            _health.Succeeded();
            return (long)total;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _health.Failed(ex);
            throw;
        }
    }
}
