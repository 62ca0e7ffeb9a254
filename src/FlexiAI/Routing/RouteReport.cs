namespace FlexiAI;

/// <summary>
/// How FlexiAI answered a request: the provider and model that answered, every attempt in order,
/// the total latency and the request's correlation id. Reach it with
/// <see cref="FlexiAIChatResponseExtensions.GetRoute(Microsoft.Extensions.AI.ChatResponse)"/>.
/// </summary>
public sealed class RouteReport
{
    private readonly System.Diagnostics.ActivityTraceId _traceId;
    private string? _correlationId;

    /// <summary>A report whose correlation id is formatted from <paramref name="traceId"/> only when read (unless given).</summary>
    internal RouteReport(string? correlationId, System.Diagnostics.ActivityTraceId traceId, string? provider, string? model, IReadOnlyList<RouteAttempt> attempts, TimeSpan totalLatency)
    {
        _correlationId = correlationId;
        _traceId = traceId;
        Provider = provider;
        Model = model;
        Attempts = attempts;
        TotalLatency = totalLatency;
    }

    /// <summary>Initializes a new instance of the <see cref="RouteReport"/> class.</summary>
    /// <param name="correlationId">The request's correlation id.</param>
    /// <param name="provider">The provider that answered, or <see langword="null"/> when none did.</param>
    /// <param name="model">The model that answered, or <see langword="null"/> when none did.</param>
    /// <param name="attempts">Every attempt, in order.</param>
    /// <param name="totalLatency">The time from the call to the answer (or the failure).</param>
    public RouteReport(string correlationId, string? provider, string? model, IReadOnlyList<RouteAttempt> attempts, TimeSpan totalLatency)
    {
        ArgumentNullException.ThrowIfNull(correlationId);
        _correlationId = correlationId;
        Provider = provider;
        Model = model;
        Attempts = attempts;
        TotalLatency = totalLatency;
    }

    /// <summary>Gets the request's correlation id, also present in FlexiAI's log scopes.</summary>
    public string CorrelationId => _correlationId ??= _traceId.ToHexString();

    /// <summary>Gets the provider that answered, or <see langword="null"/> when none did.</summary>
    public string? Provider { get; }

    /// <summary>Gets the model that answered, or <see langword="null"/> when none did.</summary>
    public string? Model { get; }

    /// <summary>Gets every attempt, in order, including providers skipped by an open breaker.</summary>
    public IReadOnlyList<RouteAttempt> Attempts { get; }

    /// <summary>Gets the time from the call to the answer (or the failure).</summary>
    public TimeSpan TotalLatency { get; }

    /// <summary>Gets the token usage the answering provider(s) reported, when any did.</summary>
    public Microsoft.Extensions.AI.UsageDetails? Usage { get; init; }

    /// <summary>
    /// Gets a value indicating whether every provider's breaker was open and the request tried them anyway
    /// (<c>circuit_breaker.all_open: "panic"</c>): one attempt each, nearest recovery first, not counted toward the breakers.
    /// </summary>
    public bool Panic { get; init; }

    /// <summary>
    /// Gets what the request cost in US dollars (input, cached input, output, and billed failed attempts), from the usage the
    /// providers reported and the pricing table; <see langword="null"/> when the model's price or the usage is unknown.
    /// </summary>
    public RequestCost? Cost { get; init; }

    /// <summary>
    /// Gets a value indicating whether the response cache answered (see docs/cache.md): then <see cref="Provider"/> and <see cref="Model"/>
    /// are those that first answered, <see cref="Attempts"/> is empty, <see cref="Cost"/> is <see langword="null"/> (nothing was billed)
    /// and <see cref="CostSaved"/> is what the answer cost when it was made.
    /// </summary>
    public bool CacheHit { get; init; }

    /// <summary>Gets where a cache hit came from: <c>memory</c> (this process) or <c>redis</c>; <see langword="null"/> when not a hit.</summary>
    public string? CacheSource { get; init; }

    /// <summary>Gets, on a cache hit, what the answer cost in US dollars when a provider made it (what the hit saved); otherwise <see langword="null"/>.</summary>
    public decimal? CostSaved { get; init; }

    /// <summary>Gets a value indicating whether a provider other than the first tried one answered.</summary>
    public bool FailedOver => Provider is not null && Attempts.Count > 0 && !string.Equals(Attempts[0].Provider, Provider, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString()
    {
        if (CacheHit)
        {
            return $"{Provider ?? "(none)"} via [cache:{CacheSource}] in {TotalLatency.TotalMilliseconds:F1} ms (correlation {CorrelationId})";
        }

        var path = string.Join(" -> ", Attempts.Select(a => a.Outcome switch
        {
            AttemptOutcome.Succeeded when a.ContinuedAt is int at => $"{a.Provider}#{a.AttemptNumber}:ok(continued@{at})",
            AttemptOutcome.Succeeded => $"{a.Provider}#{a.AttemptNumber}:ok",
            AttemptOutcome.SkippedCircuitOpen => $"{a.Provider}:skipped(open)",
            AttemptOutcome.Skipped => $"{a.Provider}:skipped({a.SkipReason})",
            AttemptOutcome.Cancelled => $"{a.Provider}#{a.AttemptNumber}:cancelled",
            AttemptOutcome.Interrupted => $"{a.Provider}#{a.AttemptNumber}:interrupted({a.Category})",
            _ => $"{a.Provider}#{a.AttemptNumber}:{a.Category}{(a.StatusCode is int s ? $"({s})" : string.Empty)}",
        }));
        return $"{Provider ?? "(none)"} via [{path}] in {TotalLatency.TotalMilliseconds:F1} ms (correlation {CorrelationId})";
    }
}
