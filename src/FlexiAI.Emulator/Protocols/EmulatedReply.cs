namespace FlexiAI.Emulator;

/// <summary>One tool call of a reply: its id, tool name, JSON arguments and the argument fragments a stream sends.</summary>
internal sealed record EmulatedToolCall(string Id, string Name, string Arguments, IReadOnlyList<string> Chunks);

/// <summary>What an emulated model answers: text, or one or more (parallel) tool calls; with token counts and stream chunks.</summary>
internal sealed class EmulatedReply
{
    public string Text { get; init; } = string.Empty;

    /// <summary>Gets the tool calls, in order (several when the request mentions several tools).</summary>
    public IReadOnlyList<EmulatedToolCall> ToolCalls { get; init; } = [];

    public bool IsToolCall => ToolCalls.Count > 0;

    /// <summary>Gets a value indicating whether <c>max_tokens</c> cut the text short.</summary>
    public bool Truncated { get; init; }

    /// <summary>Gets a value indicating whether the prompt was blocked (Vertex <c>promptFeedback</c>).</summary>
    public bool Blocked { get; init; }

    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    /// <summary>Gets the text (or tool-argument) fragments a stream sends, in order.</summary>
    public IReadOnlyList<string> Chunks { get; init; } = [];

    public long Sequence { get; init; }
}
