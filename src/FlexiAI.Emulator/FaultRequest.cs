using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexiAI.Emulator;

/// <summary>
/// A validated <c>POST /_emulator/NAME/faults</c> body: the fault, and how often it strikes (next <c>count</c>, a seeded
/// <c>ratio</c>, or <c>always</c>). Every field is checked for its JSON type, its range and whether it applies to the
/// kind; a bad body throws <see cref="FormatException"/> with a message naming the field and what it accepts.
/// </summary>
internal sealed class FaultRequest
{
    /// <summary>The largest <c>count</c> (the fault is stored once with its count, so this bounds intent, not memory).</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>The largest <c>retry_after</c>, in seconds (one day).</summary>
    public const double MaxRetryAfterSeconds = 86_400;

    /// <summary>The largest <c>retry_after_ms</c> (one day).</summary>
    public const double MaxRetryAfterMilliseconds = 86_400_000;

    /// <summary>The largest <c>latency_ms</c> (one hour; use <c>stall</c> for "never answers").</summary>
    public const double MaxLatencyMilliseconds = 3_600_000;

    /// <summary>The largest <c>after_chunks</c>.</summary>
    public const int MaxAfterChunks = 100_000;

    /// <summary>The longest <c>message</c>, in characters.</summary>
    public const int MaxMessageLength = 4_096;

    private const string Example = "{\"kind\":\"status\",\"status\":503,\"count\":2}";
    private const string Kinds = "status, reset, latency, stall, truncate, malformed or stream_error";
    private static readonly string[] ModeFields = ["count", "ratio", "seed", "always"];
    private static readonly Dictionary<string, string[]> KindFields = new(StringComparer.Ordinal)
    {
        ["status"] = ["status", "retry_after", "retry_after_ms", "message"],
        ["reset"] = [],
        ["latency"] = ["latency_ms"],
        ["stall"] = ["after_chunks"],
        ["truncate"] = ["after_chunks"],
        ["malformed"] = ["after_chunks"],
        ["stream_error"] = ["after_chunks", "status", "message"],
    };

    private static readonly string AllFields = string.Join(", ", new[] { "kind" }.Concat(KindFields.Values.SelectMany(f => f)).Concat(ModeFields).Distinct(StringComparer.Ordinal));

    private FaultRequest(Fault fault, int count, double? ratio, int seed, bool always)
    {
        Fault = fault;
        Count = count;
        Ratio = ratio;
        Seed = seed;
        Always = always;
    }

    /// <summary>Gets the fault.</summary>
    public Fault Fault { get; }

    /// <summary>Gets how many of the next requests fail (when neither <see cref="Ratio"/> nor <see cref="Always"/> is set).</summary>
    public int Count { get; }

    /// <summary>Gets the failure probability, if the fault is drawn per request.</summary>
    public double? Ratio { get; }

    /// <summary>Gets the seed of the ratio's generator.</summary>
    public int Seed { get; }

    /// <summary>Gets a value indicating whether every request fails until the faults are cleared.</summary>
    public bool Always { get; }

