using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>
/// Vertex AI Gemini, faithful to <c>…/publishers/google/models/{model}:generateContent</c>, <c>:streamGenerateContent?alt=sse</c>
/// and <c>:countTokens</c>, with or without the <c>projects/{project}/locations/{location}</c> prefix (express mode).
/// </summary>
internal sealed class VertexAIProtocol : ProtocolHandler
{
    private static readonly string[] Categories =
        ["HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_SEXUALLY_EXPLICIT"];

    public override string? RequestIdHeader => null;

    public override string MalformedFrame => "data: {\"candidates\": [{\"content\": {\"role\": \"model\",\"parts\": [{\"text\": \"oops\"\r\n\r\n";

    public override Operation? Match(string method, string path, IQueryCollection query, out string? model)
    {
        model = null;
        const string Marker = "/publishers/google/models/";
        var at = path.IndexOf(Marker, StringComparison.Ordinal);
        if (method != "POST" || !path.StartsWith("/v1", StringComparison.Ordinal) || at < 0)
        {
            return null;
        }

        var prefix = path[..at];
        if (prefix is not ("/v1" or "/v1beta1") && !IsProjectPrefix(prefix))
        {
            return null;
        }

        var tail = path[(at + Marker.Length)..];
        var colon = tail.LastIndexOf(':');
        if (colon <= 0)
        {
            return null;
        }

        model = Uri.UnescapeDataString(tail[..colon]);
        return tail[(colon + 1)..] switch
        {
            "generateContent" or "streamGenerateContent" => Operation.Chat,
            "countTokens" => Operation.CountTokens,
            _ => null,
        };
    }

    private static bool IsProjectPrefix(string prefix)
    {
        var parts = prefix.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 5 && parts[0] is "v1" or "v1beta1" && parts[1] == "projects" && parts[3] == "locations";
    }

