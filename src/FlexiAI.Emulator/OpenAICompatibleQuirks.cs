namespace FlexiAI.Emulator;

/// <summary>Ways real OpenAI-compatible servers differ from OpenAI, reproduced by an <see cref="EmulatedProviderKind.OpenAICompatible"/> instance.</summary>
[Flags]
public enum OpenAICompatibleQuirks
{
    /// <summary>Behaves like OpenAI.</summary>
    None = 0,

    /// <summary>Never sends a usage chunk in streams, even when <c>stream_options.include_usage</c> asks for one.</summary>
    NoStreamUsage = 1,

    /// <summary>
    /// Sends <c>finish_reason</c> in a separate last chunk that has no <c>delta</c> at all, after any usage chunk and just before
    /// <c>[DONE]</c> (OpenAI sends it with an empty delta before the usage chunk).
    /// </summary>
    SeparateFinishChunk = 2,

    /// <summary>Rejects any request that carries <c>stream_options</c> with a 400, as some servers do.</summary>
    RejectStreamOptions = 4,
}
