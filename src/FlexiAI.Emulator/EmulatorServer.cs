using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>Dispatches every request: instance lookup, journal, protocol endpoint, auth, faults, reply, stream pacing.</summary>
internal sealed class EmulatorServer
{
    private static readonly ProtocolHandler OpenAI = new OpenAIProtocol();
    private static readonly ProtocolHandler Anthropic = new AnthropicProtocol();
    private static readonly ProtocolHandler VertexAI = new VertexAIProtocol();

    private readonly Dictionary<string, EmulatedInstance> _instances;
    private readonly Dictionary<string, ProtocolHandler> _protocols;
    private readonly TimeProvider _time;
    private readonly ControlEndpoint _control;
    private readonly CancellationToken _stopping;
    private long _requestIds;

    public EmulatorServer(IReadOnlyList<EmulatedInstance> instances, TimeProvider time, CancellationToken stopping)
    {
        _instances = instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        _protocols = instances.ToDictionary(i => i.Name, i => ProtocolFor(i.Options), StringComparer.Ordinal);
        _time = time;
        _stopping = stopping;
        _control = new ControlEndpoint(instances);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var slash = path.IndexOf('/', 1);
        var name = slash < 0 ? path.TrimStart('/') : path[1..slash];
        var rest = slash < 0 ? "/" : path[slash..];
        if (name == "_emulator")
        {
            await _control.HandleAsync(context, rest).ConfigureAwait(false);
            return;
        }

        if (!_instances.TryGetValue(name, out var instance))
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "application/json";
            var known = string.Join(", ", _instances.Keys);
            await context.Response.WriteAsync(new JsonObject { ["error"] = $"No emulated instance '{name}'. Instances: {known}. Paths start with /NAME/." }.ToJsonString(Wire.Options)).ConfigureAwait(false);
            return;
        }

        if (instance.Kind == EmulatedProviderKind.VertexAI && rest == "/token" && HttpMethods.IsPost(context.Request.Method))
        {
            await HandleTokenAsync(context, instance).ConfigureAwait(false);
            return;
        }

        var protocol = _protocols[name];
        var request = context.Request;
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        instance.Journal.Add(new JournalEntry(_time.GetUtcNow(), request.Method, rest, MaskQuery(request.QueryString.Value), MaskHeaders(request.Headers), body));

        var requestId = $"req_emu{Interlocked.Increment(ref _requestIds):D8}";
        if (protocol.RequestIdHeader is { } header)
        {
            context.Response.Headers[header] = requestId;
        }

        var operation = protocol.Match(request.Method, rest, request.Query, out var pathModel);
        if (operation is null)
        {
            await WriteErrorAsync(context, protocol, 404, $"Unknown endpoint: {request.Method} {rest}", requestId, null).ConfigureAwait(false);
            return;
        }

        if (protocol.Authenticate(request, instance) is { } denied)
        {
            await WriteErrorAsync(context, protocol, denied.Status, denied.Message, requestId, null).ConfigureAwait(false);
            return;
        }

        var aborted = context.RequestAborted;
        var fault = instance.Faults.Next();
        switch (fault?.Kind)
        {
            case FaultKind.ResetConnection:
                context.Abort();
                return;
            case FaultKind.Latency:
                await DelayAsync(fault.Latency, context).ConfigureAwait(false);
                fault = null;
                break;
            case FaultKind.Status:
                await WriteErrorAsync(context, protocol, fault.StatusCode, fault.Message, requestId, fault).ConfigureAwait(false);
                return;
        }

        if (operation is Operation.ListModels or Operation.GetModel)
        {
            await WriteJsonAsync(context, 200, protocol.Models(_time.GetUtcNow(), pathModel)).ConfigureAwait(false);
            return;
        }