    public override (int Status, string Message)? Authenticate(HttpRequest request, EmulatedInstance instance)
    {
        var bearer = Bearer(request);
        var apiKey = request.Headers["x-goog-api-key"].ToString();
        if (string.IsNullOrEmpty(apiKey))
        {
            apiKey = request.Query["key"].ToString();
        }

        if (string.IsNullOrEmpty(bearer) && string.IsNullOrEmpty(apiKey))
        {
            return (401, "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
        }

        if (instance.Options.AcceptOnlyIssuedTokens)
        {
            // Only tokens from this instance's token endpoint, and only until they expire (Google answers an expired one like this).
            return !string.IsNullOrEmpty(bearer) && instance.Tokens.IsValid(bearer)
                ? null
                : (401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
        }

        if (instance.Options.ApiKey is { } expected)
        {
            if (!string.IsNullOrEmpty(bearer) && bearer != expected)
            {
                return (401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
            }

            if (string.IsNullOrEmpty(bearer) && apiKey != expected)
            {
                return (400, "API key not valid. Please pass a valid API key.");
            }
        }

        return null;
    }

    public override (int Status, string Message)? Parse(JsonNode? body, string? pathModel, IQueryCollection query, out EmulatedRequest request)
    {
        request = new EmulatedRequest { Model = pathModel ?? "gemini", Stream = false };
        if (body is not JsonObject json)
        {
            return (400, "Invalid JSON payload received. Expected an object.");
        }

        if (json["contents"] is not JsonArray contents || contents.Count == 0)
        {
            return (400, "Unable to submit request because it has an empty contents field. Add at least one content entry and try again.");
        }

        var chars = TextOfParts(json["systemInstruction"]?["parts"]).Length;
        foreach (var content in contents)
        {
            var role = content?["role"]?.GetValue<string>() ?? "user";
            if (role is not ("user" or "model"))
            {
                return (400, $"Please use a valid role: user, model. Got: {role}.");
            }

            var parts = content?["parts"] as JsonArray;
            var results = 0;
            foreach (var part in parts ?? [])
            {
                if (part?["functionResponse"] is JsonObject response)
                {
                    var result = response["response"]?.ToJsonString(Wire.Options) ?? "{}";
                    chars += result.Length;
                    request.Turns.Add(new ChatTurn("user", result, response["name"]?.GetValue<string>(), result));
                    results++;
                }
            }

            var text = TextOfParts(parts);
            chars += text.Length;
            if (text.Length > 0 || results == 0)
            {
                request.Turns.Add(new ChatTurn(role == "model" ? "assistant" : "user", text));
            }
        }

        request.PromptCharacters = chars;
        var config = json["generationConfig"];
        request.MaxTokens = config?["maxOutputTokens"]?.GetValue<int>();
        request.Json = config?["responseMimeType"]?.GetValue<string>() == "application/json";
        request.Schema = config?["responseSchema"] ?? config?["responseJsonSchema"];
        if (json["tools"] is JsonArray tools)
        {
            foreach (var tool in tools)
            {
                foreach (var declaration in tool?["functionDeclarations"] as JsonArray ?? [])
                {
                    if (declaration?["name"]?.GetValue<string>() is { } name)
                    {
                        request.Tools.Add(new ToolSpec(name, declaration["parameters"] ?? declaration["parametersJsonSchema"]));
                    }
                }
            }
        }

        var calling = json["toolConfig"]?["functionCallingConfig"];
        switch (calling?["mode"]?.GetValue<string>())
        {
            case "ANY":
                request.ForcedTool = calling["allowedFunctionNames"] is JsonArray { Count: 1 } allowed ? allowed[0]?.GetValue<string>() : "*";
                break;
            case "NONE":
                request.ToolsDisabled = true;
                break;
        }

        return null;
    }

    public override string ErrorBody(int status, string? message, string requestId)
    {
        var (code, text) = status switch
        {
            400 => ("INVALID_ARGUMENT", "Request contains an invalid argument."),
            401 => ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
            403 => ("PERMISSION_DENIED", "Permission denied on resource project."),
            404 => ("NOT_FOUND", "Publisher Model was not found or your project does not have access to it."),
            429 => ("RESOURCE_EXHAUSTED", "Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details."),
            499 => ("CANCELLED", "The operation was cancelled."),
            503 => ("UNAVAILABLE", "The service is currently unavailable."),
            504 => ("DEADLINE_EXCEEDED", "The request timed out. Please try again."),
            _ when status >= 500 => ("INTERNAL", "Internal error encountered."),
            _ => ("FAILED_PRECONDITION", "Precondition check failed."),
        };
        return new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message ?? text, ["status"] = code } }.ToJsonString(Wire.Options);
    }

    public override string Response(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now) =>
        Chunk(reply, request, now, Parts(reply, null), final: true).ToJsonString(Wire.Options);

    public override StreamFrames Stream(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        if (reply.Blocked)
        {
            return new StreamFrames([], [], [Frame(Chunk(reply, request, now, [], final: true))]);
        }

        if (reply.IsToolCall)
        {
            // Gemini sends function calls whole, together in one chunk, and finishes with STOP.
            return new StreamFrames([], [Frame(Chunk(reply, request, now, Parts(reply, null), final: false))], [Frame(Chunk(reply, request, now, [], final: true))]);
        }

        var chunks = reply.Chunks;
        var content = new List<string>();
        for (var i = 0; i < chunks.Count - 1; i++)
        {
            content.Add(Frame(Chunk(reply, request, now, Parts(reply, chunks[i]), final: false)));
        }

        // The last text chunk carries the finish reason, safety ratings and the complete usage.
        var last = chunks.Count > 0 ? chunks[^1] : string.Empty;
        return new StreamFrames([], content, [Frame(Chunk(reply, request, now, Parts(reply, last), final: true))]);
    }

    public override string StreamErrorFrame(int status, string? message, string requestId) => $"data: {ErrorBody(status, message, requestId)}\r\n\r\n";

    public override string Models(DateTimeOffset now, string? model) => "{}";

    public override string CountTokens(EmulatedRequest request)
    {
        var tokens = Math.Max(1, ((request.PromptCharacters + 3) / 4) + (request.Turns.Count * 4));
        return new JsonObject { ["totalTokens"] = tokens, ["totalBillableCharacters"] = request.PromptCharacters }.ToJsonString(Wire.Options);
    }

    private static string Frame(JsonObject chunk) => $"data: {chunk.ToJsonString(Wire.Options)}\r\n\r\n";

    private static JsonArray Parts(EmulatedReply reply, string? text)
    {
        if (reply.IsToolCall)
        {
            // Parallel calls are sibling parts of one candidate, in order; Gemini sends each call whole (no partial arguments).
            return new JsonArray([.. reply.ToolCalls.Select(call => (JsonNode)new JsonObject { ["functionCall"] = new JsonObject { ["name"] = call.Name, ["args"] = JsonNode.Parse(call.Arguments) } })]);
        }

        return new JsonArray(new JsonObject { ["text"] = text ?? reply.Text });
    }

    private static JsonObject Chunk(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now, JsonArray parts, bool final)
    {
        var chunk = new JsonObject();
        if (reply.Blocked)
        {
            chunk["promptFeedback"] = new JsonObject
            {
                ["blockReason"] = "SAFETY",
                ["blockReasonMessage"] = "The prompt was blocked due to safety reasons.",
                ["safetyRatings"] = Ratings(blocked: true),
            };
            chunk["usageMetadata"] = new JsonObject { ["promptTokenCount"] = reply.PromptTokens, ["totalTokenCount"] = reply.PromptTokens, ["trafficType"] = "ON_DEMAND" };
        }
        else
        {
            var candidate = new JsonObject { ["content"] = new JsonObject { ["role"] = "model", ["parts"] = parts } };
            if (final)
            {
                candidate["finishReason"] = reply.Truncated ? "MAX_TOKENS" : "STOP";
                candidate["safetyRatings"] = Ratings(blocked: false);
            }

            chunk["candidates"] = new JsonArray(candidate);
            chunk["usageMetadata"] = final
                ? new JsonObject
                {
                    ["promptTokenCount"] = reply.PromptTokens,
                    ["candidatesTokenCount"] = reply.CompletionTokens,
                    ["totalTokenCount"] = reply.PromptTokens + reply.CompletionTokens,
                    ["trafficType"] = "ON_DEMAND",
                    ["promptTokensDetails"] = new JsonArray(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = reply.PromptTokens }),
                    ["candidatesTokensDetails"] = new JsonArray(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = reply.CompletionTokens }),
                }
                : new JsonObject { ["trafficType"] = "ON_DEMAND" };
        }

        chunk["modelVersion"] = request.Model;
        chunk["createTime"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        chunk["responseId"] = $"emu{reply.Sequence:D6}";
        return chunk;
    }

    private static JsonArray Ratings(bool blocked)
    {
        var ratings = new JsonArray();
        foreach (var category in Categories)
        {
            var hit = blocked && category == "HARM_CATEGORY_HARASSMENT";
            var rating = new JsonObject
            {
                ["category"] = category,
                ["probability"] = hit ? "HIGH" : "NEGLIGIBLE",
                ["probabilityScore"] = hit ? 0.93 : 0.02,
                ["severity"] = hit ? "HARM_SEVERITY_HIGH" : "HARM_SEVERITY_NEGLIGIBLE",
                ["severityScore"] = hit ? 0.88 : 0.01,
            };
            if (hit)
            {
                rating["blocked"] = true;
            }

            ratings.Add(rating);
        }

        return ratings;
    }

    private static string TextOfParts(JsonNode? parts)
    {
        if (parts is not JsonArray array)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        foreach (var part in array)
        {
            if (part?["text"] is JsonValue v && v.TryGetValue<string>(out var text))
            {
                builder.Append(text);
            }
        }

        return builder.ToString();
    }
}
