using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Gateway;

/// <summary><c>POST /v1/chat/completions</c>: key, limits, parse, route through FlexiAI, answer in OpenAI's wire format.</summary>
internal sealed partial class ChatCompletionsHandler(FlexiAIGateway gateway, ILogger logger)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = RequestId(context);
        context.Response.Headers["x-request-id"] = requestId;
        GatewayKey? key = null;
        string? route = null;
        try
        {
            key = gateway.Keys.FromAuthorizationHeader(context.Request.Headers.Authorization);
            if (key is null)
            {
                throw new GatewayRequestException(401, "Incorrect or missing gateway key. Send 'Authorization: Bearer <gateway key>' with a key from the gateway's configuration.", type: "invalid_request_error", code: "invalid_api_key");
            }

            if (key.Limiter is { } limiter && !limiter.TryAcquire(out var wait))
            {
                SetRetryAfter(context, wait);
                throw new GatewayRequestException(429, $"Rate limit reached for this gateway key: try again in {Math.Ceiling(wait.TotalSeconds)} s.", type: "rate_limit_error", code: "rate_limit_exceeded");
            }

            using var body = await ReadBodyAsync(context).ConfigureAwait(false);
            var request = ChatCompletionReader.Read(body.RootElement);
            route = request.Model;
            var client = gateway.FindGatewayRoute(request.Model)
                ?? throw new GatewayRequestException(404, $"The model '{request.Model}' does not exist on this gateway: use a route ({string.Join(", ", gateway.Models)}); GET /v1/models lists them.", "model", code: "model_not_found");
            if (!key.MayUse(request.Model))
            {
                throw new GatewayRequestException(403, $"This gateway key may not use '{request.Model}'.", "model", "permission_error", "model_not_allowed");
            }

            var additional = request.Options.AdditionalProperties ??= [];
            additional[FlexiAIClient.CorrelationIdKey] = requestId;
            if (key.Tag is { } tag)
            {
                additional["flexiai.tag"] = tag;
            }

            ReadCacheControl(context, client, additional);

            using var timeout = new CancellationTokenSource(gateway.Options.RequestTimeout, gateway.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
            try
            {
                if (request.Stream)
                {
                    await StreamAsync(context, client, request, requestId, linked.Token).ConfigureAwait(false);
                }
                else
                {
                    await RespondAsync(context, client, request, requestId, linked.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                throw new GatewayRequestException(504, $"The request did not finish within the gateway's request timeout ({gateway.Options.RequestTimeout.TotalSeconds:0.###} s).", type: "timeout_error", code: "request_timeout");
            }
        }
        catch (GatewayRequestException ex)
        {
            await WriteErrorAsync(context, ex.Status, ex.Message, ex.Type, ex.Param, ex.Code).ConfigureAwait(false);
        }
        catch (RequestValidationException ex)
        {
            await WriteErrorAsync(context, 400, ex.Message, "invalid_request_error", ex.Parameter, null).ConfigureAwait(false);
        }
        catch (BudgetExceededException ex)
        {
            SetRetryAfter(context, ex.ResetsAt - gateway.TimeProvider.GetUtcNow());
            await WriteErrorAsync(context, 429, ex.Message, "insufficient_quota", null, "budget_exceeded").ConfigureAwait(false);
        }
        catch (AllProvidersFailedException ex)
        {
            var (status, type, code) = Classify(ex);
            if (status is 429 or 503)
            {
                SetRetryAfter(context, ex.EarliestRetryAt - gateway.TimeProvider.GetUtcNow());
            }

            var summary = ex.Route?.ToString() ?? ex.Message;
            await WriteErrorAsync(context, status, $"Every provider of route '{route}' failed: {summary}", type, null, code).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (FlexiAIException ex)
        {
            await WriteErrorAsync(context, 502, ex.Message, "server_error", null, "upstream_error").ConfigureAwait(false);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            var provider = context.Response.Headers["x-flexiai-provider"].ToString();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogRequest(logger, context.Response.StatusCode, route ?? "-", key?.Number ?? 0, provider, requestId, elapsed);
        }
    }

    private static (int Status, string Type, string Code) Classify(AllProvidersFailedException ex)
    {
        bool limited = ex.Errors.Count > 0, open = ex.Errors.Count > 0;
        foreach (var error in ex.Errors)
        {
            var isLimited = error is BudgetExceededException || (error is ProviderException p && p.Category == ErrorCategory.RateLimited);
            limited &= isLimited;
            open &= error is CircuitOpenException;
        }

        return limited ? (429, "rate_limit_error", "all_providers_rate_limited")
            : open ? (503, "server_error", "all_providers_unavailable")
            : (502, "server_error", "all_providers_failed");
    }

    private async Task RespondAsync(HttpContext context, GatewayRoute route, ChatCompletionRequest request, string requestId, CancellationToken cancellationToken)
    {
        var response = await route.ChatClient.GetResponseAsync(request.Messages, request.Options, cancellationToken).ConfigureAwait(false);
        if (response.TryGetRoute() is { } report)
        {
            SetRouteHeaders(context.Response.Headers, report, CacheState(route, request, report));
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        ChatCompletionWriter.WriteResponse(buffer, "chatcmpl-" + requestId, gateway.TimeProvider.GetUtcNow().ToUnixTimeSeconds(), request.Model, response);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    private async Task StreamAsync(HttpContext context, GatewayRoute route, ChatCompletionRequest request, string requestId, CancellationToken cancellationToken)
    {
        var id = "chatcmpl-" + requestId;
        var created = gateway.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        var enumerator = route.ChatClient.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            // Failover happens before the first update: until it arrives, a failure is still an ordinary HTTP error response.
            var hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["x-accel-buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var body = response.BodyWriter;
            var model = request.Model;
            var role = "assistant";
            var toolIndex = 0;
            string? finish = null;
            UsageDetails? usage = null;
            RouteReport? report = null;
            var hasToolCalls = false;
            try
            {
                while (hasFirst)
                {
                    var update = enumerator.Current;
                    model = update.ModelId ?? model;
                    report = update.TryGetRoute() ?? report;
                    finish = update.FinishReason is { } reason ? ChatCompletionWriter.FinishReason(reason, hasToolCalls) : finish;
                    string? text = null;
                    List<FunctionCallContent>? calls = null;
                    foreach (var content in update.Contents)
                    {
                        switch (content)
                        {
                            case TextContent t when t.Text.Length > 0:
                                text = text is null ? t.Text : text + t.Text;
                                break;
                            case FunctionCallContent call:
                                (calls ??= []).Add(call);
                                hasToolCalls = true;
                                break;
                            case UsageContent u:
                                usage = u.Details;
                                break;
                        }
                    }

                    if (text is not null || calls is not null || role is not null)
                    {
                        body.Write(DataPrefix);
                        ChatCompletionWriter.WriteChunk(body, id, created, model, role, text ?? (role is not null && calls is null ? string.Empty : null), calls, ref toolIndex, null);
                        body.Write(EventEnd);
                        role = null;
                        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }

                    hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is FlexiAIException || (ex is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                // Mid-stream failure: an OpenAI-shaped error event, then the connection is aborted so no client mistakes the
                // answer so far for a complete one (no finish_reason, no [DONE], no clean end of the response).
                var message = ex is StreamInterruptedException interrupted
                    ? $"The stream failed after part of the answer was sent ({interrupted.Category}); the answer is incomplete. Route: {interrupted.Route}"
                    : $"The stream failed after part of the answer was sent; the answer is incomplete. {ex.Message}";
                body.Write(DataPrefix);
                ChatCompletionWriter.WriteError(body, message, "server_error", null, "stream_interrupted");
                body.Write(EventEnd);
                await body.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                LogStreamFailed(logger, requestId, ex.GetType().Name);
                context.Abort();
                return;
            }

            body.Write(DataPrefix);
            ChatCompletionWriter.WriteChunk(body, id, created, model, null, null, null, ref toolIndex, finish ?? (hasToolCalls ? "tool_calls" : "stop"));
            body.Write(EventEnd);
            if (request.IncludeUsage)
            {
                body.Write(DataPrefix);
                ChatCompletionWriter.WriteUsageChunk(body, id, created, model, usage ?? report?.Usage);
                body.Write(EventEnd);
            }

            if (report is not null)
            {
                // The route report of a stream: an SSE comment (ignored by SSE clients) before [DONE].
                body.Write(Encoding.UTF8.GetBytes($": x-flexiai-route provider={report.Provider} attempts={report.Attempts.Count} cost={CostText(report)} cache={CacheState(route, request, report)} failover={(report.FailedOver ? "true" : "false")}\n\n"));
            }

            body.Write(Done);
            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<JsonDocument> ReadBodyAsync(HttpContext context)
    {
        var max = gateway.Options.MaxRequestBodyBytes;
        if (context.Request.ContentLength > max)
        {
            throw TooLarge(max);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        var reader = context.Request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                throw TooLarge(max);
            }

            if (read.Buffer.Length > max)
            {
                throw TooLarge(max);
            }

            if (read.IsCompleted)
            {
                try
                {
                    var reader2 = new Utf8JsonReader(read.Buffer);
                    return JsonDocument.ParseValue(ref reader2);
                }
                catch (JsonException ex)
                {
                    throw new GatewayRequestException(400, $"We could not parse the JSON body of your request ({ex.Message}). Send a JSON object with Content-Type: application/json.", code: "invalid_json");
                }
                finally
                {
                    reader.AdvanceTo(read.Buffer.End);
                }
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static GatewayRequestException TooLarge(long max) =>
        new(413, $"The request body is larger than the gateway's limit of {max} bytes (gateway.max_request_body_bytes).", code: "request_too_large");

    private static void SetRouteHeaders(IHeaderDictionary headers, RouteReport report, string cache)
    {
        headers["x-flexiai-provider"] = report.Provider;
        headers["x-flexiai-attempts"] = report.Attempts.Count.ToString(CultureInfo.InvariantCulture);
        headers["x-flexiai-cost"] = CostText(report);
        headers["x-flexiai-cache"] = cache;
    }

    private static string CostText(RouteReport report) =>
        report.Cost is { } cost ? cost.Total.ToString("0.########", CultureInfo.InvariantCulture) : report.CacheHit ? "0" : "unknown";

    /// <summary>
    /// Reads the request header <c>x-flexiai-cache</c> (<c>bypass</c>: neither read nor write the cache; <c>refresh</c>: skip the read,
    /// store the fresh answer) into the cache's per-request keys.
    /// </summary>
    private static void ReadCacheControl(HttpContext context, GatewayRoute route, AdditionalPropertiesDictionary additional)
    {
        var value = context.Request.Headers["x-flexiai-cache"];
        if (value.Count == 0)
        {
            return;
        }

        var text = value.ToString().Trim();
        var bypass = string.Equals(text, "bypass", StringComparison.OrdinalIgnoreCase);
        var refresh = string.Equals(text, "refresh", StringComparison.OrdinalIgnoreCase);
        if (!bypass && !refresh)
        {
            throw new GatewayRequestException(400, $"The request header x-flexiai-cache is '{(text.Length > 32 ? text[..32] + "…" : text)}'; use 'bypass' (neither read nor write the response cache) or 'refresh' (ask the providers and replace the cached answer), or leave it out.", code: "invalid_header");
        }

        if (route.Cache is not null)
        {
            additional[bypass ? ResponseCacheControl.BypassKey : ResponseCacheControl.RefreshKey] = true;
        }
    }

    /// <summary>
    /// What the response cache did, for <c>x-flexiai-cache</c>: <c>none</c> (no cache configured), <c>hit</c>, <c>bypass</c> (the request
    /// went past the cache — the request header, or a request the cache does not keep, as the cache itself decides) or <c>miss</c>
    /// (the providers answered; also for <c>refresh</c>).
    /// </summary>
    private static string CacheState(GatewayRoute route, ChatCompletionRequest request, RouteReport report) =>
        route.Cache is not { } cache ? "none"
        : report.CacheHit ? "hit"
        : cache.Skips(request.Options) ? "bypass"
        : "miss";

    private static void SetRetryAfter(HttpContext context, TimeSpan? wait)
    {
        var seconds = wait is { } w && w > TimeSpan.Zero ? (long)Math.Ceiling(w.TotalSeconds) : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? param, string? code)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        ChatCompletionWriter.WriteError(buffer, message, type, param, code);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            // The rest of the body is not read: send the answer in full, then close the connection instead of draining it.
            context.Response.Headers.Connection = "close";
            await context.Response.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
            await context.Response.CompleteAsync().ConfigureAwait(false);
            return;
        }

        await context.Response.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
    }

    private static string RequestId(HttpContext context)
    {
        if (context.Request.Headers["x-request-id"].ToString() is { Length: > 0 and <= 64 } given && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return given;
        }

        return Guid.NewGuid().ToString("N");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "POST /v1/chat/completions {Status} route={Route} key=#{KeyNumber} provider={Provider} request_id={RequestId} in {ElapsedMs:F1} ms")]
    private static partial void LogRequest(ILogger logger, int status, string route, int keyNumber, string provider, string requestId, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "stream {RequestId} failed after its first chunk ({Error}); sent an error event and aborted the connection")]
    private static partial void LogStreamFailed(ILogger logger, string requestId, string error);
}
