namespace FlexiAI;

/// <summary>What FlexiAI does when a stream fails after text reached the caller.</summary>
public enum MidStreamPolicy
{
    /// <summary>Stop with a <see cref="StreamInterruptedException"/> carrying the partial text, usage so far and the route (the default).</summary>
    Fail,

    /// <summary>
    /// Ask the next provider to continue from the text already produced: the caller's messages (system prompt included) are
    /// kept, the partial answer is sent as an assistant message followed by a continuation instruction, and the caller
    /// receives the continuation right after the text it already has. Never attempted once a tool call was seen (then Fail).
    /// </summary>
    Continue,
}
