namespace FlexiAI;

/// <summary>
/// The tokens one admitted attempt reserved at its provider's <c>tokens_per_minute</c> limit: how many, and where (the shared
/// store's reservation handle, or the local window's segment), so the gate can correct them to the usage the provider reports.
/// </summary>
/// <param name="Gate">The gate that reserved them.</param>
/// <param name="Reserved">The tokens reserved (the estimate, at least 1 and at most the limit).</param>
/// <param name="Shared">Whether they were taken from the shared store (else from this process's window).</param>
/// <param name="Ticket">The store's reservation handle, or the local window's segment.</param>
internal readonly record struct TokenReservation(RateLimitGate Gate, int Reserved, bool Shared, long Ticket);
