using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// The state of one request as it moves through providers, as plain data: what was asked, when it started, the
/// attempts made and the errors met. It holds no reference to the router; the loop reads and writes it.
/// </summary>
internal sealed class RequestState
{
    private List<Exception>? _errors;
    private CorrelationScope? _scope;

    public RequestState(IList<ChatMessage> messages, ChatOptions? options, string correlationId, long startTimestamp, TimeSpan requestTimeout, CancellationToken callerToken)
    {
        Messages = messages;
        Options = options;
        CallerToken = callerToken;
        CorrelationId = correlationId;
        StartTimestamp = startTimestamp;
        RequestTimeout = requestTimeout;
    }

    /// <summary>Gets the caller's messages (validated, never modified).</summary>
    public IList<ChatMessage> Messages { get; }

    /// <summary>Gets the caller's options.</summary>
    public ChatOptions? Options { get; }

    public CancellationToken CallerToken { get; }

    public string CorrelationId { get; }

    /// <summary>Gets when the request started, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartTimestamp { get; }

    /// <summary>Gets the whole-request timeout (infinite for none).</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>Gets every attempt so far, in order, skips included.</summary>
    public List<RouteAttempt> Attempts { get; } = new(2);

    /// <summary>Gets every error so far (provider failures and skips), in order.</summary>
    public IReadOnlyList<Exception> Errors => _errors ?? (IReadOnlyList<Exception>)[];

    /// <summary>Gets the last error, if any.</summary>
    public Exception? LastError => _errors is { Count: > 0 } errors ? errors[^1] : null;

    /// <summary>Gets the earliest time a skipped provider may be tried again.</summary>
    public DateTimeOffset? EarliestRetryAt { get; private set; }

    /// <summary>Gets how many attempts were actually sent to a provider.</summary>
    public int Sent { get; set; }

    /// <summary>Gets or sets, while continuing an interrupted stream, how many characters the caller already had.</summary>
    public int? ContinuedAt { get; set; }

    /// <summary>Gets or sets a value indicating whether the request timeout ran out.</summary>
    public bool RequestTimedOut { get; set; }

    /// <summary>Gets or sets what the request has cost so far (set by the cost subscriber from billed attempts); <see langword="null"/> while unknown.</summary>
    public RequestCost? Cost { get; set; }

    /// <summary>Gets the log scope carrying the correlation id (built on first use).</summary>
    public CorrelationScope LogScope => _scope ??= new CorrelationScope(CorrelationId);

    public void AddError(Exception error) => (_errors ??= []).Add(error);

    public void NoteRetryAt(DateTimeOffset? at)
    {
        if (at is { } value && (EarliestRetryAt is null || value < EarliestRetryAt))
        {
            EarliestRetryAt = value;
        }
    }

    public void ClearRetryAt() => EarliestRetryAt = null;

    /// <summary>Gets the time left before the request timeout (infinite when there is none; never negative).</summary>
    public TimeSpan Remaining(TimeProvider time)
    {
        if (RequestTimeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var left = RequestTimeout - time.GetElapsedTime(StartTimestamp);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public RouteReport BuildRoute(TimeProvider time, RoutedProvider? answered, UsageDetails? usage = null) =>
        new(CorrelationId, answered?.Name, answered?.Model, [.. Attempts], time.GetElapsedTime(StartTimestamp)) { Usage = usage, Cost = Cost };
}
