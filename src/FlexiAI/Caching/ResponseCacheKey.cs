using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// The response cache's key: a SHA-256 over a canonical JSON form of the request (every message content kind, and the options that
/// change the answer) and a version salt. Canonical: JSON object properties, tools, stop sequences and additional properties are
/// written sorted, absent and default values are omitted, and adjacent text parts are one string, so property order and equivalent
/// defaults never change the key.
/// </summary>
internal static class ResponseCacheKey
{
    /// <summary>Bumped whenever the key's inputs or the cached entry's shape change, so an upgrade never reads entries it cannot trust.</summary>
    public const string Version = "flexiai-cache-v1";

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Computes the key, or returns <see langword="null"/> when the request cannot be keyed (content that cannot be serialized).</summary>
    public static string? Compute(IEnumerable<ChatMessage> messages, ChatOptions? options, string prefix)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var w = t_writer;
        if (w is null)
        {
            w = t_writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        }
        else
        {
            w.Reset(buffer);
        }

        try
        {
            w.WriteStartObject();
            w.WriteString("v"u8, Version);
            WriteOptions(w, options);
            w.WriteStartArray("m"u8);
            foreach (var message in messages)
            {
                WriteMessage(w, message);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        Span<byte> encoded = stackalloc byte[Base64Url.GetEncodedLength(SHA256.HashSizeInBytes)];
        Base64Url.EncodeToUtf8(hash, encoded);
        return string.Create(prefix.Length + encoded.Length, (prefix, Hash: encoded.ToArray()), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            for (var i = 0; i < state.Hash.Length; i++)
            {
                span[state.prefix.Length + i] = (char)state.Hash[i];
            }
        });
    }

    /// <summary>Returns whether <paramref name="key"/> is a control key of the cache or of FlexiAI that does not change the answer.</summary>
    public static bool IsControlKey(string key) =>
        key.StartsWith("flexiai.cache.", StringComparison.Ordinal)
        || key is FlexiAIClient.CorrelationIdKey or "flexiai.tag";

