using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexiAI.Emulator;

/// <summary>Derives a deterministic reply from a request (see docs/emulator.md, "Reply rules").</summary>
internal static class ReplyEngine
{
    /// <summary>User text containing this marker is blocked by Vertex AI instances (<c>promptFeedback.blockReason</c> SAFETY).</summary>
    public const string BlockMarker = "[[blocked]]";

    /// <summary>User text containing this marker is refused by Azure OpenAI instances with Azure's content-filter 400.</summary>
    public const string FilterMarker = "[[filtered]]";

    public static EmulatedReply Create(EmulatedInstance instance, EmulatedRequest request)
    {
        var sequence = instance.NextSequence();
        var prompt = PromptTokens(request);
        var last = request.Turns.Count > 0 ? request.Turns[^1] : null;

        if (instance.Kind is EmulatedProviderKind.VertexAI or EmulatedProviderKind.Gemini && request.LastUserText.Contains(BlockMarker, StringComparison.OrdinalIgnoreCase))
        {
            return new EmulatedReply { Blocked = true, PromptTokens = prompt, Sequence = sequence };
        }

        if (last?.ToolResult is null && ChooseTools(request) is { Count: > 0 } tools)
        {
            var prefix = instance.Kind switch
            {
                EmulatedProviderKind.Anthropic => "toolu_emu",
                EmulatedProviderKind.OpenAI or EmulatedProviderKind.AzureOpenAI or EmulatedProviderKind.OpenAICompatible or EmulatedProviderKind.Ollama => "call_emu",
                _ => "fc_emu",
            };
            var calls = new List<EmulatedToolCall>(tools.Count);
            var tokens = 5;
            for (var i = 0; i < tools.Count; i++)
            {
                var arguments = ArgumentsFor(tools[i].Schema).ToJsonString(Wire.Options);
                var id = i == 0 ? $"{prefix}{sequence:D6}" : $"{prefix}{sequence:D6}_{i}";
                calls.Add(new EmulatedToolCall(id, tools[i].Name, arguments, SplitArguments(arguments)));
                tokens += Tokens(arguments);
            }

            return new EmulatedReply
            {
                ToolCalls = calls,
                PromptTokens = prompt,
                CompletionTokens = tokens,
                Chunks = [.. calls.SelectMany(c => c.Chunks)],
                Sequence = sequence,
            };
        }

        string text;
        if (last?.ToolResult is { } result)
        {
            text = $"The {last.ToolName ?? "tool"} tool returned: {result}";
        }
        else if (IsContinuation(request))
        {
            text = $"and this is where {instance.Name} continues the answer.";
        }
        else
        {
            var user = request.LastUserText;
            text = instance.Options.ReplyText?.Invoke(user)
                ?? $"Hello from {instance.Name}. You said: \"{Shorten(user, 120)}\". This is a deterministic reply from the FlexiAI emulator.";
        }

        if (request.Json)
        {
            text = JsonReply(request.Schema, text).ToJsonString(Wire.Options);
        }

        var truncated = false;
        if (request.MaxTokens is { } max && Tokens(text) > max)
        {
            text = text[..Math.Min(text.Length, Math.Max(1, max * 4))];
            truncated = true;
        }

        return new EmulatedReply
        {
            Text = text,
            Truncated = truncated,
            PromptTokens = prompt,
            CompletionTokens = Tokens(text),
            Chunks = SplitWords(text),
            Sequence = sequence,
        };
    }

    public static int Tokens(string text) => Math.Max(1, (text.Length + 3) / 4);

    private static int PromptTokens(EmulatedRequest request)
    {
        var total = (request.PromptCharacters + 3) / 4;
        total += request.Turns.Count * 4;
        return Math.Max(1, total);
    }

