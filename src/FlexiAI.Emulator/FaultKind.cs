namespace FlexiAI.Emulator;

/// <summary>What an injected fault does.</summary>
public enum FaultKind
{
    /// <summary>Answer with an HTTP status and that provider's exact error body, optionally with <c>Retry-After</c> / <c>retry-after-ms</c>.</summary>
    Status,

    /// <summary>Reset the connection before any response headers.</summary>
    ResetConnection,

    /// <summary>Add latency before the request is answered normally.</summary>
    Latency,

    /// <summary>Stall: send <see cref="Fault.AfterChunks"/> stream chunks (0 = nothing at all), then send nothing more until the client gives up.</summary>
    Stall,

    /// <summary>Cut the stream after <see cref="Fault.AfterChunks"/> chunks, without its terminal event.</summary>
    Truncate,

    /// <summary>Malformed JSON: a broken body (non-streaming) or a broken <c>data:</c> payload after <see cref="Fault.AfterChunks"/> chunks.</summary>
    MalformedJson,

    /// <summary>The provider's mid-stream error event after <see cref="Fault.AfterChunks"/> chunks (Anthropic <c>event: error</c>, an OpenAI <c>data:</c> error payload, a Vertex bare error JSON).</summary>
    StreamError,
}