    private static void WriteOptions(Utf8JsonWriter w, ChatOptions? o)
    {
        if (o is null)
        {
            return;
        }

        if (o.ModelId is { } model)
        {
            w.WriteString("model"u8, model);
        }

        if (o.Instructions is { Length: > 0 } instructions)
        {
            w.WriteString("instructions"u8, instructions);
        }

        Number(w, "temperature"u8, o.Temperature);
        Number(w, "top_p"u8, o.TopP);
        Number(w, "frequency_penalty"u8, o.FrequencyPenalty);
        Number(w, "presence_penalty"u8, o.PresencePenalty);
        if (o.TopK is { } topK)
        {
            w.WriteNumber("top_k"u8, topK);
        }

        if (o.MaxOutputTokens is { } max)
        {
            w.WriteNumber("max_tokens"u8, max);
        }

        if (o.Seed is { } seed)
        {
            w.WriteNumber("seed"u8, seed);
        }

        if (o.StopSequences is { Count: > 0 } stops)
        {
            w.WriteStartArray("stop"u8);
            foreach (var stop in stops.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                w.WriteStringValue(stop);
            }

            w.WriteEndArray();
        }

        switch (o.ResponseFormat)
        {
            case ChatResponseFormatJson json:
                w.WriteStartObject("format"u8);
                w.WriteString("k"u8, "json");
                if (json.SchemaName is { } name)
                {
                    w.WriteString("name"u8, name);
                }

                if (json.SchemaDescription is { } description)
                {
                    w.WriteString("description"u8, description);
                }

                if (json.Schema is { } schema)
                {
                    w.WritePropertyName("schema"u8);
                    Canonical(w, schema);
                }

                w.WriteEndObject();
                break;
            case null or ChatResponseFormatText:
                break; // text is every provider's default: the same key as no format
            default:
                w.WritePropertyName("format"u8);
                Serialized(w, o.ResponseFormat, typeof(ChatResponseFormat));
                break;
        }

        if (o.Tools is { Count: > 0 } tools)
        {
            w.WriteStartArray("tools"u8);
            foreach (var tool in tools.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("name"u8, tool.Name);
                w.WriteString("k"u8, tool.GetType().Name);
                if (tool.Description is { Length: > 0 } description)
                {
                    w.WriteString("description"u8, description);
                }

                if (tool is AIFunctionDeclaration function)
                {
                    w.WritePropertyName("schema"u8);
                    Canonical(w, function.JsonSchema);
                    if (function.ReturnJsonSchema is { } returns)
                    {
                        w.WritePropertyName("returns"u8);
                        Canonical(w, returns);
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("tool_mode"u8, o.ToolMode switch
            {
                null or AutoChatToolMode => "auto",
                NoneChatToolMode => "none",
                RequiredChatToolMode { RequiredFunctionName: { } required } => "required:" + required,
                RequiredChatToolMode => "required",
                _ => o.ToolMode.GetType().Name,
            });
            if (o.AllowMultipleToolCalls is { } multiple)
            {
                w.WriteBoolean("parallel"u8, multiple);
            }
        }

        if (o.Reasoning is { } reasoning)
        {
            w.WritePropertyName("reasoning"u8);
            Serialized(w, reasoning, reasoning.GetType());
        }

        if (o.AdditionalProperties is { Count: > 0 } extra)
        {
            var wrote = false;
            foreach (var (key, value) in extra.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (IsControlKey(key))
                {
                    continue;
                }

                if (!wrote)
                {
                    w.WriteStartObject("extra"u8);
                    wrote = true;
                }

                w.WritePropertyName(key);
                Serialized(w, value, value?.GetType() ?? typeof(object));
            }

            if (wrote)
            {
                w.WriteEndObject();
            }
        }
    }

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage message)
    {
        w.WriteStartObject();
        w.WriteString("r"u8, message.Role.Value);
        if (message.AuthorName is { Length: > 0 } author)
        {
            w.WriteString("a"u8, author);
        }

        w.WriteStartArray("c"u8);
        var contents = message.Contents;
        var inText = false;
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            if (content is TextContent text && content.GetType() == typeof(TextContent))
            {
                // Adjacent text parts are one string: "Hel" + "lo" keys like "Hello".
                w.WriteStringValueSegment(text.Text.AsSpan(), isFinalSegment: false);
                inText = true;
                continue;
            }

            if (inText)
            {
                w.WriteStringValueSegment(ReadOnlySpan<char>.Empty, isFinalSegment: true);
                inText = false;
            }

            WriteContent(w, content);
        }

        if (inText)
        {
            w.WriteStringValueSegment(ReadOnlySpan<char>.Empty, isFinalSegment: true);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter w, AIContent content)
    {
        w.WriteStartObject();
        switch (content)
        {
            case TextReasoningContent reasoning:
                w.WriteString("k"u8, "reasoning");
                w.WriteString("t"u8, reasoning.Text);
                break;
            case FunctionCallContent call:
                w.WriteString("k"u8, "call");
                w.WriteString("id"u8, call.CallId);
                w.WriteString("name"u8, call.Name);
                if (call.Arguments is { Count: > 0 } arguments)
                {
                    w.WriteStartObject("args"u8);
                    foreach (var (key, value) in arguments.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        w.WritePropertyName(key);
                        Serialized(w, value, value?.GetType() ?? typeof(object));
                    }

                    w.WriteEndObject();
                }

                break;
            case FunctionResultContent result:
                w.WriteString("k"u8, "result");
                w.WriteString("id"u8, result.CallId);
                w.WritePropertyName("v"u8);
                Serialized(w, result.Result, result.Result?.GetType() ?? typeof(object));
                break;
            case DataContent data:
                w.WriteString("k"u8, "data");
                w.WriteString("type"u8, data.MediaType);
                w.WriteBase64String("d"u8, data.Data.Span);
                break;
            case UriContent uri:
                w.WriteString("k"u8, "uri");
                w.WriteString("type"u8, uri.MediaType);
                w.WriteString("u"u8, uri.Uri.OriginalString);
                break;
            case TextContent text:
                w.WriteString("k"u8, text.GetType().Name);
                w.WriteString("t"u8, text.Text);
                break;
            default:
                w.WriteString("k"u8, content.GetType().Name);
                w.WritePropertyName("v"u8);
                Serialized(w, content, typeof(AIContent));
                break;
        }

        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, ReadOnlySpan<byte> name, float? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void Serialized(Utf8JsonWriter w, object? value, Type type)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                return;
            case string s:
                w.WriteStringValue(s);
                return;
            case bool b:
                w.WriteBooleanValue(b);
                return;
            case JsonElement element:
                Canonical(w, element);
                return;
        }

        Canonical(w, JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(type)));
    }

    /// <summary>Writes <paramref name="element"/> with every object's properties sorted (ordinal), so property order does not matter.</summary>
    private static void Canonical(Utf8JsonWriter w, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(property.Name);
                    Canonical(w, property.Value);
                }

                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Canonical(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                element.WriteTo(w);
                break;
        }
    }
}