    private static bool IsContinuation(EmulatedRequest request)
    {
        var turns = request.Turns;
        return turns.Count >= 2
            && turns[^1].Role == "user"
            && turns[^2].Role == "assistant"
            && turns[^1].Text.Contains("cut off", StringComparison.OrdinalIgnoreCase)
            && turns[^1].Text.Contains("continue", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The tools the model calls: the forced one; else every tool the user's text names, in the order the text names them
    /// (parallel calls); else the first tool when the text asks to "use the tool".
    /// </summary>
    private static List<ToolSpec> ChooseTools(EmulatedRequest request)
    {
        if (request.Tools.Count == 0 || request.ToolsDisabled)
        {
            return [];
        }

        if (request.ForcedTool is { } forced)
        {
            return [forced == "*" ? Mentioned(request) ?? request.Tools[0] : request.Tools.Find(t => t.Name == forced) ?? request.Tools[0]];
        }

        var user = request.LastUserText;
        var named = request.Tools
            .Select(t => (Tool: t, At: user.IndexOf(t.Name, StringComparison.OrdinalIgnoreCase)))
            .Where(t => t.At >= 0)
            .OrderBy(t => t.At)
            .Select(t => t.Tool)
            .ToList();
        if (named.Count > 0)
        {
            return named;
        }

        return user.Contains("use the tool", StringComparison.OrdinalIgnoreCase) || user.Contains("use a tool", StringComparison.OrdinalIgnoreCase)
            ? [request.Tools[0]]
            : [];
    }

    private static ToolSpec? Mentioned(EmulatedRequest request)
    {
        var user = request.LastUserText;
        return request.Tools.Find(t => user.Contains(t.Name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Builds arguments for a JSON schema: every required property (all when none is marked), with a plausible value.</summary>
    public static JsonObject ArgumentsFor(JsonNode? schema)
    {
        var result = new JsonObject();
        if (schema?["properties"] is not JsonObject properties)
        {
            return result;
        }

        var required = schema["required"] is JsonArray list ? list.Select(n => n?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal) : null;
        foreach (var (name, property) in properties)
        {
            if (required is null || required.Count == 0 || required.Contains(name))
            {
                result[name] = SampleValue(name, property);
            }
        }

        return result;
    }

    private static JsonNode? SampleValue(string name, JsonNode? schema)
    {
        if (schema?["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]?.DeepClone();
        }

        var type = schema?["type"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray a => a.Select(n => n?.GetValue<string>()).FirstOrDefault(s => s is not null and not "null"),
            _ => schema?["properties"] is not null ? "object" : "string",
        };
        return type?.ToUpperInvariant() switch
        {
            "INTEGER" => JsonValue.Create(1),
            "NUMBER" => JsonValue.Create(1.5),
            "BOOLEAN" => JsonValue.Create(true),
            "ARRAY" => new JsonArray(SampleValue(name, schema?["items"])),
            "OBJECT" => ArgumentsFor(schema),
            _ => JsonValue.Create(name.Contains("city", StringComparison.OrdinalIgnoreCase) || name.Contains("location", StringComparison.OrdinalIgnoreCase) ? "Paris" : $"example {name}"),
        };
    }

    private static JsonObject JsonReply(JsonNode? schema, string text)
    {
        if (schema?["properties"] is JsonObject)
        {
            var obj = ArgumentsFor(schema);
            var firstString = obj.FirstOrDefault(p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String).Key;
            if (firstString is not null)
            {
                obj[firstString] = text;
            }

            return obj;
        }

        return new JsonObject { ["reply"] = text };
    }

    private static string[] SplitWords(string text)
    {
        var chunks = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ' && i + 1 < text.Length)
            {
                chunks.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            chunks.Add(text[start..]);
        }

        return [.. chunks];
    }

    private static string[] SplitArguments(string arguments)
    {
        if (arguments.Length < 8)
        {
            return [arguments];
        }

        var third = arguments.Length / 3;
        return [arguments[..third], arguments[third..(2 * third)], arguments[(2 * third)..]];
    }

    private static string Shorten(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max - 3), "...");
    }

    public static string Unix(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string TextOf(JsonNode? content)
    {
        switch (content)
        {
            case null:
                return string.Empty;
            case JsonValue v when v.TryGetValue<string>(out var s):
                return s;
            case JsonArray parts:
                var builder = new StringBuilder();
                foreach (var part in parts)
                {
                    if (part?["text"] is JsonValue t && t.TryGetValue<string>(out var piece))
                    {
                        builder.Append(piece);
                    }
                }

                return builder.ToString();
            default:
                return content.ToJsonString(Wire.Options);
        }
    }
}
