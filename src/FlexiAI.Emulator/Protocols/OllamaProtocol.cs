using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>
/// Ollama, faithful to <c>POST /api/chat</c> (streaming by default, as newline-delimited JSON; <c>"stream": false</c> for one
/// object) and <c>GET /api/tags</c>. No key unless the instance sets one (then a bearer token, as an auth proxy would want).
/// </summary>
internal sealed class OllamaProtocol(EmulatedInstanceOptions options) : ProtocolHandler
{
    private static readonly string[] DefaultModels = ["gemma3:latest", "llama3.2:latest"];

    public override string? RequestIdHeader => null;

    public override string MalformedFrame => "{\"model\":\"broken\",\"message\":{\"role\":\"assistant\",\"content\":\"oops\"\n";

    public override string ContentType(bool stream) => stream ? "application/x-ndjson" : "application/json; charset=utf-8";

    public override Operation? Match(string method, string path, IQueryCollection query, out string? model)
    {
        model = null;
        return (method, path) switch
        {
            ("POST", "/api/chat") => Operation.Chat,
            ("GET", "/api/tags") => Operation.ListModels,
            _ => null,
        };
    }

    public override (int Status, string Message)? Authenticate(HttpRequest request, EmulatedInstance instance) =>
        options.ApiKey is { } expected && Bearer(request) != expected ? (401, "unauthorized") : null;

    public override (int Status, string Message)? Parse(JsonNode? body, string? pathModel, IQueryCollection query, out EmulatedRequest request)
    {
        request = new EmulatedRequest();
        if (body is not JsonObject json)
        {
            return (400, "invalid character looking for beginning of value");
        }

        if (json["model"]?.GetValue<string>() is not { Length: > 0 } model)
        {
            return (400, "model is required");
        }

        request.Model = model;
        if (options.Models.Count > 0 && !options.Models.Any(m => SameModel(m, model)))
        {
            return (404, $"model \"{model}\" not found, try pulling it first");
        }

        var chars = 0;
        string? lastCall = null;
        foreach (var message in json["messages"] as JsonArray ?? [])
        {
            var role = message?["role"]?.GetValue<string>() ?? "user";
            var text = message?["content"]?.GetValue<string>() ?? string.Empty;
            chars += text.Length;
            if (message?["tool_calls"] is JsonArray { Count: > 0 } calls)
            {
                lastCall = calls[^1]?["function"]?["name"]?.GetValue<string>();
            }

            if (role == "tool")
            {
                var name = message?["tool_name"]?.GetValue<string>() ?? lastCall;
                request.Turns.Add(new ChatTurn("user", text, name, text));
            }
            else
            {
                request.Turns.Add(new ChatTurn(role, text));
            }
        }

        if (request.Turns.Count == 0)
        {
            // Ollama answers an empty chat by loading the model; the emulator treats it as an empty user turn.
            request.Turns.Add(new ChatTurn("user", string.Empty));
        }

        request.PromptCharacters = chars;
        request.Stream = json["stream"]?.GetValue<bool>() ?? true;
        request.MaxTokens = json["options"]?["num_predict"]?.GetValue<int>();
        switch (json["format"])
        {
            case JsonValue v when v.TryGetValue<string>(out var format):
                request.Json = format == "json";
                break;
            case JsonObject schema:
                request.Json = true;
                request.Schema = schema;
                break;
        }

        foreach (var tool in json["tools"] as JsonArray ?? [])
        {
            if (tool?["function"]?["name"]?.GetValue<string>() is { } name)
            {
                request.Tools.Add(new ToolSpec(name, tool["function"]?["parameters"]));
            }
        }

        return null;
    }

    public override string ErrorBody(int status, string? message, string requestId) =>
        new JsonObject
        {
            ["error"] = message ?? status switch
            {
                404 => "model not found",
                429 => "server busy, please try again. maximum pending requests exceeded",
                503 => "server overloaded, please try again later",
                _ when status >= 500 => "an internal error occurred",
                _ => "invalid request",
            },
        }.ToJsonString(Wire.Options);

    public override string Response(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        var response = Chunk(request, now, Message(reply, reply.Text, withCalls: true), done: false);
        Finish(response, reply);
        return response.ToJsonString(Wire.Options);
    }

    public override StreamFrames Stream(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        var content = new List<string>();
        if (reply.IsToolCall)
        {
            // Ollama sends a tool call whole, in one line.
            content.Add(Line(Chunk(request, now, Message(reply, string.Empty, withCalls: true), done: false)));
        }
        else
        {
            foreach (var fragment in reply.Chunks)
            {
                content.Add(Line(Chunk(request, now, Message(reply, fragment, withCalls: false), done: false)));
            }
        }

        var last = Chunk(request, now, Message(reply, string.Empty, withCalls: false), done: false);
        Finish(last, reply);
        return new StreamFrames([], content, [Line(last)]);
    }

    public override string StreamErrorFrame(int status, string? message, string requestId) => ErrorBody(status, message, requestId) + "\n";

    public override string Models(DateTimeOffset now, string? model)
    {
        var names = options.Models.Count > 0 ? options.Models.Select(m => m.Contains(':', StringComparison.Ordinal) ? m : m + ":latest") : DefaultModels;
        var models = new JsonArray();
        foreach (var name in names)
        {
            models.Add(new JsonObject
            {
                ["name"] = name,
                ["model"] = name,
                ["modified_at"] = Timestamp(now),
                ["size"] = 3_338_801_804L,
                ["digest"] = "a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a",
                ["details"] = new JsonObject { ["format"] = "gguf", ["family"] = name.Split(':')[0], ["parameter_size"] = "4.3B", ["quantization_level"] = "Q4_K_M" },
            });
        }

        return new JsonObject { ["models"] = models }.ToJsonString(Wire.Options);
    }

    private static bool SameModel(string pulled, string requested) =>
        string.Equals(pulled, requested, StringComparison.Ordinal)
        || string.Equals(pulled + ":latest", requested, StringComparison.Ordinal)
        || string.Equals(pulled, requested + ":latest", StringComparison.Ordinal);

    private static JsonObject Message(EmulatedReply reply, string text, bool withCalls)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text };
        if (withCalls && reply.IsToolCall)
        {
            message["content"] = string.Empty;
            message["tool_calls"] = new JsonArray([.. reply.ToolCalls.Select(call => (JsonNode)new JsonObject
            {
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = JsonNode.Parse(call.Arguments) },
            })]);
        }

        return message;
    }

    private static JsonObject Chunk(EmulatedRequest request, DateTimeOffset now, JsonObject message, bool done) =>
        new() { ["model"] = request.Model, ["created_at"] = Timestamp(now), ["message"] = message, ["done"] = done };

    private static void Finish(JsonObject chunk, EmulatedReply reply)
    {
        chunk["done_reason"] = reply.Truncated ? "length" : "stop";
        chunk["done"] = true;
        chunk["total_duration"] = 1_250_000_000L;
        chunk["load_duration"] = 25_000_000L;
        chunk["prompt_eval_count"] = reply.PromptTokens;
        chunk["prompt_eval_duration"] = 120_000_000L;
        chunk["eval_count"] = reply.CompletionTokens;
        chunk["eval_duration"] = 1_000_000_000L;
    }

    private static string Line(JsonObject chunk) => chunk.ToJsonString(Wire.Options) + "\n";

    private static string Timestamp(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
