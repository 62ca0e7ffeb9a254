using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>What a hook sees. Which members are set depends on <see cref="Event"/>; the rest are <see langword="null"/>.</summary>
/// <remarks>Hooks must not modify <see cref="Messages"/>, <see cref="Options"/> or <see cref="Response"/>: they are the caller's objects.</remarks>
public sealed class FlexiAIHookContext
{
    /// <summary>Gets the event.</summary>
    public required FlexiAIHookEvent Event { get; init; }

    /// <summary>Gets when the event happened, by the client's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the request's correlation id (empty for circuit changes made by hand).</summary>
    public required string CorrelationId { get; init; }

    /// <summary>Gets the provider concerned: the one attempted, the one that failed over, or the one whose breaker changed.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the model of <see cref="Provider"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the 1-based attempt number against <see cref="Provider"/>, for request, response and error events.</summary>
    public int AttemptNumber { get; init; }

    /// <summary>Gets the request's messages.</summary>
    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    /// <summary>Gets the request's options.</summary>
    public ChatOptions? Options { get; init; }

    /// <summary>Gets the response, for <see cref="FlexiAIHookEvent.AfterResponse"/> (for streams: the final update's route, no response object).</summary>
    public ChatResponse? Response { get; init; }

    /// <summary>Gets the route so far (after-response and error events).</summary>
    public RouteReport? Route { get; init; }

    /// <summary>Gets what the request cost, for <see cref="FlexiAIHookEvent.AfterResponse"/> (<see langword="null"/> when the price or usage is unknown).</summary>
    public RequestCost? Cost { get; init; }

    /// <summary>Gets the error, for <see cref="FlexiAIHookEvent.Error"/> and <see cref="FlexiAIHookEvent.Failover"/>.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Gets the provider the request moves to, for <see cref="FlexiAIHookEvent.Failover"/>.</summary>
    public string? NextProvider { get; init; }

    /// <summary>Gets the breaker change, for <see cref="FlexiAIHookEvent.CircuitStateChange"/>.</summary>
    public CircuitStateChange? CircuitChange { get; init; }
}
