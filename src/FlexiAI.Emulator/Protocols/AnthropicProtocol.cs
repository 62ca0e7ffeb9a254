using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>Anthropic Messages, faithful to <c>POST /v1/messages</c> (JSON and the SSE event sequence) and <c>GET /v1/models</c>.</summary>
internal sealed class AnthropicProtocol : ProtocolHandler
{
    public override string? RequestIdHeader => "request-id";

    public override string MalformedFrame => "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"oops\"\n\n";

    public override Operation? Match(string method, string path, IQueryCollection query, out string? model)
    {
        model = null;
        if (method == "POST" && path == "/v1/messages")
        {
            return Operation.Chat;
        }

        if (method == "POST" && path == "/v1/messages/count_tokens")
        {
            return Operation.CountTokens;
        }

        return MatchModels(method, path, out model);
    }

    public override (int Status, string Message)? Authenticate(HttpRequest request, EmulatedInstance instance)
    {
        var key = request.Headers["x-api-key"].ToString();
        if (string.IsNullOrEmpty(key))
        {
            key = Bearer(request) ?? string.Empty;
        }

        if (string.IsNullOrEmpty(key))
        {
            return (401, "x-api-key header is required");
        }

        if (instance.Options.ApiKey is { } expected && key != expected)
        {
            return (401, "invalid x-api-key");
        }

        if (string.IsNullOrEmpty(request.Headers["anthropic-version"].ToString()))
        {
            return (400, "anthropic-version: header is required");
        }

        return null;
    }

    public override (int Status, string Message)? Parse(JsonNode? body, string? pathModel, IQueryCollection query, out EmulatedRequest request)
    {
        request = new EmulatedRequest();
        if (body is not JsonObject json)
        {
            return (400, "There was an issue with your request body: the body must be a JSON object.");
        }

        if (json["model"]?.GetValue<string>() is not { Length: > 0 } model)
        {
            return (400, "model: Field required");
        }

        request.Model = model;
        if (json["max_tokens"] is null)
        {
            return (400, "max_tokens: Field required");
        }

        request.MaxTokens = json["max_tokens"]!.GetValue<int>();
        if (request.MaxTokens < 1)
        {
            return (400, "max_tokens: Input should be greater than or equal to 1");
        }

        if (json["messages"] is not JsonArray messages || messages.Count == 0)
        {
            return (400, "messages: at least one message is required");
        }

        var chars = ReplyEngine.TextOf(json["system"]).Length;
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            var role = message?["role"]?.GetValue<string>() ?? "user";
            if (role is not ("user" or "assistant"))
            {
                return (400, $"messages: Unexpected role \"{role}\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.");
            }

            var content = message?["content"];
            var results = 0;
            if (content is JsonArray blocks)
            {
                foreach (var block in blocks)
                {
                    var type = block?["type"]?.GetValue<string>();
                    if (type == "tool_use" && block?["id"]?.GetValue<string>() is { } id && block["name"]?.GetValue<string>() is { } name)
                    {
                        toolNames[id] = name;
                    }
                    else if (type == "tool_result")
                    {
                        var result = ReplyEngine.TextOf(block?["content"]);
                        chars += result.Length;
                        var useId = block?["tool_use_id"]?.GetValue<string>() ?? string.Empty;
                        request.Turns.Add(new ChatTurn("user", result, toolNames.GetValueOrDefault(useId), result));
                        results++;
                    }
                }
            }

            var text = ReplyEngine.TextOf(content);
            chars += text.Length;
            if (text.Length > 0 || results == 0)
            {
                request.Turns.Add(new ChatTurn(role, text));
            }
        }

        request.PromptCharacters = chars;
        request.Stream = json["stream"]?.GetValue<bool>() ?? false;
        if (json["tools"] is JsonArray tools)
        {
            foreach (var tool in tools)
            {
                if (tool?["name"]?.GetValue<string>() is { } name)
                {
                    request.Tools.Add(new ToolSpec(name, tool["input_schema"]));
                }
            }
        }

        if (json["output_config"]?["format"] is JsonObject format)
        {
            // Structured output: output_config.format {type: "json_schema", schema}; the reply is JSON text following the schema.
            if (format["type"]?.GetValue<string>() != "json_schema" || format["schema"] is not JsonObject schema)
            {
                return (400, "output_config.format: Input tag does not match the expected tag 'json_schema', or 'schema' is missing.");
            }

            request.Json = true;
            request.Schema = schema;
        }

        switch (json["tool_choice"]?["type"]?.GetValue<string>())
        {
            case "any":
                request.ForcedTool = "*";
                break;
            case "tool":
                request.ForcedTool = json["tool_choice"]?["name"]?.GetValue<string>();
                break;
            case "none":
                request.ToolsDisabled = true;
                break;
        }

