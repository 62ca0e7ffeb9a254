using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI.Gateway;

/// <summary>Writes Microsoft.Extensions.AI responses and updates in OpenAI's Chat Completions wire format.</summary>
internal static class ChatCompletionWriter
{
    public static void WriteResponse(IBufferWriter<byte> output, string id, long created, string model, ChatResponse response)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "chat.completion");
        json.WriteNumber("created", created);
        json.WriteString("model", response.ModelId ?? model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        var text = response.Text;
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        if (text.Length > 0 || calls.Count == 0)
        {
            json.WriteString("content", text);
        }
        else
        {
            json.WriteNull("content");
        }

        json.WriteNull("refusal");
        if (calls.Count > 0)
        {
            json.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                WriteToolCall(json, call, index: null);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", FinishReason(response.FinishReason, calls.Count > 0));
        json.WriteEndObject();
        json.WriteEndArray();
        WriteUsage(json, response.Usage);
        json.WriteEndObject();
    }

    /// <summary>Writes one <c>chat.completion.chunk</c> (without the SSE framing).</summary>
    public static void WriteChunk(IBufferWriter<byte> output, string id, long created, string model, string? role, string? content, IReadOnlyList<FunctionCallContent>? calls, ref int toolIndex, string? finishReason)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "chat.completion.chunk");
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("delta");
        if (role is not null)
        {
            json.WriteString("role", role);
        }

        if (content is not null)
        {
            json.WriteString("content", content);
        }

        if (calls is { Count: > 0 })
        {
            json.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                WriteToolCall(json, call, toolIndex++);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", finishReason); // null writes JSON null

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes the usage chunk of <c>stream_options.include_usage</c>: no choices, the usage.</summary>
    public static void WriteUsageChunk(IBufferWriter<byte> output, string id, long created, string model, UsageDetails? usage)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "chat.completion.chunk");
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteStartArray("choices");
        json.WriteEndArray();
        WriteUsage(json, usage ?? new UsageDetails());
        json.WriteEndObject();
    }

    /// <summary>Writes an OpenAI error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
    public static void WriteError(IBufferWriter<byte> output, string message, string type, string? param, string? code)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", message);
        json.WriteString("type", type);
        json.WriteString("param", param); // null writes JSON null
        json.WriteString("code", code);

        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static string FinishReason(ChatFinishReason? reason, bool hasToolCalls)
    {
        if (reason == ChatFinishReason.Length)
        {
            return "length";
        }

        if (reason == ChatFinishReason.ContentFilter)
        {
            return "content_filter";
        }

        return reason == ChatFinishReason.ToolCalls || hasToolCalls ? "tool_calls" : "stop";
    }

    private static void WriteToolCall(Utf8JsonWriter json, FunctionCallContent call, int? index)
    {
        json.WriteStartObject();
        if (index is int i)
        {
            json.WriteNumber("index", i);
        }

        json.WriteString("id", call.CallId);
        json.WriteString("type", "function");
        json.WriteStartObject("function");
        json.WriteString("name", call.Name);
        json.WriteString("arguments", call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter json, UsageDetails? usage)
    {
        if (usage is null)
        {
            return;
        }

        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", input);
        json.WriteNumber("completion_tokens", output);
        json.WriteNumber("total_tokens", usage.TotalTokenCount ?? input + output);
        if (usage.CachedInputTokenCount is long cached)
        {
            json.WriteStartObject("prompt_tokens_details");
            json.WriteNumber("cached_tokens", cached);
            json.WriteEndObject();
        }

        if (usage.ReasoningTokenCount is long reasoning)
        {
            json.WriteStartObject("completion_tokens_details");
            json.WriteNumber("reasoning_tokens", reasoning);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }
}
