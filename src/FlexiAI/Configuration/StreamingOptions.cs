namespace FlexiAI;

/// <summary>Streaming settings: time-to-first-token and idle timeouts, and the mid-stream failure policy.</summary>
public sealed class StreamingOptions
{
    /// <summary>The continuation instruction used by <see cref="MidStreamPolicy.Continue"/> unless <see cref="ContinuationPrompt"/> replaces it.</summary>
    public const string DefaultContinuationPrompt =
        "Your previous reply was cut off. Continue it exactly from where it stopped: do not repeat any of it and do not add any preamble.";

    /// <summary>
    /// Gets or sets how long a stream may take to deliver its first update. <see langword="null"/> (the default) uses the attempt
    /// timeout. A provider's <see cref="ProviderOptions.FirstTokenTimeout"/> overrides it. Before the first update a timeout fails over invisibly.
    /// </summary>
    public TimeSpan? FirstTokenTimeout { get; set; }

    /// <summary>
    /// Gets or sets the longest silence allowed between two updates once a stream has started. Default 30 s;
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables it. A provider's <see cref="ProviderOptions.IdleTimeout"/> overrides it.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets what happens when a stream fails after text reached the caller. Default <see cref="MidStreamPolicy.Fail"/>.</summary>
    public MidStreamPolicy MidStreamPolicy { get; set; } = MidStreamPolicy.Fail;

    /// <summary>
    /// Gets or sets a value indicating whether a stream must end with a finish reason (the provider's terminal event:
    /// <c>[DONE]</c>'s final chunk, <c>message_stop</c>'s <c>stop_reason</c>, Vertex's final <c>finishReason</c>). A stream that ends
    /// without one is a failure, never a silent success. Default <see langword="true"/>.
    /// </summary>
    public bool RequireFinishReason { get; set; } = true;

    /// <summary>Gets or sets the continuation instruction sent by <see cref="MidStreamPolicy.Continue"/>. <see langword="null"/> uses <see cref="DefaultContinuationPrompt"/>.</summary>
    public string? ContinuationPrompt { get; set; }

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public StreamingOptions Clone() => (StreamingOptions)MemberwiseClone();
}
