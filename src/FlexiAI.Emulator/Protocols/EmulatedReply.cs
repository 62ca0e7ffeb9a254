namespace FlexiAI.Emulator;

/// <summary>What an emulated model answers: text, or one tool call; with token counts and stream chunks.</summary>
internal sealed class EmulatedReply
{
    public string Text { get; init; } = string.Empty;

    public string? ToolName { get; init; }

    public string ToolArguments { get; init; } = "{}";

    public string ToolCallId { get; init; } = string.Empty;

    public bool IsToolCall => ToolName is not null;

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
