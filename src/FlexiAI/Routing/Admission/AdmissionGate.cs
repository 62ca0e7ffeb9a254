namespace FlexiAI;

/// <summary>
/// One admission gate of a provider (DESIGN §9): asked before every attempt, told how the attempt ended.
/// The circuit breaker is the first gate; rate limits and budgets are gates too. The loop never names a gate.
/// </summary>
/// <remarks>
/// A gate that cannot answer (its store is down) must fail open and say so once, never throw. Every admitted
/// attempt gets exactly one of <see cref="OnSucceededAsync"/>, <see cref="OnFailedAsync"/> or <see cref="ReleaseAsync"/>.
/// </remarks>
internal abstract class AdmissionGate
{
    /// <summary>Decides whether the request may call the provider now.</summary>
    public abstract ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken);

    /// <summary>The admitted attempt succeeded.</summary>
    public virtual ValueTask OnSucceededAsync(RequestState request, Admission admission) => default;

    /// <summary>The admitted attempt failed with <paramref name="category"/>; <paramref name="counts"/> says whether it counts against the provider.</summary>
    public virtual ValueTask OnFailedAsync(RequestState request, Admission admission, ErrorCategory category, bool counts) => default;

    /// <summary>The admitted attempt ended without a verdict (the caller cancelled, a later gate skipped, the request was refused).</summary>
    public virtual ValueTask ReleaseAsync(RequestState request, Admission admission) => default;
}
