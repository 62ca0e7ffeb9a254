using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>What a request asks for.</summary>
internal enum Operation
{
    Chat,
    ListModels,
    GetModel,
    CountTokens,
}

/// <summary>The frames of a stream: what opens it, one frame per content chunk, and what closes it.</summary>
internal sealed record StreamFrames(IReadOnlyList<string> Head, IReadOnlyList<string> Content, IReadOnlyList<string> Tail);

/// <summary>A provider's wire protocol: routes, auth, request parsing, response and error shapes.</summary>
internal abstract class ProtocolHandler
{
    public abstract string? RequestIdHeader { get; }

    /// <summary>Returns the operation a method and path ask for, or <see langword="null"/> for an unknown endpoint.</summary>
    public abstract Operation? Match(string method, string path, IQueryCollection query, out string? model);

    /// <summary>Checks the credentials; returns the HTTP status and message of the provider's auth error, or <see langword="null"/>.</summary>
    public abstract (int Status, string Message)? Authenticate(HttpRequest request, EmulatedInstance instance);

    /// <summary>Parses a chat request; returns the provider's validation error (status, message), or <see langword="null"/>.</summary>
    public abstract (int Status, string Message)? Parse(JsonNode? body, string? pathModel, IQueryCollection query, out EmulatedRequest request);

    public abstract string ErrorBody(int status, string? message, string requestId);

    public abstract string Response(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now);

    public abstract StreamFrames Stream(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now);

    public abstract string StreamErrorFrame(int status, string? message, string requestId);

    public abstract string MalformedFrame { get; }

    public virtual string ContentType(bool stream) => stream ? "text/event-stream" : "application/json";

    public abstract string Models(DateTimeOffset now, string? model);

    public virtual string CountTokens(EmulatedRequest request) => throw new NotSupportedException();

    /// <summary>Matches <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>, which OpenAI and Anthropic share.</summary>
    protected static Operation? MatchModels(string method, string path, out string? model)
    {
        model = null;
        if (method != "GET")
        {
            return null;
        }

        if (path == "/v1/models")
        {
            return Operation.ListModels;
        }

        if (path.StartsWith("/v1/models/", StringComparison.Ordinal))
        {
            model = Uri.UnescapeDataString(path["/v1/models/".Length..]);
            return Operation.GetModel;
        }

        return null;
    }

    protected static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    protected static string Mask(string key) => key.Length <= 8 ? "***" : $"{key[..3]}***{key[^4..]}";

    protected static string Data(JsonNode node) => $"data: {node.ToJsonString(Wire.Options)}\n\n";
}
