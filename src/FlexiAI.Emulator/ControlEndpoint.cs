using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>
/// The out-of-process fault API under <c>/_emulator</c>: list instances, script and clear faults, read and clear journals.
/// See docs/emulator.md, "Control endpoint".
/// </summary>
internal sealed class ControlEndpoint
{
    private readonly Dictionary<string, EmulatedInstance> _instances;

    public ControlEndpoint(IEnumerable<EmulatedInstance> instances) =>
        _instances = instances.ToDictionary(i => i.Name, StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext context, string path)
    {
        var method = context.Request.Method;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            if (parts.Length == 0 && method == "GET")
            {
                await WriteAsync(context, 200, new JsonObject { ["instances"] = new JsonArray([.. _instances.Values.Select(Describe)]) }).ConfigureAwait(false);
                return;
            }

            if (parts.Length == 1 && parts[0] == "reset" && method == "POST")
            {
                foreach (var instance in _instances.Values)
                {
                    instance.Faults.Clear();
                    instance.Journal.Clear();
                }

                await WriteAsync(context, 200, new JsonObject { ["reset"] = true }).ConfigureAwait(false);
                return;
            }

            if (parts.Length != 2 || !_instances.TryGetValue(parts[0], out var target))
            {
                await WriteAsync(context, 404, Error($"Unknown control path '{path}'. Use GET /_emulator, POST /_emulator/reset, POST|DELETE /_emulator/NAME/faults, GET|DELETE /_emulator/NAME/journal; instances: {string.Join(", ", _instances.Keys)}.")).ConfigureAwait(false);
                return;
            }

            switch (parts[1], method)
            {
                case ("faults", "POST"):
                    string text;
                    using (var reader = new StreamReader(context.Request.Body))
                    {
                        text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
                    }

                    FaultRequest.Parse(text).ApplyTo(target.Faults);
                    await WriteAsync(context, 200, Describe(target)).ConfigureAwait(false);
                    return;
                case ("faults", "DELETE"):
                    target.Faults.Clear();
                    await WriteAsync(context, 200, Describe(target)).ConfigureAwait(false);
                    return;
                case ("journal", "GET"):
                    var entries = new JsonArray();
                    foreach (var entry in target.Journal.Entries)
                    {
                        var headers = new JsonObject();
                        foreach (var (name, value) in entry.Headers)
                        {
                            headers[name] = value;
                        }

                        entries.Add(new JsonObject
                        {
                            ["timestamp"] = entry.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                            ["method"] = entry.Method,
                            ["path"] = entry.Path,
                            ["query"] = entry.Query,
                            ["headers"] = headers,
                            ["body"] = entry.Body,
                        });
                    }

                    await WriteAsync(context, 200, new JsonObject { ["count"] = target.Journal.Count, ["entries"] = entries }).ConfigureAwait(false);
                    return;
                case ("journal", "DELETE"):
                    target.Journal.Clear();
                    await WriteAsync(context, 200, Describe(target)).ConfigureAwait(false);
                    return;
                default:
                    await WriteAsync(context, 405, Error($"{method} is not supported on /_emulator/{parts[0]}/{parts[1]}.")).ConfigureAwait(false);
                    return;
            }
        }
        catch (FormatException ex)
        {
            await WriteAsync(context, 400, Error(ex.Message)).ConfigureAwait(false);
        }
    }

    private static JsonObject Describe(EmulatedInstance instance) => new()
    {
        ["name"] = instance.Name,
        ["kind"] = instance.Kind.ToString().ToLowerInvariant(),
        ["base_url"] = instance.BaseUrl.ToString(),
        ["requests"] = instance.Journal.Count,
        ["faults_injected"] = instance.Faults.Injected,
    };

    private static JsonObject Error(string message) => new() { ["error"] = message };

    private static Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(Wire.Options), context.RequestAborted);
    }
}
