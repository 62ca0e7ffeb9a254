using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// FlexiAI's <see cref="IChatClient"/> over the Vertex AI Gemini REST API (<c>generateContent</c>,
/// <c>streamGenerateContent?alt=sse</c>). No retries of its own: FlexiAI owns them.
/// </summary>
internal sealed class VertexAIChatClient : IChatClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly VertexAIEndpoint _endpoint;
    private readonly string _providerName;
    private readonly string _model;
    private readonly string? _safetySettings;
    private readonly ChatClientMetadata _metadata;
    private readonly TimeProvider _time;

    public VertexAIChatClient(HttpClient http, bool ownsHttp, VertexAIEndpoint endpoint, string providerName, string model, string? safetySettings, TimeProvider time)
    {
        _time = time;
        _http = http;
        _ownsHttp = ownsHttp;
        _endpoint = endpoint;
        _providerName = providerName;
        _model = model;
        _safetySettings = safetySettings;
        _metadata = new ChatClientMetadata(endpoint.ProviderType, endpoint.ModelUrl, model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = VertexAIRequestWriter.Write(_providerName, messages, options, _safetySettings);
        var (request, response) = await SendAsync("generateContent", body, sse: false, cancellationToken).ConfigureAwait(false);
        using var sent = request;
        using var received = response;
        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
            var callIndex = 0;
            var chunk = VertexAIResponseReader.Read(document.RootElement, _providerName, ref callIndex);
            var message = new ChatMessage(ChatRole.Assistant, chunk.Contents) { MessageId = chunk.ResponseId };
            return new ChatResponse(message)
            {
                ResponseId = chunk.ResponseId,
                ModelId = chunk.ModelVersion ?? _model,
                CreatedAt = chunk.CreatedAt,
                FinishReason = chunk.FinishReason,
                Usage = chunk.Usage,
                AdditionalProperties = chunk.Properties,
                RawRepresentation = chunk,
            };
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var body = VertexAIRequestWriter.Write(_providerName, messages, options, _safetySettings);
        var (request, response) = await SendAsync("streamGenerateContent", body, sse: true, cancellationToken).ConfigureAwait(false);
        using var sent = request;
        using var received = response;
        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var data = new StringBuilder();
            var callIndex = 0;
            while (true)
            {
                var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null || line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        yield return ToUpdate(data.ToString(), ref callIndex);
                        data.Clear();
                    }

                    if (line is null)
                    {
                        yield break;
                    }

                    continue;
                }

                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line.AsSpan(5).TrimStart(' '));
                }
                else if (line.StartsWith('{') || (data.Length > 0 && !line.StartsWith(':')))
                {
                    // A bare JSON error (or a continuation line of one) outside SSE framing.
                    data.Append(line);
                }
            }
        }
    }

    private ChatResponseUpdate ToUpdate(string json, ref int callIndex)
    {
        using var document = JsonDocument.Parse(json);
        var chunk = VertexAIResponseReader.Read(document.RootElement, _providerName, ref callIndex);
        return new ChatResponseUpdate(ChatRole.Assistant, chunk.Contents)
        {
            ResponseId = chunk.ResponseId,
            MessageId = chunk.ResponseId,
            ModelId = chunk.ModelVersion ?? _model,
            CreatedAt = chunk.CreatedAt,
            FinishReason = chunk.FinishReason,
            AdditionalProperties = chunk.Properties,
            RawRepresentation = chunk,
            Contents = chunk.Usage is { } usage ? [.. chunk.Contents, new UsageContent(usage)] : chunk.Contents,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>
    /// Sends a request. With Google credentials, a 401 (the token was revoked, or expired by a server clock ahead of ours)
    /// gets exactly one forced token refresh and one resend; a second 401 is the answer.
    /// </summary>
    private async Task<(HttpRequestMessage Request, HttpResponseMessage Response)> SendAsync(string method, byte[] body, bool sse, CancellationToken cancellationToken)
    {
        var request = await CreateRequestAsync(method, body, cancellationToken, sse).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || _endpoint.RefreshAccessToken is not { } refresh)
            {
                return (request, response);
            }

            response.Dispose();
            request.Dispose();
            request = await CreateRequestAsync(method, body, cancellationToken, sse, refresh).ConfigureAwait(false);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return (request, response);
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private async Task<HttpRequestMessage> CreateRequestAsync(string method, byte[] body, CancellationToken cancellationToken, bool sse = false, Func<CancellationToken, Task<string>>? tokenSource = null)
    {
        var url = _endpoint.Url(method);
        if (sse)
        {
            url = new Uri(url.AbsoluteUri + "?alt=sse");
        }

        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        if (_endpoint.ApiKey is { } key)
        {
            request.Headers.TryAddWithoutValidation("x-goog-api-key", key);
        }
        else if ((tokenSource ?? _endpoint.AccessToken) is { } token)
        {
            string value;
            try
            {
                value = await token(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                request.Dispose();
                throw new VertexAIException(
                    401,
                    "UNAUTHENTICATED",
                    $"Could not obtain a Google access token for provider '{_providerName}': {SecretMasker.Redact(ex.Message)} Run 'gcloud auth application-default login', set GOOGLE_APPLICATION_CREDENTIALS (or config.credentials_file) to a service-account key file, or use an API key (express mode).");
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value);
        }

        return request;
    }

    private async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var retryAfter = ProviderAdapter.ParseRetryAfter(response.Headers, _time.GetUtcNow());
        var requestId = response.Headers.TryGetValues("x-request-id", out var ids) ? ids.FirstOrDefault() : null;
        string? code = null;
        var message = text.Length > 300 ? text[..300] : text;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement.ValueKind == JsonValueKind.Array && document.RootElement.GetArrayLength() > 0 ? document.RootElement[0] : document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                code = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? message : message;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): keep the text.
        }

        throw new VertexAIException(status, code, $"{_endpoint.ServiceName} returned HTTP {status}{(code is null ? string.Empty : " " + code)}: {SecretMasker.Redact(message)}")
        {
            RetryAfter = retryAfter,
            RequestId = requestId,
        };
    }
}
