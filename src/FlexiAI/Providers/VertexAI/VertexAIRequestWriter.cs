using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Writes a Gemini <c>GenerateContentRequest</c> from MEAI messages and options.</summary>
internal static class VertexAIRequestWriter
{
    public const string SafetySettingsKey = "safetySettings";
    public const string ThinkingBudgetKey = "thinkingBudget";

    public static byte[] Write(string providerName, IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultSafetySettings)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in list)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call)
                {
                    callNames[call.CallId] = call.Name;
                }
            }
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteSystem(w, list);
            w.WriteStartArray("contents");
            string? openRole = null;
            for (var i = 0; i < list.Count; i++)
            {
                var message = list[i];
                if (message.Role == ChatRole.System)
                {
                    continue;
                }

                var role = message.Role == ChatRole.Assistant ? "model" : "user";
                if (role != openRole)
                {
                    // Consecutive messages of one role become one content entry: Gemini expects user and model turns to alternate.
                    if (openRole is not null)
                    {
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }

                    w.WriteStartObject();
                    w.WriteString("role", role);
                    w.WriteStartArray("parts");
                    openRole = role;
                }

                for (var c = 0; c < message.Contents.Count; c++)
                {
                    WritePart(w, providerName, message.Contents[c], callNames, $"messages[{i}].Contents[{c}]");
                }
            }

            if (openRole is not null)
            {
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (options is not null)
            {
                WriteGenerationConfig(w, options);
                WriteTools(w, options);
            }

            WriteSafety(w, options, defaultSafetySettings);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSystem(Utf8JsonWriter w, IReadOnlyList<ChatMessage> messages)
    {
        var system = string.Join("\n\n", messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text).Where(t => t.Length > 0));
        if (system.Length == 0)
        {
            return;
        }

        w.WriteStartObject("systemInstruction");
        w.WriteStartArray("parts");
        w.WriteStartObject();
        w.WriteString("text", system);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter w, string providerName, AIContent content, Dictionary<string, string> callNames, string path)
    {
        switch (content)
        {
            case TextContent text:
                if (text.Text.Length > 0)
                {
                    w.WriteStartObject();
                    w.WriteString("text", text.Text);
                    w.WriteEndObject();
                }

                break;
            case DataContent data:
                w.WriteStartObject();
                w.WriteStartObject("inlineData");
                w.WriteString("mimeType", data.MediaType);
                w.WriteBase64String("data", data.Data.Span);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case UriContent uri:
                w.WriteStartObject();
                w.WriteStartObject("fileData");
                w.WriteString("mimeType", uri.MediaType);
                w.WriteString("fileUri", uri.Uri.ToString());
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case FunctionCallContent call:
                w.WriteStartObject();
                w.WriteStartObject("functionCall");
                w.WriteString("name", call.Name);
                w.WritePropertyName("args");
                JsonSerializer.Serialize(w, call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case FunctionResultContent result:
                w.WriteStartObject();
                w.WriteStartObject("functionResponse");
                w.WriteString("name", callNames.TryGetValue(result.CallId, out var name) ? name : result.CallId);
                w.WritePropertyName("response");
                WriteResult(w, result);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case TextReasoningContent or UsageContent:
                break;
            default:
                throw new RequestValidationException(path, $"Provider '{providerName}' (vertexai) cannot take {content.GetType().Name}; send text, DataContent, UriContent, function calls or function results.");
        }
    }

    private static void WriteResult(Utf8JsonWriter w, FunctionResultContent result)
    {
        var element = result.Exception is { } error
            ? JsonSerializer.SerializeToElement(new Dictionary<string, object?> { ["error"] = error.Message }, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>)))
            : result.Result is JsonElement je ? je : JsonSerializer.SerializeToElement(result.Result, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object)));
        if (element.ValueKind == JsonValueKind.Object)
        {
            element.WriteTo(w);
            return;
        }

        // functionResponse.response must be an object.
        w.WriteStartObject();
        w.WritePropertyName("result");
        element.WriteTo(w);
        w.WriteEndObject();
    }

    private static void WriteGenerationConfig(Utf8JsonWriter w, ChatOptions options)
    {
        w.WriteStartObject("generationConfig");
        if (options.Temperature is { } temperature)
        {
            w.WriteNumber("temperature", temperature);
        }

        if (options.TopP is { } topP)
        {
            w.WriteNumber("topP", topP);
        }

        if (options.TopK is { } topK)
        {
            w.WriteNumber("topK", topK);
        }

        if (options.MaxOutputTokens is { } max)
        {
            w.WriteNumber("maxOutputTokens", max);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            w.WriteStartArray("stopSequences");
            foreach (var stop in stops)
            {
                w.WriteStringValue(stop);
            }

            w.WriteEndArray();
        }

        if (options.PresencePenalty is { } presence)
        {
            w.WriteNumber("presencePenalty", presence);
        }

        if (options.FrequencyPenalty is { } frequency)
        {
            w.WriteNumber("frequencyPenalty", frequency);
        }

        if (options.Seed is { } seed)
        {
            w.WriteNumber("seed", seed);
        }

        if (options.ResponseFormat is ChatResponseFormatJson json)
        {
            w.WriteString("responseMimeType", "application/json");
            if (json.Schema is { } schema)
            {
                w.WritePropertyName("responseJsonSchema");
                schema.WriteTo(w);
            }
        }

        if (options.AdditionalProperties?.TryGetValue(ThinkingBudgetKey, out var budget) == true && budget is not null)
        {
            w.WriteStartObject("thinkingConfig");
            w.WriteNumber("thinkingBudget", Convert.ToInt32(budget, System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, ChatOptions options)
    {
        var functions = options.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
        if (functions.Count == 0)
        {
            return;
        }

        w.WriteStartArray("tools");
        w.WriteStartObject();
        w.WriteStartArray("functionDeclarations");
        foreach (var function in functions)
        {
            w.WriteStartObject();
            w.WriteString("name", function.Name);
            if (!string.IsNullOrEmpty(function.Description))
            {
                w.WriteString("description", function.Description);
            }

            w.WritePropertyName("parametersJsonSchema");
            function.JsonSchema.WriteTo(w);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        var (mode, only) = options.ToolMode switch
        {
            NoneChatToolMode => ("NONE", null),
            RequiredChatToolMode { RequiredFunctionName: { } name } => ("ANY", name),
            RequiredChatToolMode => ("ANY", (string?)null),
            _ => ("AUTO", null),
        };
        w.WriteStartObject("toolConfig");
        w.WriteStartObject("functionCallingConfig");
        w.WriteString("mode", mode);
        if (only is not null)
        {
            w.WriteStartArray("allowedFunctionNames");
            w.WriteStringValue(only);
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSafety(Utf8JsonWriter w, ChatOptions? options, string? defaultSafetySettings)
    {
        object? setting = null;
        if (options?.AdditionalProperties?.TryGetValue(SafetySettingsKey, out var given) == true)
        {
            setting = given;
        }

        setting ??= defaultSafetySettings;
        if (setting is null)
        {
            return;
        }

        w.WritePropertyName("safetySettings");
        switch (setting)
        {
            case string text:
                using (var document = JsonDocument.Parse(text))
                {
                    document.RootElement.WriteTo(w);
                }

                break;
            case JsonElement element:
                element.WriteTo(w);
                break;
            default:
                JsonSerializer.Serialize(w, setting, AIJsonUtilities.DefaultOptions.GetTypeInfo(setting.GetType()));
                break;
        }
    }
}
