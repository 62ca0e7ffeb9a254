namespace FlexiAI;

/// <summary>What the loop does after a failed attempt.</summary>
internal enum AttemptDecisionKind
{
    /// <summary>Wait <see cref="AttemptDecision.Delay"/>, then try the same provider again.</summary>
    Retry,

    /// <summary>Move on to the next provider.</summary>
    NextProvider,

    /// <summary>Stop the request (see <see cref="AttemptDecision.StopReason"/>).</summary>
    Stop,
}

/// <summary>Why a request stops after a failed attempt.</summary>
internal enum StopReason
{
    /// <summary>Not stopping.</summary>
    None,

    /// <summary>The whole-request timeout ran out: the request fails with every error so far.</summary>
    RequestTimeout,

    /// <summary>The failure's category does not fail over: the request fails with this attempt's error.</summary>
    NoFailover,
}

/// <summary>The outcome of <see cref="RetryDecision.Decide"/>.</summary>
/// <param name="Kind">Retry, next provider or stop.</param>
/// <param name="Delay">For a retry: how long to wait first.</param>
/// <param name="StopReason">For a stop: why.</param>
/// <param name="RetryAfterAboveCap">Whether the provider's <c>Retry-After</c> exceeded the cap, so the loop did not wait for it.</param>
internal readonly record struct AttemptDecision(AttemptDecisionKind Kind, TimeSpan Delay, StopReason StopReason, bool RetryAfterAboveCap)
{
    /// <summary>
    /// Gets a value indicating, for <see cref="AttemptDecisionKind.NextProvider"/> under <see cref="RetryStrategy.FailoverFirst"/>, that
    /// the provider would have been retried: the loop comes back to it (after <see cref="Delay"/>) when no other provider is left.
    /// </summary>
    public bool ComeBack { get; init; }

    public static AttemptDecision Retry(TimeSpan delay) => new(AttemptDecisionKind.Retry, delay, StopReason.None, false);

    public static AttemptDecision Next(bool aboveCap = false) => new(AttemptDecisionKind.NextProvider, TimeSpan.Zero, StopReason.None, aboveCap);

    public static AttemptDecision NextThenComeBack(TimeSpan delay) => new(AttemptDecisionKind.NextProvider, delay, StopReason.None, false) { ComeBack = true };

    public static AttemptDecision Stop(StopReason reason, bool aboveCap = false) => new(AttemptDecisionKind.Stop, TimeSpan.Zero, reason, aboveCap);
}