        EmulatedRequest chat;
        try
        {
            var json = body.Length == 0 ? null : JsonNode.Parse(body);
            if (protocol.Parse(json, pathModel, request.Query, out chat) is { } invalid)
            {
                await WriteErrorAsync(context, protocol, invalid.Status, invalid.Message, requestId, null).ConfigureAwait(false);
                return;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            await WriteErrorAsync(context, protocol, 400, $"Invalid request body: {ex.Message}", requestId, null).ConfigureAwait(false);
            return;
        }

        if (operation == Operation.CountTokens)
        {
            await WriteJsonAsync(context, 200, protocol.CountTokens(chat)).ConfigureAwait(false);
            return;
        }

        if (instance.Kind is EmulatedProviderKind.VertexAI or EmulatedProviderKind.Gemini)
        {
            chat.Stream = rest.EndsWith(":streamGenerateContent", StringComparison.Ordinal);
        }

        var reply = ReplyEngine.Create(instance, chat);
        if (fault is { Kind: FaultKind.Stall, AfterChunks: 0 })
        {
            await DelayAsync(Timeout.InfiniteTimeSpan, context).ConfigureAwait(false);
            return;
        }

        await DelayAsync(instance.Options.FirstTokenLatency, context).ConfigureAwait(false);
        if (aborted.IsCancellationRequested)
        {
            return;
        }

        if (!chat.Stream)
        {
            await WriteResponseAsync(context, protocol, chat, reply, fault, requestId).ConfigureAwait(false);
            return;
        }

        var sse = instance.Kind is not (EmulatedProviderKind.VertexAI or EmulatedProviderKind.Gemini) || string.Equals(request.Query["alt"], "sse", StringComparison.Ordinal);
        await WriteStreamAsync(context, instance, protocol, chat, reply, fault, requestId, sse).ConfigureAwait(false);
    }

    private static ProtocolHandler ProtocolFor(EmulatedInstanceOptions options) => options.Kind switch
    {
        EmulatedProviderKind.OpenAI => OpenAI,
        EmulatedProviderKind.Anthropic => Anthropic,
        EmulatedProviderKind.AzureOpenAI => new AzureOpenAIProtocol(options),
        EmulatedProviderKind.OpenAICompatible => new OpenAICompatibleProtocol(options),
        EmulatedProviderKind.Ollama => new OllamaProtocol(options),
        EmulatedProviderKind.Gemini => new GeminiProtocol(options),
        _ => VertexAI,
    };

    private async Task WriteResponseAsync(HttpContext context, ProtocolHandler protocol, EmulatedRequest chat, EmulatedReply reply, Fault? fault, string requestId)
    {
        switch (fault?.Kind)
        {
            case FaultKind.Stall:
                await DelayAsync(Timeout.InfiniteTimeSpan, context).ConfigureAwait(false);
                return;
            case FaultKind.StreamError:
                await WriteErrorAsync(context, protocol, fault.StatusCode, fault.Message, requestId, null).ConfigureAwait(false);
                return;
            case FaultKind.MalformedJson:
                await WriteJsonAsync(context, 200, "{\"id\": \"broken\", \"choices\": [{\"message\": ").ConfigureAwait(false);
                return;
            case FaultKind.Truncate:
                var full = protocol.Response(reply, chat, _time.GetUtcNow());
                await WriteJsonAsync(context, 200, full[..(full.Length / 2)]).ConfigureAwait(false);
                return;
            default:
                await WriteJsonAsync(context, 200, protocol.Response(reply, chat, _time.GetUtcNow())).ConfigureAwait(false);
                return;
        }
    }

