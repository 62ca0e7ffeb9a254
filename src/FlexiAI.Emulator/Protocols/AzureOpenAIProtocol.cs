using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>
/// Azure OpenAI: the classic deployments API (<c>/openai/deployments/{deployment}/chat/completions?api-version=…</c>) and the
/// OpenAI-compatible <c>v1</c> API (<c>/openai/v1/chat/completions</c>, <c>/openai/v1/models</c>); <c>api-key</c> header or an Entra ID
/// bearer token; Azure's error bodies (content filter, deployment not found). Requests and answers are OpenAI's.
/// </summary>
internal sealed class AzureOpenAIProtocol(EmulatedInstanceOptions options) : ProtocolHandler
{
    /// <summary>The message of Azure's content-filter error; a <see cref="Fault.Status"/> 400 with it gets Azure's full content-filter body.</summary>
    public const string ContentFilterMessage =
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";

    private const string DeploymentsPrefix = "/openai/deployments/";
    private static readonly OpenAIProtocol OpenAI = new();

    public override string? RequestIdHeader => "apim-request-id";

    public override string MalformedFrame => OpenAI.MalformedFrame;

    public override Operation? Match(string method, string path, IQueryCollection query, out string? model)
    {
        model = null;
        if (method == "POST" && path == "/openai/v1/chat/completions")
        {
            return Operation.Chat;
        }

        if (method == "GET" && path == "/openai/v1/models")
        {
            return Operation.ListModels;
        }

        if (method == "POST" && path.StartsWith(DeploymentsPrefix, StringComparison.Ordinal) && path.EndsWith("/chat/completions", StringComparison.Ordinal)
            && !string.IsNullOrEmpty(query["api-version"]))
        {
            model = Uri.UnescapeDataString(path[DeploymentsPrefix.Length..^"/chat/completions".Length]);
            return model.Length == 0 || model.Contains('/', StringComparison.Ordinal) ? null : Operation.Chat;
        }

        return null;
    }

    public override (int Status, string Message)? Authenticate(HttpRequest request, EmulatedInstance instance)
    {
        var key = request.Headers["api-key"].ToString();
        var bearer = Bearer(request);
        if (string.IsNullOrEmpty(key) && string.IsNullOrEmpty(bearer))
        {
            return (401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
        }

        if (!string.IsNullOrEmpty(key))
        {
            return options.ApiKey is { } expected && key != expected
                ? (401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.")
                : null;
        }

        return options.BearerToken is { } token && bearer != token
            ? (401, "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.")
            : null;
    }

    public override (int Status, string Message)? Parse(JsonNode? body, string? pathModel, IQueryCollection query, out EmulatedRequest request)
    {
        if (body is JsonObject json && pathModel is not null && json["model"] is null)
        {
            // The classic API names the deployment in the path; the body's model is optional.
            json["model"] = pathModel;
        }

        if (OpenAI.Parse(body, pathModel, query, out request) is { } invalid)
        {
            return invalid;
        }

        var deployment = pathModel ?? request.Model;
        request.Model = deployment;
        if (options.Models.Count > 0 && !options.Models.Contains(deployment, StringComparer.Ordinal))
        {
            return (404, "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.");
        }

        if (request.LastUserText.Contains(ReplyEngine.FilterMarker, StringComparison.OrdinalIgnoreCase))
        {
            return (400, ContentFilterMessage);
        }

        return null;
    }

    public override string ErrorBody(int status, string? message, string requestId)
    {
        if (status == 400 && message == ContentFilterMessage)
        {
            var filtered = new JsonObject { ["filtered"] = true, ["severity"] = "high" };
            var safe = new JsonObject { ["filtered"] = false, ["severity"] = "safe" };
            return new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["message"] = message,
                    ["type"] = null,
                    ["param"] = "prompt",
                    ["code"] = "content_filter",
                    ["status"] = 400,
                    ["innererror"] = new JsonObject
                    {
                        ["code"] = "ResponsibleAIPolicyViolation",
                        ["content_filter_result"] = new JsonObject
                        {
                            ["hate"] = safe.DeepClone(),
                            ["jailbreak"] = new JsonObject { ["filtered"] = false, ["detected"] = false },
                            ["self_harm"] = safe.DeepClone(),
                            ["sexual"] = safe.DeepClone(),
                            ["violence"] = filtered,
                        },
                    },
                },
            }.ToJsonString(Wire.Options);
        }

        var code = status switch
        {
            401 => "401",
            404 when message?.StartsWith("The API deployment", StringComparison.Ordinal) == true => "DeploymentNotFound",
            404 => "404",
            429 => "429",
            _ => null,
        };
        if (code is null)
        {
            return OpenAI.ErrorBody(status, message, requestId);
        }

        var text = message ?? (status == 429
            ? "Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded call rate limit of your current tier. Please retry after 1 second."
            : "Resource not found");
        return new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = text } }.ToJsonString(Wire.Options);
    }

    public override string Response(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now)
    {
        var response = JsonNode.Parse(OpenAI.Response(reply, request, now))!.AsObject();
        response["prompt_filter_results"] = new JsonArray(new JsonObject { ["prompt_index"] = 0, ["content_filter_results"] = new JsonObject() });
        return response.ToJsonString(Wire.Options);
    }

    public override StreamFrames Stream(EmulatedReply reply, EmulatedRequest request, DateTimeOffset now) => OpenAI.Stream(reply, request, now);

    public override string StreamErrorFrame(int status, string? message, string requestId) => $"data: {ErrorBody(status, message, requestId)}\n\n";

    public override string Models(DateTimeOffset now, string? model) => OpenAI.Models(now, model);
}
