using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// The state of one request as it moves through providers, as plain data: what was asked, when it started, the
/// attempts made and the errors met. It holds no reference to the router; the loop reads and writes it.
/// </summary>
internal sealed class RequestState
{
    private readonly bool _givenCorrelationId;
    private ActivityTraceId _traceId; // default until made or adopted
    private string? _correlationId;
    private List<Exception>? _errors;
    private CorrelationScope? _scope;
    private RouteAttempt? _firstAttempt;
    private List<RouteAttempt>? _attempts;

    /// <summary>Creates the state of a request.</summary>
    /// <param name="messages">The validated messages.</param>
    /// <param name="options">The caller's options.</param>
    /// <param name="correlationId">The caller's correlation id, or <see langword="null"/> to use <paramref name="traceId"/>.</param>
    /// <param name="traceId">The id to use (formatted only when someone reads it) when the caller gave none; <see langword="default"/> for
    /// one made when first needed (or the request span's, when tracing adopts it first).</param>
    /// <param name="startTimestamp">When the request started, from the client's <see cref="TimeProvider"/>.</param>
    /// <param name="requestTimeout">The whole-request timeout.</param>
    /// <param name="callerToken">The caller's token.</param>
    public RequestState(IList<ChatMessage> messages, ChatOptions? options, string? correlationId, ActivityTraceId traceId, long startTimestamp, TimeSpan requestTimeout, CancellationToken callerToken)
    {
        Messages = messages;
        Options = options;
        CallerToken = callerToken;
        _correlationId = correlationId;
        _givenCorrelationId = correlationId is not null;
        _traceId = traceId;
        StartTimestamp = startTimestamp;
        RequestTimeout = requestTimeout;
    }

    /// <summary>Gets the caller's messages (validated, never modified).</summary>
    public IList<ChatMessage> Messages { get; }

    /// <summary>Gets the caller's options.</summary>
    public ChatOptions? Options { get; }

    public CancellationToken CallerToken { get; }

    public string CorrelationId => _correlationId ??= TraceId.ToHexString();

    /// <summary>Gets the request's trace id: the ambient activity's, the request span's (see <see cref="AdoptTraceId"/>), else a random one made on first use.</summary>
    public ActivityTraceId TraceId
    {
        get
        {
            if (_traceId == default)
            {
                _traceId = ActivityTraceId.CreateRandom();
            }

            return _traceId;
        }
    }

    /// <summary>
    /// Makes <paramref name="traceId"/> (the request span's) the request's own when it has none yet — no correlation id given, no
    /// ambient activity, nothing read it — so the correlation id is the trace id and no second random id is made.
    /// </summary>
    public void AdoptTraceId(ActivityTraceId traceId)
    {
        if (_traceId == default && !_givenCorrelationId)
        {
            _traceId = traceId;
        }
    }

    /// <summary>Returns whether the correlation id is <paramref name="traceId"/> formatted (the caller gave none and the ids match).</summary>
    public bool CorrelationIsTraceId(ActivityTraceId traceId) => !_givenCorrelationId && _traceId == traceId;

    /// <summary>Gets when the request started, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartTimestamp { get; }

    /// <summary>Gets the whole-request timeout (infinite for none).</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>Gets every attempt so far, in order, skips included.</summary>
    /// <summary>How many attempts (and skips) the route has so far.</summary>
    public int AttemptCount => _attempts?.Count ?? (_firstAttempt is null ? 0 : 1);

    /// <summary>Adds an attempt (or a skip) to the route. Most requests have one, kept without a list.</summary>
    public void AddAttempt(RouteAttempt attempt)
    {
        if (_firstAttempt is null)
        {
            _firstAttempt = attempt;
            return;
        }

        (_attempts ??= [_firstAttempt]).Add(attempt);
    }

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

    /// <summary>Gets or sets a value indicating whether every breaker was open and the request is trying providers anyway (<see cref="AllOpenPolicy.Panic"/>).</summary>
    public bool Panic { get; set; }

    /// <summary>Gets or sets a value indicating whether the loop is in its last pass, where providers held at the lowest priority are tried.</summary>
    public bool LowestPriorityPass { get; set; }

    /// <summary>Gets or sets a value indicating whether the request timeout ran out.</summary>
    public bool RequestTimedOut { get; set; }

    /// <summary>Gets or sets the request's trace span, when tracing listens (set and ended by the tracing subscriber).</summary>
    public System.Diagnostics.Activity? Span { get; set; }

    /// <summary>Gets or sets the running attempt's trace span; the loop makes it the ambient activity while it calls the provider.</summary>
    public System.Diagnostics.Activity? AttemptSpan { get; set; }

    /// <summary>Gets or sets what the request has cost so far (set by the cost subscriber from billed attempts); <see langword="null"/> while unknown.</summary>
    public RequestCost? Cost { get; set; }

    /// <summary>Gets or sets the tokens the running attempt reserved at its provider's rate limit, corrected from its usage when it ends (see <see cref="RateLimitSubscriber"/>).</summary>
    public TokenReservation? TokenReservation { get; set; }

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
        new(_correlationId, _givenCorrelationId ? default : TraceId, answered?.Name, answered?.Model, AttemptsArray(), time.GetElapsedTime(StartTimestamp)) { Usage = usage, Panic = Panic, Cost = Cost };

    private RouteAttempt[] AttemptsArray() =>
        _attempts is { } many ? many.ToArray() : _firstAttempt is { } one ? [one] : [];
}