    private async Task WriteStreamAsync(HttpContext context, EmulatedInstance instance, ProtocolHandler protocol, EmulatedRequest chat, EmulatedReply reply, Fault? fault, string requestId, bool sse)
    {
        var frames = protocol.Stream(reply, chat, _time.GetUtcNow());
        var response = context.Response;
        var aborted = context.RequestAborted;
        if (!sse)
        {
            // Vertex without alt=sse streams one JSON array of responses.
            var items = frames.Head.Concat(frames.Content).Concat(frames.Tail).Select(f => f["data: ".Length..].Trim());
            await WriteJsonAsync(context, 200, "[" + string.Join(",\r\n", items) + "]").ConfigureAwait(false);
            return;
        }

        response.StatusCode = 200;
        response.ContentType = protocol.ContentType(stream: true);
        response.Headers.CacheControl = "no-cache";
        try
        {
            foreach (var frame in frames.Head)
            {
                await response.WriteAsync(frame, aborted).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            for (var i = 0; i <= frames.Content.Count; i++)
            {
                if (fault is not null && fault.Kind is FaultKind.Stall or FaultKind.Truncate or FaultKind.MalformedJson or FaultKind.StreamError
                    && i == Math.Min(fault.AfterChunks, frames.Content.Count))
                {
                    await StrikeAsync(context, protocol, fault, requestId).ConfigureAwait(false);
                    return;
                }

                if (i == frames.Content.Count)
                {
                    break;
                }

                if (i > 0)
                {
                    await DelayAsync(instance.Options.ChunkDelay, context).ConfigureAwait(false);
                }

                await response.WriteAsync(frames.Content[i], aborted).ConfigureAwait(false);
                await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            }

            foreach (var frame in frames.Tail)
            {
                await response.WriteAsync(frame, aborted).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private async Task StrikeAsync(HttpContext context, ProtocolHandler protocol, Fault fault, string requestId)
    {
        var response = context.Response;
        switch (fault.Kind)
        {
            case FaultKind.Stall:
                await DelayAsync(Timeout.InfiniteTimeSpan, context).ConfigureAwait(false);
                break;
            case FaultKind.MalformedJson:
                await response.WriteAsync(protocol.MalformedFrame, context.RequestAborted).ConfigureAwait(false);
                break;
            case FaultKind.StreamError:
                await response.WriteAsync(protocol.StreamErrorFrame(fault.StatusCode, fault.Message, requestId), context.RequestAborted).ConfigureAwait(false);
                break;
        }

        // Truncate (and the others after their frame): end the response without the terminal event.
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpContext context, ProtocolHandler protocol, int status, string? message, string requestId, Fault? fault)
    {
        if (fault?.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (fault?.RetryAfterMs is { } retryAfterMs)
        {
            context.Response.Headers["retry-after-ms"] = ((long)retryAfterMs.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        await WriteJsonAsync(context, status, protocol.ErrorBody(status, message, requestId)).ConfigureAwait(false);
    }

    /// <summary>Google's OAuth2 token endpoint: journaled (the assertion masked), subject to status faults, answered by the instance's issuer.</summary>
    private async Task HandleTokenAsync(HttpContext context, EmulatedInstance instance)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : FormCollection.Empty;
        instance.Journal.Add(new JournalEntry(_time.GetUtcNow(), context.Request.Method, "/token", string.Empty, MaskHeaders(context.Request.Headers), $"grant_type={form["grant_type"]}&assertion=***"));
        if (instance.Faults.Next() is { Kind: FaultKind.Status } fault)
        {
            await WriteJsonAsync(context, fault.StatusCode, new JsonObject { ["error"] = "internal_failure", ["error_description"] = fault.Message ?? "The token service failed (emulated fault)." }.ToJsonString(Wire.Options)).ConfigureAwait(false);
            return;
        }

        var (status, body) = instance.Tokens.Grant(form);
        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private static Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>
    /// Waits <paramref name="delay"/> (infinite for a stall) unless the client goes away or the server stops; when the
    /// server stops, the connection is aborted so shutdown never waits for a stall or a slow stream.
    /// </summary>
    private async Task DelayAsync(TimeSpan delay, HttpContext context)
    {
        if (delay == TimeSpan.Zero)
        {
            return;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        try
        {
            await Task.Delay(delay, _time, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away (the caller checks RequestAborted), or the server is stopping.
            if (_stopping.IsCancellationRequested)
            {
                context.Abort();
            }
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength == 0)
        {
            return string.Empty;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    private static string MaskQuery(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return string.Empty;
        }

        var parts = query.TrimStart('?').Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].StartsWith("key=", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = "key=***";
            }
        }

        return "?" + string.Join('&', parts);
    }

    private static Dictionary<string, string> MaskHeaders(IHeaderDictionary headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            result[name] = name.ToUpperInvariant() switch
            {
                "AUTHORIZATION" => value.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? "Bearer ***" : "***",
                "X-API-KEY" or "X-GOOG-API-KEY" or "API-KEY" => "***",
                _ => value.ToString(),
            };
        }

        return result;
    }
}
