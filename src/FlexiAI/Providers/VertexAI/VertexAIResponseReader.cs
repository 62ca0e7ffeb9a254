using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Reads Gemini <c>GenerateContentResponse</c> JSON (a whole response or one stream chunk) into MEAI types.</summary>
internal static class VertexAIResponseReader
{
    public const string SafetyRatingsKey = "vertexai.safety_ratings";
    public const string PromptFeedbackKey = "vertexai.prompt_feedback";
    public const string FinishMessageKey = "vertexai.finish_message";

    /// <summary>One chunk, read: its contents, finish reason, usage and metadata.</summary>
    public sealed class Chunk
    {
        public List<AIContent> Contents { get; } = [];

        public ChatFinishReason? FinishReason { get; set; }

        public string? RawFinishReason { get; set; }

        public UsageDetails? Usage { get; set; }

        public string? ModelVersion { get; set; }

        public string? ResponseId { get; set; }

        public DateTimeOffset? CreatedAt { get; set; }

        public AdditionalPropertiesDictionary? Properties { get; set; }
    }

    public static Chunk Read(JsonElement root, string providerName, ref int callIndex)
    {
        ThrowIfError(root);
        try
        {
            return ReadCore(root, providerName, ref callIndex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            // JSON of the wrong shape (a value where an object belongs), bad base64, an invalid media type: a malformed
            // response, which FlexiAI classifies as ServerError (a JsonException) rather than an unclassifiable crash.
            throw new JsonException($"Vertex AI returned a response FlexiAI cannot read ({ex.GetType().Name}: {SecretMasker.Redact(ex.Message)})", ex);
        }
    }

    private static Chunk ReadCore(JsonElement root, string providerName, ref int callIndex)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Vertex AI returned a JSON {root.ValueKind} where a GenerateContentResponse object belongs.");
        }

        var chunk = new Chunk
        {
            ModelVersion = Str(root, "modelVersion"),
            ResponseId = Str(root, "responseId"),
        };
        if (Str(root, "createTime") is { } created && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            chunk.CreatedAt = at;
        }

        var hasCandidates = root.TryGetProperty("candidates", out var candidates) && candidates.ValueKind == JsonValueKind.Array && candidates.GetArrayLength() > 0;
        if (root.TryGetProperty("promptFeedback", out var feedback) && feedback.ValueKind == JsonValueKind.Object)
        {
            if (Str(feedback, "blockReason") is { } reason && !hasCandidates)
            {
                var detail = Str(feedback, "blockReasonMessage");
                throw new VertexAIException(400, "PROMPT_BLOCKED", $"Vertex AI blocked the prompt ({reason}){(detail is null ? "." : ": " + detail)}") { BlockReason = reason };
            }

            (chunk.Properties ??= [])[PromptFeedbackKey] = feedback.Clone();
        }

        var hasToolCall = false;
        if (hasCandidates)
        {
            var candidate = candidates[0];
            if (candidate.TryGetProperty("content", out var content) && content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in parts.EnumerateArray())
                {
                    if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        var value = text.GetString() ?? string.Empty;
                        chunk.Contents.Add(part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True
                            ? new TextReasoningContent(value)
                            : new TextContent(value));
                    }
                    else if (part.TryGetProperty("functionCall", out var call))
                    {
                        hasToolCall = true;
                        var name = Str(call, "name") ?? string.Empty;
                        var id = Str(call, "id") ?? $"{name}-{callIndex.ToString(CultureInfo.InvariantCulture)}";
                        callIndex++;
                        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
                        if (call.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Object)
                        {
                            foreach (var property in args.EnumerateObject())
                            {
                                arguments[property.Name] = property.Value.Clone();
                            }
                        }

                        chunk.Contents.Add(new FunctionCallContent(id, name, arguments));
                    }
                    else if (part.TryGetProperty("inlineData", out var inline) && Str(inline, "data") is { } data)
                    {
                        chunk.Contents.Add(new DataContent(Convert.FromBase64String(data), Str(inline, "mimeType") ?? "application/octet-stream"));
                    }
                }
            }

            if (Str(candidate, "finishReason") is { } finish)
            {
                chunk.RawFinishReason = finish;
                // In a stream the calls arrive in an earlier chunk than STOP: any call of this response (callIndex counts them
                // across its chunks) makes it a tool-call finish, as in the non-streamed response.
                chunk.FinishReason = MapFinishReason(finish, hasToolCall || callIndex > 0);
            }

            if (candidate.TryGetProperty("safetyRatings", out var ratings) && ratings.ValueKind == JsonValueKind.Array)
            {
                (chunk.Properties ??= [])[SafetyRatingsKey] = ratings.Clone();
            }

            if (Str(candidate, "finishMessage") is { } finishMessage)
            {
                (chunk.Properties ??= [])[FinishMessageKey] = finishMessage;
            }
        }

        if (root.TryGetProperty("usageMetadata", out var usage) && usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("totalTokenCount", out _))
        {
            chunk.Usage = new UsageDetails
            {
                InputTokenCount = Long(usage, "promptTokenCount"),
                OutputTokenCount = Long(usage, "candidatesTokenCount"),
                TotalTokenCount = Long(usage, "totalTokenCount"),
                CachedInputTokenCount = Long(usage, "cachedContentTokenCount"),
                ReasoningTokenCount = Long(usage, "thoughtsTokenCount"),
            };
        }

        _ = providerName;
        return chunk;
    }

    /// <summary>Maps a Gemini finish reason: STOP → stop (tool calls when the answer holds a function call), MAX_TOKENS → length, safety reasons → content filter.</summary>
    public static ChatFinishReason MapFinishReason(string reason, bool hasToolCall) => reason switch
    {
        "STOP" => hasToolCall ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => ChatFinishReason.ContentFilter,
        "MALFORMED_FUNCTION_CALL" or "UNEXPECTED_TOOL_CALL" or "TOO_MANY_TOOL_CALLS" => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(reason.ToLowerInvariant()),
    };

    /// <summary>Throws the error a body or chunk carries (<c>{"error":{code,message,status}}</c>).</summary>
    public static void ThrowIfError(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
        {
            root = root[0];
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : 0;
            throw new VertexAIException(code, Str(error, "status"), SecretMasker.Redact(Str(error, "message") ?? "Vertex AI returned an error."));
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt64(out var n) ? n : null;
}
