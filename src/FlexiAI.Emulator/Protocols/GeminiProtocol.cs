using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>
/// The Gemini API (<c>generativelanguage.googleapis.com</c>): <c>POST /{v1beta|v1}/models/{model}:generateContent</c>,
/// <c>:streamGenerateContent?alt=sse</c> and <c>GET /{version}/models/{model}</c>, authenticated by an API key
/// (<c>x-goog-api-key</c> or <c>?key=</c>; no OAuth). Requests, answers and errors are Gemini's, as on Vertex AI.
/// </summary>
internal sealed class GeminiProtocol(EmulatedInstanceOptions options) : ProtocolHandler
{
    private static readonly VertexAIProtocol Vertex = new();

    public override string? RequestIdHeader => Vertex.RequestIdHeader;

    public override string MalformedFrame => Vertex.MalformedFrame;

    public override Operation? Match(string method, string path, IQueryCollection query, out string? model)
    {
        model = null;
        string rest;
        if (path.StartsWith("/v1beta/models/", StringComparison.Ordinal))
        {
            rest = path["/v1beta/models/".Length..];
        }
        else if (path.StartsWith("/v1/models/", StringComparison.Ordinal))
        {
            rest = path["/v1/models/".Length..];
        }
        else
        {
            return null;
        }

        var colon = rest.LastIndexOf(':');
        if (method == "GET" && colon < 0 && rest.Length > 0)
        {
            model = Uri.UnescapeDataString(rest);
            return Operation.GetModel;
        }

        if (method != "POST" || colon <= 0)
        {
            return null;
        }

        model = Uri.UnescapeDataString(rest[..colon]);
        return rest[(colon + 1)..] switch
        {
            "generateContent" or "streamGenerateContent" => Operation.Chat,
            "countTokens" => Operation.CountTokens,
            _ => null,
        };
    }

    public override (int Status, string Message)? Authenticate(HttpRequest request, EmulatedInstance instance)
    {
        var key = request.Headers["x-goog-api-key"].ToString();
        if (string.IsNullOrEmpty(key))
        {
            key = request.Query["key"].ToString();
        }

        if (string.IsNullOrEmpty(key))
        {
            return (403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        }

        return options.ApiKey is { } expected && key != expected ? (400, "API key not valid. Please pass a valid API key.") : null;
    }

    public override (int Status, string Message)? Parse(JsonNode? body, string? pathModel, IQueryCollection query, out EmulatedRequest request) =>
        Vertex.Parse(body, pathModel, query, out request);

    public override string ErrorBody(int status, string? message, string requestId) =>
        Vertex.ErrorBody(status, message ?? (status == 404 ? "models/unknown is not found for API version v1beta, or is not supported for generateContent." : null), requestId);

    public override string Response(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now) => Vertex.Response(reply, request, now);

    public override StreamFrames Stream(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now) => Vertex.Stream(reply, request, now);

    public override string StreamErrorFrame(int status, string? message, string requestId) => Vertex.StreamErrorFrame(status, message, requestId);

    public override string Models(DateTimeOffset now, string? model)
    {
        var name = model ?? "gemini-3.5-flash";
        return new JsonObject
        {
            ["name"] = "models/" + name,
            ["version"] = "001",
            ["displayName"] = name,
            ["inputTokenLimit"] = 1_048_576,
            ["outputTokenLimit"] = 65_536,
            ["supportedGenerationMethods"] = new JsonArray("generateContent", "countTokens"),
        }.ToJsonString(Wire.Options);
    }

    public override string CountTokens(EmulatedRequest request) => Vertex.CountTokens(request);
}
