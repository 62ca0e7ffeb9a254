using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI.Gateway;

/// <summary>
/// Reads an OpenAI Chat Completions request body into Microsoft.Extensions.AI messages and options. Every refusal names the field
/// (OpenAI's <c>param</c>): unknown fields, wrong types, unsupported values (<c>n</c> other than 1, <c>logprobs</c>, …).
/// </summary>
internal static class ChatCompletionReader
{
    public static ChatCompletionRequest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw GatewayRequestException.Invalid("body", "The request body must be a JSON object with 'model' and 'messages'.");
        }

        string? model = null;
        List<ChatMessage>? messages = null;
        var options = new ChatOptions();
        bool stream = false, includeUsage = false;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "model":
                    model = String(value, "model");
                    break;
                case "messages":
                    messages = ReadMessages(value);
                    break;
                case "stream":
                    stream = Bool(value, "stream") ?? false;
                    break;
                case "stream_options":
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var option in value.EnumerateObject())
                        {
                            includeUsage = option.Name == "include_usage"
                                ? Bool(option.Value, "stream_options.include_usage") ?? false
                                : option.Name == "include_obfuscation" ? includeUsage : throw Unknown("stream_options." + option.Name);
                        }
                    }
                    else if (value.ValueKind != JsonValueKind.Null)
                    {
                        throw Type("stream_options", "an object");
                    }

                    break;
                case "temperature":
                    options.Temperature = Number(value, "temperature", 0, 2);
                    break;
                case "top_p":
                    options.TopP = Number(value, "top_p", 0, 1);
                    break;
                case "frequency_penalty":
                    options.FrequencyPenalty = Number(value, "frequency_penalty", -2, 2);
                    break;
                case "presence_penalty":
                    options.PresencePenalty = Number(value, "presence_penalty", -2, 2);
                    break;
                case "max_tokens" or "max_completion_tokens":
                    options.MaxOutputTokens = Integer(value, property.Name, 1) is int max ? max : options.MaxOutputTokens;
                    break;
                case "seed":
                    options.Seed = value.ValueKind == JsonValueKind.Null ? null : value.TryGetInt64(out var seed) ? seed : throw Type("seed", "an integer");
                    break;
                case "n":
                    if (Integer(value, "n", 1) is int n && n != 1)
                    {
                        throw GatewayRequestException.Invalid("n", $"n = {n} is not supported: the gateway returns one choice per request (n = 1). Send {n} requests instead.");
                    }

                    break;
                case "stop":
                    options.StopSequences = ReadStop(value);
                    break;
                case "tools":
                    options.Tools = ReadTools(value);
                    break;
                case "tool_choice":
                    options.ToolMode = ReadToolChoice(value);
                    break;
                case "parallel_tool_calls":
                    options.AllowMultipleToolCalls = Bool(value, "parallel_tool_calls");
                    break;
                case "response_format":
                    options.ResponseFormat = ReadResponseFormat(value);
                    break;
                case "user" or "safety_identifier" or "prompt_cache_key":
                    _ = value.ValueKind is JsonValueKind.String or JsonValueKind.Null ? 0 : throw Type(property.Name, "a string");
                    break;
                case "metadata" or "store" or "service_tier" or "reasoning_effort" or "verbosity":
                    // Accepted for compatibility and not forwarded: they describe OpenAI-side storage and tiers, not the answer.
                    break;
                case "logprobs" or "top_logprobs" or "logit_bias" or "audio" or "modalities" or "prediction" or "web_search_options" or "functions" or "function_call":
                    if (value.ValueKind is JsonValueKind.Null or JsonValueKind.False)
                    {
                        break;
                    }

                    throw GatewayRequestException.Invalid(property.Name, $"'{property.Name}' is not supported by the FlexiAI gateway (it routes across providers that do not all offer it). Remove it from the request.", "unsupported_parameter");
                default:
                    throw Unknown(property.Name);
            }
        }

        if (model is null)
        {
            throw GatewayRequestException.Invalid("model", "Missing required parameter: 'model' (a route alias such as \"default\", or a model name; GET /v1/models lists them).");
        }

        if (messages is null || messages.Count == 0)
        {
            throw GatewayRequestException.Invalid("messages", "Missing required parameter: 'messages' (a non-empty array of messages).");
        }

        if (options.ToolMode is not null && options.Tools is not { Count: > 0 } && options.ToolMode is not NoneChatToolMode)
        {
            throw GatewayRequestException.Invalid("tool_choice", "'tool_choice' is only allowed when 'tools' are specified.");
        }

        return new ChatCompletionRequest { Model = model, Messages = messages, Options = options, Stream = stream, IncludeUsage = includeUsage };
    }

    private static List<ChatMessage> ReadMessages(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Type("messages", "an array");
        }

        var messages = new List<ChatMessage>(value.GetArrayLength());
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            messages.Add(ReadMessage(item, $"messages[{index++}]"));
        }

        return messages;
    }

    private static ChatMessage ReadMessage(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Type(path, "an object");
        }

        string? role = null, name = null, toolCallId = null;
        JsonElement content = default, toolCalls = default;
        foreach (var property in item.EnumerateObject())
        {
            switch (property.Name)
            {
                case "role":
                    role = String(property.Value, path + ".role");
                    break;
                case "content":
                    content = property.Value;
                    break;
                case "name":
                    name = String(property.Value, path + ".name");
                    break;
                case "tool_call_id":
                    toolCallId = String(property.Value, path + ".tool_call_id");
                    break;
                case "tool_calls":
                    toolCalls = property.Value;
                    break;
                case "refusal" or "audio" or "annotations" or "function_call":
                    break;
                default:
                    throw Unknown($"{path}.{property.Name}");
            }
        }

        var message = new ChatMessage { AuthorName = name };
        switch (role)
        {
            case "system" or "developer":
                message.Role = ChatRole.System;
                ReadContent(content, path + ".content", message.Contents, allowImages: false);
                break;
            case "user":
                message.Role = ChatRole.User;
                ReadContent(content, path + ".content", message.Contents, allowImages: true);
                break;
            case "assistant":
                message.Role = ChatRole.Assistant;
                ReadContent(content, path + ".content", message.Contents, allowImages: false);
                if (toolCalls.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var call in toolCalls.EnumerateArray())
                    {
                        message.Contents.Add(ReadToolCall(call, $"{path}.tool_calls[{index++}]"));
                    }
                }
                else if (toolCalls.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
                {
                    throw Type(path + ".tool_calls", "an array");
                }

                break;
            case "tool":
                message.Role = ChatRole.Tool;
                if (toolCallId is null)
                {
                    throw GatewayRequestException.Invalid(path + ".tool_call_id", $"Missing required parameter: '{path}.tool_call_id' (messages with role 'tool' answer a tool call by its id).");
                }

                var parts = new List<AIContent>();
                ReadContent(content, path + ".content", parts, allowImages: false);
                message.Contents.Add(new FunctionResultContent(toolCallId, string.Concat(parts.OfType<TextContent>().Select(t => t.Text))));
                break;
            case null:
                throw GatewayRequestException.Invalid(path + ".role", $"Missing required parameter: '{path}.role' (system, developer, user, assistant or tool).");
            default:
                throw GatewayRequestException.Invalid(path + ".role", $"Invalid value: '{role}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
        }

        return message;
    }

    private static void ReadContent(JsonElement content, string path, IList<AIContent> into, bool allowImages)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return;
            case JsonValueKind.String:
                into.Add(new TextContent(content.GetString()));
                return;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var part in content.EnumerateArray())
                {
                    into.Add(ReadPart(part, $"{path}[{index++}]", allowImages));
                }

                return;
            default:
                throw Type(path, "a string or an array of content parts");
        }
    }

    private static AIContent ReadPart(JsonElement part, string path, bool allowImages)
    {
        if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw GatewayRequestException.Invalid(path + ".type", $"Missing required parameter: '{path}.type' (\"text\" or \"image_url\").");
        }

        var type = typeElement.GetString();
        if (type == "text")
        {
            return part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? new TextContent(text.GetString())
                : throw GatewayRequestException.Invalid(path + ".text", $"Missing required parameter: '{path}.text'.");
        }

        if (type == "image_url" && allowImages)
        {
            if (!part.TryGetProperty("image_url", out var image) || image.ValueKind != JsonValueKind.Object
                || !image.TryGetProperty("url", out var urlElement) || urlElement.GetString() is not { Length: > 0 } url)
            {
                throw GatewayRequestException.Invalid(path + ".image_url.url", $"Missing required parameter: '{path}.image_url.url'.");
            }

            if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    return new DataContent(url);
                }
                catch (FormatException)
                {
                    throw GatewayRequestException.Invalid(path + ".image_url.url", "Invalid image data URL: expected data:image/png;base64,… (a media type and base64 data).");
                }
            }

            return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? new UriContent(uri, ImageMediaType(uri))
                : throw GatewayRequestException.Invalid(path + ".image_url.url", "Invalid image URL: expected an http(s) URL or a data: URL.");
        }

        throw GatewayRequestException.Invalid(path + ".type", $"Invalid content part type '{type}' here; supported: \"text\"{(allowImages ? " and \"image_url\"" : string.Empty)}.");
    }

    private static string ImageMediaType(Uri uri) => Path.GetExtension(uri.AbsolutePath).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        _ => "image/jpeg",
    };

    private static FunctionCallContent ReadToolCall(JsonElement call, string path)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            throw Type(path, "an object");
        }

        var id = call.TryGetProperty("id", out var idElement) ? idElement.GetString() : null;
        if (id is null || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
            || !function.TryGetProperty("name", out var nameElement) || nameElement.GetString() is not { Length: > 0 } name)
        {
            throw GatewayRequestException.Invalid(path, $"'{path}' needs an 'id' and a 'function' with a 'name'.");
        }

        IDictionary<string, object?>? arguments = null;
        if (function.TryGetProperty("arguments", out var argumentsElement) && argumentsElement.GetString() is { Length: > 0 } json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                arguments = document.RootElement.ValueKind == JsonValueKind.Object
                    ? document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
                    : throw GatewayRequestException.Invalid(path + ".function.arguments", "The arguments must be a JSON object (as a string).");
            }
            catch (JsonException)
            {
                throw GatewayRequestException.Invalid(path + ".function.arguments", "The arguments are not valid JSON (a JSON object as a string).");
            }
        }

        return new FunctionCallContent(id, name, arguments);
    }

    private static List<AITool> ReadTools(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Type("tools", "an array");
        }

        var tools = new List<AITool>();
        var index = 0;
        foreach (var tool in value.EnumerateArray())
        {
            var path = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || type.GetString() != "function")
            {
                throw GatewayRequestException.Invalid(path + ".type", $"'{path}.type' must be \"function\".");
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.GetString() is not { Length: > 0 } functionName)
            {
                throw GatewayRequestException.Invalid(path + ".function.name", $"Missing required parameter: '{path}.function.name'.");
            }

            var description = function.TryGetProperty("description", out var d) ? d.GetString() : null;
            var schema = function.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                ? p.Clone()
                : JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}").RootElement.Clone();
            tools.Add(AIFunctionFactory.CreateDeclaration(functionName, description, schema));
        }

        return tools;
    }

    private static ChatToolMode? ReadToolChoice(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return value.GetString() switch
                {
                    "auto" => ChatToolMode.Auto,
                    "none" => ChatToolMode.None,
                    "required" => ChatToolMode.RequireAny,
                    var other => throw GatewayRequestException.Invalid("tool_choice", $"Invalid value: '{other}'. Supported values are: 'none', 'auto', 'required', or {{\"type\": \"function\", \"function\": {{\"name\": …}}}}."),
                };
            case JsonValueKind.Object when value.TryGetProperty("function", out var function) && function.TryGetProperty("name", out var name) && name.GetString() is { Length: > 0 } n:
                return ChatToolMode.RequireSpecific(n);
            default:
                throw GatewayRequestException.Invalid("tool_choice", "Invalid 'tool_choice': expected 'none', 'auto', 'required', or {\"type\": \"function\", \"function\": {\"name\": …}}.");
        }
    }

    private static ChatResponseFormat? ReadResponseFormat(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                if (!value.TryGetProperty("json_schema", out var spec) || spec.ValueKind != JsonValueKind.Object
                    || !spec.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
                {
                    throw GatewayRequestException.Invalid("response_format.json_schema.schema", "Missing required parameter: 'response_format.json_schema.schema' (a JSON Schema object).");
                }

                var name = spec.TryGetProperty("name", out var n) ? n.GetString() : null;
                var description = spec.TryGetProperty("description", out var d) ? d.GetString() : null;
                return ChatResponseFormat.ForJsonSchema(schema.Clone(), name, description);
            default:
                throw GatewayRequestException.Invalid("response_format.type", "Invalid 'response_format.type': expected 'text', 'json_object' or 'json_schema'.");
        }
    }

    private static List<string>? ReadStop(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return [value.GetString()!];
            case JsonValueKind.Array:
                var stops = new List<string>();
                foreach (var stop in value.EnumerateArray())
                {
                    stops.Add(stop.ValueKind == JsonValueKind.String ? stop.GetString()! : throw Type("stop", "a string or an array of strings"));
                }

                return stops.Count <= 4 ? stops : throw GatewayRequestException.Invalid("stop", "'stop' takes at most 4 sequences.");
            default:
                throw Type("stop", "a string or an array of strings");
        }
    }

    private static string? String(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => throw Type(path, "a string"),
    };

    private static bool? Bool(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => throw Type(path, "a boolean"),
    };

    private static float? Number(JsonElement value, string path, double min, double max)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw Type(path, "a number");
        }

        return number >= min && number <= max
            ? (float)number
            : throw GatewayRequestException.Invalid(path, $"Invalid '{path}': {number} is out of range; expected a number from {min} to {max}.", "decimal_out_of_range");
    }

    private static int? Integer(JsonElement value, string path, int min)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw Type(path, "an integer");
        }

        return number >= min ? number : throw GatewayRequestException.Invalid(path, $"Invalid '{path}': {number} is below the minimum of {min}.", "integer_below_min_value");
    }

    private static GatewayRequestException Type(string path, string expected) =>
        GatewayRequestException.Invalid(path, $"Invalid type for '{path}': expected {expected}.", "invalid_type");

    private static GatewayRequestException Unknown(string path) =>
        GatewayRequestException.Invalid(path, $"Unrecognized request argument supplied: {path}", "unknown_parameter");
}
