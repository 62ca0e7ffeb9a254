using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>OpenAI Chat Completions, faithful to <c>POST /v1/chat/completions</c> and <c>GET /v1/models</c>.</summary>
internal sealed class OpenAIProtocol : ProtocolHandler
{
    public override string? RequestIdHeader => "x-request-id";

    public override string MalformedFrame => "data: {\"id\":\"chatcmpl-broken\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":\"oops\"\n\n";

    public override Operation? Match(string method, string path, IQueryCollection query, out string? model)
    {
        model = null;
        if (method == "POST" && path == "/v1/chat/completions")
        {
            return Operation.Chat;
        }

        return MatchModels(method, path, out model);
    }

    public override (int Status, string Message)? Authenticate(HttpRequest request, EmulatedInstance instance)
    {
        var key = Bearer(request);
        if (string.IsNullOrEmpty(key))
        {
            return (401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
        }

        if (instance.Options.ApiKey is { } expected && key != expected)
        {
            return (401, $"Incorrect API key provided: {Mask(key)}. You can find your API key at https://platform.openai.com/account/api-keys.");
        }

        return null;
    }

    public override (int Status, string Message)? Parse(JsonNode? body, string? pathModel, IQueryCollection query, out EmulatedRequest request)
    {
        request = new EmulatedRequest();
        if (body is not JsonObject json)
        {
            return (400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)");
        }

        if (json["model"]?.GetValue<string>() is not { Length: > 0 } model)
        {
            return (400, "you must provide a model parameter");
        }

        request.Model = model;
        if (json["messages"] is not JsonArray messages || messages.Count == 0)
        {
            return (400, "[] is too short - 'messages'");
        }

        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var chars = 0;
        foreach (var message in messages)
        {
            var role = message?["role"]?.GetValue<string>() ?? "user";
            var text = ReplyEngine.TextOf(message?["content"]);
            chars += text.Length;
            if (message?["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    if (call?["id"]?.GetValue<string>() is { } id && call["function"]?["name"]?.GetValue<string>() is { } name)
                    {
                        toolNames[id] = name;
                    }
                }
            }

            if (role == "tool")
            {
                var id = message?["tool_call_id"]?.GetValue<string>();
                if (id is null)
                {
                    return (400, "Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.");
                }

                request.Turns.Add(new ChatTurn("user", text, toolNames.GetValueOrDefault(id), text));
            }
            else
            {
                request.Turns.Add(new ChatTurn(role is "developer" or "system" ? "system" : role, text));
            }
        }

        request.PromptCharacters = chars;
        request.MaxTokens = json["max_completion_tokens"]?.GetValue<int>() ?? json["max_tokens"]?.GetValue<int>();
        request.Stream = json["stream"]?.GetValue<bool>() ?? false;
        request.IncludeUsage = json["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false;
        var format = json["response_format"];
        var formatType = format?["type"]?.GetValue<string>();
        request.Json = formatType is "json_object" or "json_schema";
        request.Schema = format?["json_schema"]?["schema"];
        if (json["tools"] is JsonArray tools)
        {
            foreach (var tool in tools)
            {
                if (tool?["function"]?["name"]?.GetValue<string>() is { } name)
                {
                    request.Tools.Add(new ToolSpec(name, tool["function"]?["parameters"]));
                }
            }
        }

        switch (json["tool_choice"])
        {
            case JsonValue v when v.TryGetValue<string>(out var choice):
                request.ToolsDisabled = choice == "none";
                request.ForcedTool = choice == "required" ? "*" : null;
                break;
            case JsonObject o:
                request.ForcedTool = o["function"]?["name"]?.GetValue<string>();
                break;
        }

        return null;
    }

    public override string ErrorBody(int status, string? message, string requestId)
    {
        var (type, code, text) = status switch
        {
            400 => ("invalid_request_error", (string?)null, "Invalid request."),
            401 => ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
            403 => ("invalid_request_error", "unsupported_country_region_territory", "Country, region, or territory not supported"),
            404 => ("invalid_request_error", "model_not_found", "The model does not exist or you do not have access to it."),
            429 => ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again later."),
            503 => ("server_error", null, "The engine is currently overloaded, please try again later"),
            _ when status >= 500 => ("server_error", null, "The server had an error while processing your request. Sorry about that!"),
            _ => ("invalid_request_error", null, "Request failed."),
        };
        var error = new JsonObject { ["message"] = message ?? text, ["type"] = type, ["param"] = null, ["code"] = code };
        return new JsonObject { ["error"] = error }.ToJsonString(Wire.Options);
    }

    public override string Response(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.IsToolCall ? null : reply.Text, ["refusal"] = null, ["annotations"] = new JsonArray() };
        if (reply.IsToolCall)
        {
            message["tool_calls"] = new JsonArray([.. reply.ToolCalls.Select(call => (JsonNode)new JsonObject
            {
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
            })]);
        }

        var response = new JsonObject
        {
            ["id"] = Id(reply),
            ["object"] = "chat.completion",
            ["created"] = now.ToUnixTimeSeconds(),
            ["model"] = request.Model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = FinishReason(reply) }),
            ["usage"] = Usage(reply),
            ["service_tier"] = "default",
            ["system_fingerprint"] = "fp_emulator",
        };
        return response.ToJsonString(Wire.Options);
    }

    public override StreamFrames Stream(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        JsonObject Chunk(JsonObject delta, string? finish)
        {
            var chunk = new JsonObject
            {
                ["id"] = Id(reply),
                ["object"] = "chat.completion.chunk",
                ["created"] = now.ToUnixTimeSeconds(),
                ["model"] = request.Model,
                ["service_tier"] = "default",
                ["system_fingerprint"] = "fp_emulator",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish }),
            };
            if (request.IncludeUsage)
            {
                chunk["usage"] = null;
            }

            return chunk;
        }

        var head = new List<string>();
        var content = new List<string>();
        if (reply.IsToolCall)
        {
            // Like the API: each call opens with its index, id, type and name (arguments ""), then its arguments stream as
            // fragments under the same index; parallel calls follow one another in order.
            static JsonObject Opening(int index, EmulatedToolCall call) => new()
            {
                ["index"] = index,
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = string.Empty },
            };

            for (var index = 0; index < reply.ToolCalls.Count; index++)
            {
                var call = reply.ToolCalls[index];
                if (index == 0)
                {
                    head.Add(Data(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(Opening(0, call)), ["refusal"] = null }, null)));
                }
                else
                {
                    content.Add(Data(Chunk(new JsonObject { ["tool_calls"] = new JsonArray(Opening(index, call)) }, null)));
                }

                foreach (var fragment in call.Chunks)
                {
                    content.Add(Data(Chunk(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = fragment } }) }, null)));
                }
            }
        }
        else
        {
            head.Add(Data(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty, ["refusal"] = null }, null)));
            foreach (var fragment in reply.Chunks)
            {
                content.Add(Data(Chunk(new JsonObject { ["content"] = fragment }, null)));
            }
        }

        var tail = new List<string> { Data(Chunk(new JsonObject(), FinishReason(reply))) };
        if (request.IncludeUsage)
        {
            var last = Chunk(new JsonObject(), null);
            last["choices"] = new JsonArray();
            last["usage"] = Usage(reply);
            tail.Add(Data(last));
        }

        tail.Add("data: [DONE]\n\n");
        return new StreamFrames(head, content, tail);
    }

    public override string StreamErrorFrame(int status, string? message, string requestId) => $"data: {ErrorBody(status, message, requestId)}\n\n";

    public override string Models(DateTimeOffset now, string? model)
    {
        static JsonObject Model(string id) => new() { ["id"] = id, ["object"] = "model", ["created"] = 1_700_000_000, ["owned_by"] = "flexiai-emulator" };
        if (model is not null)
        {
            return Model(model).ToJsonString(Wire.Options);
        }

        return new JsonObject { ["object"] = "list", ["data"] = new JsonArray(Model("gpt-5.4"), Model("gpt-5.4-mini"), Model("gpt-4.1"), Model("gpt-4.1-mini"), Model("gpt-4o"), Model("gpt-4o-mini")) }.ToJsonString(Wire.Options);
    }

    private static string Id(EmulatedReply reply) => $"chatcmpl-emu{reply.Sequence:D6}";

    private static string FinishReason(EmulatedReply reply) => reply.IsToolCall ? "tool_calls" : reply.Truncated ? "length" : "stop";

    private static JsonObject Usage(EmulatedReply reply) => new()
    {
        ["prompt_tokens"] = reply.PromptTokens,
        ["completion_tokens"] = reply.CompletionTokens,
        ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 0, ["audio_tokens"] = 0 },
        ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0, ["audio_tokens"] = 0, ["accepted_prediction_tokens"] = 0, ["rejected_prediction_tokens"] = 0 },
    };
}