        return null;
    }

    public override string ErrorBody(int status, string? message, string requestId)
    {
        var (type, text) = status switch
        {
            400 => ("invalid_request_error", "Invalid request."),
            401 => ("authentication_error", "invalid x-api-key"),
            402 => ("billing_error", "Your credit balance is too low to access the Anthropic API."),
            403 => ("permission_error", "Your API key does not have permission to use the specified resource."),
            404 => ("not_found_error", "The requested resource could not be found."),
            413 => ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
            429 => ("rate_limit_error", "This request would exceed the rate limit for your organization. Please try again later."),
            504 => ("timeout_error", "Request timed out."),
            529 => ("overloaded_error", "Overloaded"),
            _ when status >= 500 => ("api_error", "Internal server error"),
            _ => ("invalid_request_error", "Invalid request."),
        };
        return new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message ?? text },
            ["request_id"] = requestId,
        }.ToJsonString(Wire.Options);
    }

    public override string Response(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        var content = reply.IsToolCall
            ? new JsonArray([.. reply.ToolCalls.Select(call => (JsonNode)new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = JsonNode.Parse(call.Arguments) })])
            : new JsonArray(new JsonObject { ["type"] = "text", ["text"] = reply.Text });
        return new JsonObject
        {
            ["id"] = Id(reply),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = request.Model,
            ["content"] = content,
            ["stop_reason"] = StopReason(reply),
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = reply.PromptTokens,
                ["cache_creation_input_tokens"] = 0,
                ["cache_read_input_tokens"] = 0,
                ["output_tokens"] = reply.CompletionTokens,
                ["service_tier"] = "standard",
            },
        }.ToJsonString(Wire.Options);
    }

    public override StreamFrames Stream(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        static string Event(string name, JsonObject data) => $"event: {name}\ndata: {data.ToJsonString(Wire.Options)}\n\n";
        var head = new List<string>
        {
            Event("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = Id(reply),
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["model"] = request.Model,
                    ["content"] = new JsonArray(),
                    ["stop_reason"] = null,
                    ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = reply.PromptTokens, ["cache_creation_input_tokens"] = 0, ["cache_read_input_tokens"] = 0, ["output_tokens"] = 1, ["service_tier"] = "standard" },
                },
            }),
        };
        var content = new List<string>();
        if (reply.IsToolCall)
        {
            // Like the API: one tool_use block per call (index 0, 1, …): content_block_start with an empty input, an empty
            // input_json_delta, the argument fragments as input_json_delta, content_block_stop. The first block opens in the head.
            for (var index = 0; index < reply.ToolCalls.Count; index++)
            {
                var call = reply.ToolCalls[index];
                var start = Event("content_block_start", new JsonObject
                {
                    ["type"] = "content_block_start",
                    ["index"] = index,
                    ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = new JsonObject() },
                });
                if (index == 0)
                {
                    head.Add(start);
                    head.Add(Event("ping", new JsonObject { ["type"] = "ping" }));
                }
                else
                {
                    content.Add(Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index - 1 }));
                    content.Add(start);
                }

                foreach (var fragment in call.Chunks.Prepend(string.Empty))
                {
                    content.Add(Event("content_block_delta", new JsonObject
                    {
                        ["type"] = "content_block_delta",
                        ["index"] = index,
                        ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = fragment },
                    }));
                }
            }
        }
        else
        {
            head.Add(Event("content_block_start", new JsonObject
            {
                ["type"] = "content_block_start",
                ["index"] = 0,
                ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty },
            }));
            head.Add(Event("ping", new JsonObject { ["type"] = "ping" }));
            content.AddRange(reply.Chunks.Select(fragment => Event("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = 0,
                ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = fragment },
            })));
        }

        var tail = new List<string>
        {
            Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = Math.Max(0, reply.ToolCalls.Count - 1) }),
            Event("message_delta", new JsonObject
            {
                ["type"] = "message_delta",
                ["delta"] = new JsonObject { ["stop_reason"] = StopReason(reply), ["stop_sequence"] = null },
                ["usage"] = new JsonObject { ["output_tokens"] = reply.CompletionTokens },
            }),
            Event("message_stop", new JsonObject { ["type"] = "message_stop" }),
        };
        return new StreamFrames(head, content, tail);
    }

    public override string StreamErrorFrame(int status, string? message, string requestId)
    {
        var body = JsonNode.Parse(ErrorBody(status, message, requestId))!.AsObject();
        body.Remove("request_id");
        return $"event: error\ndata: {body.ToJsonString(Wire.Options)}\n\n";
    }

    public override string Models(DateTimeOffset now, string? model)
    {
        static JsonObject Model(string id) => new() { ["type"] = "model", ["id"] = id, ["display_name"] = id, ["created_at"] = "2025-05-14T00:00:00Z" };
        if (model is not null)
        {
            return Model(model).ToJsonString(Wire.Options);
        }

        string[] ids = ["claude-sonnet-5-5", "claude-haiku-5-5", "claude-sonnet-4-5", "claude-opus-4-1", "claude-3-5-haiku-latest"];
        return new JsonObject
        {
            ["data"] = new JsonArray([.. ids.Select(Model)]),
            ["has_more"] = false,
            ["first_id"] = ids[0],
            ["last_id"] = ids[^1],
        }.ToJsonString(Wire.Options);
    }

    public override string CountTokens(EmulatedRequest request) =>
        new JsonObject { ["input_tokens"] = Math.Max(1, (request.PromptCharacters + 3) / 4 + (request.Turns.Count * 4)) }.ToJsonString(Wire.Options);

    private static string Id(EmulatedReply reply) => $"msg_emu{reply.Sequence:D6}";

    private static string StopReason(EmulatedReply reply) => reply.IsToolCall ? "tool_use" : reply.Truncated ? "max_tokens" : "end_turn";
}
