using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// The response cache's key: a SHA-256 over a canonical encoding of the request (every message content kind, and the options that
/// change the answer) and a version salt. The encoding is a length-prefixed byte stream: text parts go in as UTF-8 straight from the
/// messages (no JSON string is built — the common case, a conversation of text, costs one pass over the text and one hash); the
/// options and the other content kinds go in as canonical JSON blocks. Canonical: JSON object properties, tools, stop sequences and
/// additional properties are written sorted, absent and default values are omitted, and adjacent text parts are one run, so
/// property order and equivalent defaults never change the key.
/// </summary>
internal static class ResponseCacheKey
{
    /// <summary>Bumped whenever the key's inputs or the cached entry's shape change, so an upgrade never reads entries it cannot trust.</summary>
    public const string Version = "flexiai-cache-v1";

    // Tags of the encoding's fields; every variable-length field is length-prefixed, so the stream is unambiguous.
    private const byte MessageTag = (byte)'M';
    private const byte EndOfMessagesTag = (byte)'E';
    private const byte TextRunTag = (byte)'T';
    private const byte ContentTag = (byte)'C';
    private const byte EndOfMessageTag = (byte)'e';

    [ThreadStatic]
    private static KeyBuffer? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Computes the key, or returns <see langword="null"/> when the request cannot be keyed (content that cannot be serialized).</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options.</param>
    /// <param name="prefix">The key prefix.</param>
    /// <param name="remember">Whether to use <see cref="KeyMemo"/> (a request seen before skips the hash); benchmarks turn it off.</param>
    public static string? Compute(IEnumerable<ChatMessage> messages, ChatOptions? options, string prefix, bool remember = true)
    {
        var buffer = t_buffer ??= new KeyBuffer();
        buffer.Clear();
        var w = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        try
        {
            buffer.WriteText(Version);
            buffer.WriteText(prefix);
            var block = buffer.BeginBlock();
            w.Reset(buffer);
            w.WriteStartObject();
            WriteOptions(w, options);
            w.WriteEndObject();
            w.Flush();
            buffer.EndBlock(block);

            if (messages is IList<ChatMessage> list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    WriteMessage(buffer, w, list[i]);
                }
            }
            else
            {
                foreach (var message in messages)
                {
                    WriteMessage(buffer, w, message);
                }
            }

            buffer.WriteByte(EndOfMessagesTag);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            buffer.TrimIfLarge();
            return null;
        }

        var encoded = buffer.WrittenSpan;
        if (remember && KeyMemo.TryGet(encoded, out var known))
        {
            return known;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(encoded, hash);
        const int Encoded = 43; // base64url of 32 bytes, unpadded
        var length = prefix.Length + Encoded;
        var chars = length <= 512 ? stackalloc char[length] : new char[length];
        prefix.AsSpan().CopyTo(chars);
        Base64Url.EncodeToChars(hash, chars[prefix.Length..]);
        var key = new string(chars);
        if (remember)
        {
            KeyMemo.Add(encoded, key);
        }

        buffer.TrimIfLarge();
        return key;
    }

    private static void WriteMessage(KeyBuffer buffer, Utf8JsonWriter w, ChatMessage message)
    {
        buffer.WriteByte(MessageTag);
        buffer.WriteText(message.Role.Value);
        buffer.WriteText(message.AuthorName ?? string.Empty);
        var contents = message.Contents;
        var count = contents.Count;
        for (var i = 0; i < count; i++)
        {
            var content = contents[i];
            if (IsPlainText(content))
            {
                // Adjacent text parts are one run: "Hel" + "lo" keys like "Hello".
                buffer.WriteByte(TextRunTag);
                var run = buffer.BeginBlock();
                buffer.WriteUtf8(((TextContent)content).Text);
                while (i + 1 < count && IsPlainText(contents[i + 1]))
                {
                    buffer.WriteUtf8(((TextContent)contents[++i]).Text);
                }

                buffer.EndBlock(run);
                continue;
            }

            buffer.WriteByte(ContentTag);
            var block = buffer.BeginBlock();
            w.Reset(buffer);
            WriteContent(w, content);
            w.Flush();
            buffer.EndBlock(block);
        }

        buffer.WriteByte(EndOfMessageTag);
    }

    private static bool IsPlainText(AIContent content) => content.GetType() == typeof(TextContent);

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
