namespace FlexiAI.Reliability.Matrix;

/// <summary>What one cell must show, derived from the fault's documented facts and <see cref="DocumentedPolicy"/> only.</summary>
/// <param name="Category">The category every failed attempt is classified as.</param>
/// <param name="PrimaryCalls">Upstream calls the primary receives (its journal).</param>
/// <param name="Retried">Whether the primary was retried.</param>
/// <param name="FailsOver">Whether the backup is asked (and answers) when the primary gives up.</param>
/// <param name="Counts">Whether the failures count toward the primary's breaker.</param>
/// <param name="ErrorWithBackup">The exception when the backup is healthy (null: the backup answers).</param>
/// <param name="ErrorWithoutBackup">The exception when nothing answers (the primary alone).</param>
/// <param name="Interrupted">Whether the primary's attempt is recorded as Interrupted (text had reached the caller).</param>
public sealed record MatrixExpectation(
    ErrorCategory Category,
    int PrimaryCalls,
    bool Retried,
    bool FailsOver,
    bool Counts,
    Type? ErrorWithBackup,
    Type ErrorWithoutBackup,
    bool Interrupted)
{
    /// <summary>Derives a cell's expectation.</summary>
    public static MatrixExpectation For(MatrixCell cell)
    {
        var fault = cell.Fault;
        var category = fault.Category(cell.Primary);
        var (retry, failover, counts) = DocumentedPolicy.Table[category];
        if (fault.MidStream)
        {
            // docs/streaming.md: after text reached the caller the mid-stream policy decides — no retry; `fail` ends with a
            // StreamInterruptedException; `continue` goes to the next provider (for categories that fail over).
            var continues = cell.Mode == CallMode.StreamContinue && failover;
            return new(category, 1, false, continues, counts, continues ? null : typeof(StreamInterruptedException), typeof(StreamInterruptedException), Interrupted: true);
        }

        // docs/routing.md, Retries: up to retry.max_attempts for retryable categories; a Retry-After above max_retry_after
        // fails over at once without sleeping.
        var retried = retry && !fault.RetryAfterAboveCap;
        var calls = retried ? MatrixTable.MaxAttempts : 1;
        return new(
            category,
            calls,
            retried,
            failover,
            counts,
            failover ? null : typeof(ProviderException),
            failover ? typeof(AllProvidersFailedException) : typeof(ProviderException),
            Interrupted: false);
    }
}
