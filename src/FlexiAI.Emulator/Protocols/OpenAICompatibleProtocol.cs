using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>
/// An OpenAI-compatible server: OpenAI's Chat Completions wire with the instance's <see cref="OpenAICompatibleQuirks"/>. Without an
/// <see cref="EmulatedInstanceOptions.ApiKey"/> it takes requests with no key at all, as local servers do.
/// </summary>
internal sealed class OpenAICompatibleProtocol(EmulatedInstanceOptions options) : ProtocolHandler
{
    private static readonly OpenAIProtocol OpenAI = new();

    public override string? RequestIdHeader => OpenAI.RequestIdHeader;

    public override string MalformedFrame => OpenAI.MalformedFrame;

    public override Operation? Match(string method, string path, IQueryCollection query, out string? model) => OpenAI.Match(method, path, query, out model);

    public override (int Status, string Message)? Authenticate(HttpRequest request, EmulatedInstance instance) =>
        options.ApiKey is null ? null : OpenAI.Authenticate(request, instance);

    public override (int Status, string Message)? Parse(JsonNode? body, string? pathModel, IQueryCollection query, out EmulatedRequest request)
    {
        if (options.Quirks.HasFlag(OpenAICompatibleQuirks.RejectStreamOptions) && body is JsonObject json && json.ContainsKey("stream_options"))
        {
            request = new EmulatedRequest();
            return (400, "Unrecognized request argument supplied: stream_options");
        }

        var invalid = OpenAI.Parse(body, pathModel, query, out request);
        if (options.Quirks.HasFlag(OpenAICompatibleQuirks.NoStreamUsage))
        {
            request.IncludeUsage = false;
        }

        return invalid;
    }

    public override string ErrorBody(int status, string? message, string requestId) => OpenAI.ErrorBody(status, message, requestId);

    public override string Response(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now) => OpenAI.Response(reply, request, now);

    public override StreamFrames Stream(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        var frames = OpenAI.Stream(reply, request, now);
        if (!options.Quirks.HasFlag(OpenAICompatibleQuirks.SeparateFinishChunk))
        {
            return frames;
        }

        // The OpenAI tail is: finish chunk (empty delta), optional usage chunk, [DONE]. Move the finish to a delta-less chunk last.
        var tail = frames.Tail.ToList();
        var finish = JsonNode.Parse(tail[0]["data: ".Length..])!.AsObject();
        var reason = finish["choices"]![0]!["finish_reason"]!.GetValue<string>();
        tail.RemoveAt(0);
        finish["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["finish_reason"] = reason });
        finish.Remove("usage");
        tail.Insert(tail.Count - 1, Data(finish));
        return frames with { Tail = tail };
    }

    public override string StreamErrorFrame(int status, string? message, string requestId) => OpenAI.StreamErrorFrame(status, message, requestId);

    public override string Models(DateTimeOffset now, string? model) => OpenAI.Models(now, model);
}