    /// <summary>Parses and validates a control request body.</summary>
    /// <param name="text">The raw body.</param>
    /// <returns>The validated request.</returns>
    /// <exception cref="FormatException">The body is empty, not JSON, not an object, or a field is unknown, of the wrong type or out of range.</exception>
    public static FaultRequest Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException($"The body is empty; send a JSON object such as {Example}.");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The body is not valid JSON ({ex.Message}); send a JSON object such as {Example}.", ex);
        }

        if (node is not JsonObject body)
        {
            throw new FormatException($"The body must be a JSON object such as {Example}, not {Describe(node)}.");
        }

        return Parse(body);
    }

    /// <summary>Validates a parsed control request body.</summary>
    /// <param name="body">The body.</param>
    /// <returns>The validated request.</returns>
    /// <exception cref="FormatException">A field is unknown, of the wrong type or out of range.</exception>
    public static FaultRequest Parse(JsonObject body)
    {
        var kindText = String(body, "kind") ?? throw new FormatException($"'kind' is required: {Kinds}.");
        var kind = kindText.ToLowerInvariant();
        if (!KindFields.TryGetValue(kind, out var kindFields))
        {
            throw new FormatException($"'kind' must be one of {Kinds}; got \"{Shorten(kindText)}\".");
        }

        foreach (var (name, _) in body)
        {
            if (name == "kind" || ModeFields.Contains(name, StringComparer.Ordinal) || kindFields.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            throw new FormatException(AllFields.Split(", ").Contains(name, StringComparer.Ordinal)
                ? $"'{name}' does not apply to kind '{kind}'; it takes {(kindFields.Length == 0 ? "no fields of its own" : string.Join(", ", kindFields))} (and count, ratio with seed, or always)."
                : $"Unknown field '{Shorten(name)}'. The fields are: {AllFields}.");
        }

        var message = String(body, "message");
        if (message is { Length: 0 or > MaxMessageLength })
        {
            throw new FormatException($"'message' must be a non-empty string of at most {MaxMessageLength} characters; got {message.Length} characters.");
        }

        var fault = kind switch
        {
            "status" => Fault.Status(
                Integer(body, "status", Fault.MinErrorStatus, Fault.MaxErrorStatus) ?? 500,
                Number(body, "retry_after", 0, MaxRetryAfterSeconds) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Number(body, "retry_after_ms", 0, MaxRetryAfterMilliseconds) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                message),
            "reset" => Fault.ResetConnection(),
            "latency" => Fault.Delay(TimeSpan.FromMilliseconds(Number(body, "latency_ms", 0, MaxLatencyMilliseconds) ?? 1000)),
            "stall" => Fault.Stall(Integer(body, "after_chunks", 0, MaxAfterChunks) ?? 0),
            "truncate" => Fault.Truncate(Integer(body, "after_chunks", 0, MaxAfterChunks) ?? 2),
            "malformed" => Fault.MalformedJson(Integer(body, "after_chunks", 0, MaxAfterChunks) ?? 0),
            _ => Fault.StreamError(
                Integer(body, "after_chunks", 0, MaxAfterChunks) ?? 2,
                Integer(body, "status", Fault.MinErrorStatus, Fault.MaxErrorStatus) ?? 529,
                message),
        };

        var count = Integer(body, "count", 1, MaxCount);
        var ratio = Number(body, "ratio", 0, 1);
        var seed = Integer(body, "seed", int.MinValue, int.MaxValue);
        var always = Boolean(body, "always") == true;
        var modes = (count is null ? 0 : 1) + (ratio is null ? 0 : 1) + (always ? 1 : 0);
        if (modes > 1)
        {
            throw new FormatException("Use one of 'count' (the next N requests), 'ratio' (a seeded share of requests) or 'always' (every request), not several.");
        }

        if (seed is not null && ratio is null)
        {
            throw new FormatException("'seed' applies only with 'ratio'.");
        }

        return new FaultRequest(fault, count ?? 1, ratio, seed ?? 42, always);
    }

    /// <summary>Scripts the fault on <paramref name="faults"/>.</summary>
    /// <param name="faults">The instance's controller.</param>
    public void ApplyTo(FaultController faults)
    {
        if (Always)
        {
            faults.FailAlways(Fault);
        }
        else if (Ratio is { } ratio)
        {
            faults.FailRatio(ratio, Fault, Seed);
        }
        else
        {
            faults.FailNext(Count, Fault);
        }
    }

    private static string? String(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => throw new FormatException($"'{name}' must be a string; got {Describe(other)}."),
    };

    private static bool? Boolean(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        var other => throw new FormatException($"'{name}' must be true or false; got {Describe(other)}."),
    };

    private static int? Integer(JsonObject body, string name, int min, int max)
    {
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var result) && result >= min && result <= max)
        {
            return result;
        }

        var range = min == int.MinValue ? "a 32-bit integer" : $"an integer from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
        throw new FormatException($"'{name}' must be {range}; got {Describe(node)}.");
    }

    private static double? Number(JsonObject body, string name, double min, double max)
    {
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var result) && result >= min && result <= max)
        {
            return result;
        }

        throw new FormatException($"'{name}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}; got {Describe(node)}.");
    }

    private static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Shorten(node.GetValue<string>())}\"",
        _ => Shorten(node.ToJsonString()),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
