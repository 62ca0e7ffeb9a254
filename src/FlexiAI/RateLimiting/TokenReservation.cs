namespace FlexiAI;

/// <summary>
/// The tokens one admitted attempt reserved at its provider's <c>tokens_per_minute</c> limit: how many, and where (the shared
/// store's reservation handle, or the local window's segment), so the gate can correct them to the usage the provider reports.
/// A class, so a request without a token limit pays one null reference on its state and nothing else.
/// </summary>
/// <param name="Gate">The gate that reserved them.</param>
/// <param name="Reserved">The tokens reserved (the estimate, at least 1 and at most the limit).</param>
/// <param name="Shared">Whether they were taken from the shared store (else from this process's window).</param>
/// <param name="Ticket">The store's reservation handle, or the local window's segment.</param>
internal sealed record TokenReservation(RateLimitGate Gate, int Reserved, bool Shared, long Ticket);
