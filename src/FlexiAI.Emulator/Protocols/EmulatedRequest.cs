using System.Text.Json.Nodes;

namespace FlexiAI.Emulator;

/// <summary>One conversation turn, neutral across protocols.</summary>
internal sealed record ChatTurn(string Role, string Text, string? ToolName = null, string? ToolResult = null);

/// <summary>A tool the request offers.</summary>
internal sealed record ToolSpec(string Name, JsonNode? Schema);

/// <summary>A chat request, parsed out of any of the three protocols.</summary>
internal sealed class EmulatedRequest
{
    public string Model { get; set; } = string.Empty;

    public List<ChatTurn> Turns { get; } = [];

    public List<ToolSpec> Tools { get; } = [];

    /// <summary>Gets or sets the tool the request forces: a name, <c>*</c> for any, or <see langword="null"/>.</summary>
    public string? ForcedTool { get; set; }

    public bool ToolsDisabled { get; set; }

    public int? MaxTokens { get; set; }

    public bool Stream { get; set; }

    public bool IncludeUsage { get; set; }

    public bool Json { get; set; }

    public JsonNode? Schema { get; set; }

    public int PromptCharacters { get; set; }

    public string LastUserText => Turns.LastOrDefault(t => t.Role == "user" && t.ToolResult is null)?.Text ?? string.Empty;
}
