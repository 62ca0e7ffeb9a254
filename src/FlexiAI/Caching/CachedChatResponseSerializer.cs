using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Hybrid;

namespace FlexiAI;

/// <summary>
/// Writes a <see cref="CachedChatResponse"/> for the distributed store as JSON: the answer as MEAI's own <see cref="ChatResponse"/>
/// JSON, plus who answered, what it cost and when it expires, under the key's version salt. An entry of another version reads as
/// a miss.
/// </summary>
internal sealed class CachedChatResponseSerializer : IHybridCacheSerializer<CachedChatResponse>
{
    public static readonly CachedChatResponseSerializer Instance = new();

    private static JsonTypeInfo<ChatResponse> ResponseInfo => (JsonTypeInfo<ChatResponse>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse));

    public CachedChatResponse Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (!root.TryGetProperty("v", out var version) || version.GetString() != ResponseCacheKey.Version)
        {
            throw new JsonException($"A cached entry of another version ({(root.TryGetProperty("v", out var v) ? v.ToString() : "none")}); expected {ResponseCacheKey.Version}.");
        }

        var response = root.GetProperty("response").Deserialize(ResponseInfo) ?? throw new JsonException("A cached entry without its response.");
        return new CachedChatResponse(
            [.. response.Messages],
            response.FinishReason?.Value,
            response.ModelId,
            response.ResponseId,
            response.CreatedAt,
            response.Usage,
            Text(root, "provider"),
            Text(root, "model"),
            root.TryGetProperty("cost", out var cost) && cost.ValueKind == JsonValueKind.Number ? cost.GetDecimal() : null,
            root.GetProperty("expires").GetDateTimeOffset(),
            fromStore: true);
    }

    public void Serialize(CachedChatResponse value, IBufferWriter<byte> target)
    {
        using var w = new Utf8JsonWriter(target);
        w.WriteStartObject();
        w.WriteString("v", ResponseCacheKey.Version);
        w.WritePropertyName("response");
        var response = new ChatResponse([.. value.Messages])
        {
            FinishReason = value.FinishReason is null ? null : new ChatFinishReason(value.FinishReason),
            ModelId = value.ModelId,
            ResponseId = value.ResponseId,
            CreatedAt = value.CreatedAt,
            Usage = value.Usage,
        };
        JsonSerializer.Serialize(w, response, ResponseInfo);
        if (value.Provider is { } provider)
        {
            w.WriteString("provider", provider);
        }

        if (value.RouteModel is { } model)
        {
            w.WriteString("model", model);
        }

        if (value.Cost is { } cost)
        {
            w.WriteNumber("cost", cost);
        }

        w.WriteString("expires", value.ExpiresAt);
        w.WriteEndObject();
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
