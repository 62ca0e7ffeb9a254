namespace FlexiAI;

/// <summary>A provider's health as <see cref="FlexiAIClient.GetProviderStatus"/> reports it.</summary>
/// <param name="Name">The provider's name.</param>
/// <param name="Type">The provider's type.</param>
/// <param name="Model">The model.</param>
/// <param name="Priority">The configured priority, if any.</param>
/// <param name="Position">The 1-based position in the current routing order (1 is the primary).</param>
/// <param name="State">The circuit-breaker state.</param>
/// <param name="ConsecutiveFailures">Consecutive counted failures.</param>
/// <param name="OpenedAt">When the breaker last opened, if it is open or half-open.</param>
/// <param name="NextProbeAt">When an open breaker lets its probe through.</param>
/// <param name="LastErrorCategory">The category of the provider's last failure.</param>
public sealed record ProviderStatus(
    string Name,
    string Type,
    string Model,
    int? Priority,
    int Position,
    CircuitState State,
    int ConsecutiveFailures,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? NextProbeAt,
    ErrorCategory? LastErrorCategory);
