using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlexiAI.Redis;

/// <summary>
/// Whether one Redis connection answers, shared by the stores over it: the first failure of an outage logs one warning, the
/// first success after it logs the recovery and raises <see cref="Recovered"/> (the stores resynchronise then).
/// </summary>
internal sealed class RedisHealth : ISharedStoreHealth
{
    private readonly ILogger _logger;
    private readonly string _connection;
    private readonly string _prefix;
    private int _down;
    private int _outages;

    public RedisHealth(ILogger logger, string maskedConnection, string prefix)
    {
        _logger = logger;
        _connection = maskedConnection;
        _prefix = prefix;
    }

    /// <inheritdoc/>
    public string Description => $"redis {_connection} (prefix {_prefix})";

    /// <summary>Gets the key prefix.</summary>
    public string Prefix => _prefix;

    /// <summary>Raised when Redis answers after an outage.</summary>
    public event Action? Recovered;

    /// <summary>Gets a value indicating whether the last call to Redis succeeded.</summary>
    public bool IsAvailable => Volatile.Read(ref _down) == 0;

    /// <summary>Gets how many outages began since the stores were created.</summary>
    public int Outages => Volatile.Read(ref _outages);

    public void Failed(Exception exception)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            Interlocked.Increment(ref _outages);
            RedisLog.Unavailable(_logger, _connection, _prefix, Describe(exception));
        }
    }

    public void Succeeded()
    {
        if (Volatile.Read(ref _down) != 0 && Interlocked.Exchange(ref _down, 0) == 1)
        {
            RedisLog.Recovered(_logger, _connection, _prefix);
            Recovered?.Invoke();
        }
    }

    /// <summary>Describes a failure without echoing a connection string's password.</summary>
    public static string Describe(Exception exception) =>
        exception switch
        {
            RedisTimeoutException => "no answer in time",
            RedisConnectionException c => $"connection failed ({c.FailureType})",
            OperationCanceledException => "no answer in time",
            _ => exception.GetType().Name + ": " + (CircuitStoreOptions.MaskConnection(exception.Message) ?? string.Empty),
        };
}
