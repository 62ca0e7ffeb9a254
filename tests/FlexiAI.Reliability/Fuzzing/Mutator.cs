using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FlexiAI.Reliability.Fuzzing;

/// <summary>
/// A seeded mutation generator: structural mutations of JSON (replace any node with a value of another type, an extreme number,
/// a deep nest, drop or duplicate a property) and text mutations (insert dictionary tokens, delete, duplicate or truncate spans,
/// flip characters, splice two inputs). Deterministic for a seed, so every crash is reproducible.
/// </summary>
public static class Mutator
{
    private static readonly string[] Tokens =
    [
        "\"", "{", "}", "[", "]", ",", ":", "null", "true", "false", "-1", "0", "-0", "1e309", "-1e309", "1e20", "1.5", "NaN", "Infinity",
        "99999999999999999999999", "\"\\u0000\"", "\"\\ud800\"", "\"text\"", "\"candidates\"", "\"content\"", "\"parts\"", "\"finishReason\"",
        "\"usageMetadata\"", "\"functionCall\"", "\"args\"", "\"inlineData\"", "\"data\"", "\"error\"", "\"code\"", "\"status\"", "\"promptFeedback\"",
        "\"blockReason\"", "\"providers\"", "\"retry\"", "\"circuit_breaker\"", "\"streaming\"", "\"error_policies\"", "\"timeout\"", "\"infinite\"",
        "\"500ms\"", "\"-5s\"", "\"99999h\"", "\"10675199.02:48:05.4775807\"", "data: ", "\r\n\r\n", "\n", ": comment\n", "\t", "\u00e9", "\uffff", "%",
    ];

    private static readonly Func<Random, JsonNode?>[] Values =
    [
        _ => null,
        _ => JsonValue.Create(true),
        r => JsonValue.Create(r.Next(-3, 3)),
        _ => JsonValue.Create(long.MaxValue),
        _ => JsonValue.Create(-1e300),
        _ => JsonValue.Create(1e300),
        _ => JsonValue.Create(double.Epsilon),
        _ => JsonValue.Create(""),
        _ => JsonValue.Create("x"),
        _ => JsonValue.Create("-1"),
        _ => JsonValue.Create("1e400"),
        _ => JsonValue.Create("infinite"),
        _ => JsonValue.Create("not a url"),
        _ => JsonValue.Create("!!!"),
        _ => JsonValue.Create(new string('a', 5000)),
        _ => new JsonObject(),
        _ => new JsonArray(),
        _ => new JsonArray(JsonValue.Create(1), new JsonObject()),
        r => Deep(r.Next(10, 80)),
    ];

    public static string Mutate(string input, IReadOnlyList<string> corpus, Random random)
    {
        var rounds = 1 + random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            input = random.Next(3) == 0 || !TryStructuralSafely(input, random, out var mutated) ? Textual(input, corpus, random) : mutated;
        }

        return input;
    }

    private static bool TryStructuralSafely(string input, Random random, out string mutated)
    {
        try
        {
            return TryStructural(input, random, out mutated);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // JsonNode refuses some inputs lazily (a duplicated property); mutate them as text instead.
            mutated = input;
            return false;
        }
    }

    private static bool TryStructural(string input, Random random, out string mutated)
    {
        mutated = input;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(input);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }

        if (root is null)
        {
            return false;
        }

        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        var parent = target.Parent;
        var replacement = Values[random.Next(Values.Length)](random);
        switch (parent)
        {
            case null:
                mutated = replacement?.ToJsonString() ?? "null";
                return true;
            case JsonObject obj:
            {
                var name = target.GetPropertyName();
                switch (random.Next(4))
                {
                    case 0:
                        obj.Remove(name);
                        break;
                    case 1:
                        obj[name + (random.Next(2) == 0 ? "_x" : string.Empty) + (random.Next(2) == 0 ? "Unknown" : string.Empty)] = replacement;
                        break;
                    default:
                        obj[name] = replacement;
                        break;
                }

                break;
            }

            case JsonArray array:
            {
                var index = target.GetElementIndex();
                if (random.Next(4) == 0)
                {
                    array.RemoveAt(index);
                }
                else if (random.Next(4) == 0)
                {
                    array.Add(target.DeepClone());
                }
                else
                {
                    array[index] = replacement;
                }

                break;
            }
        }

        mutated = root.ToJsonString();
        return true;
    }

    private static string Textual(string input, IReadOnlyList<string> corpus, Random random)
    {
        var text = new StringBuilder(input);
        var at = text.Length == 0 ? 0 : random.Next(text.Length + 1);
        switch (random.Next(7))
        {
            case 0:
                text.Insert(at, Tokens[random.Next(Tokens.Length)]);
                break;
            case 1 when text.Length > 0:
                text.Remove(Math.Min(at, text.Length - 1), Math.Min(1 + random.Next(16), text.Length - Math.Min(at, text.Length - 1)));
                break;
            case 2 when text.Length > 0:
                var start = random.Next(text.Length);
                var length = Math.Min(1 + random.Next(32), text.Length - start);
                text.Insert(at, text.ToString(start, length));
                break;
            case 3 when text.Length > 0:
                text.Length = at;
                break;
            case 4 when text.Length > 0:
                var i = Math.Min(at, text.Length - 1);
                text[i] = (char)(text[i] ^ (1 << random.Next(7)));
                break;
            case 5 when corpus.Count > 0:
                var other = corpus[random.Next(corpus.Count)];
                var cut = other.Length == 0 ? 0 : random.Next(other.Length);
                text.Length = at;
                text.Append(other, cut, other.Length - cut);
                break;
            default:
                text.Insert(at, random.Next(1_000_000).ToString(CultureInfo.InvariantCulture));
                break;
        }

        return text.ToString();
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
        }
    }

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["a"] = node };
        }

        return node;
    }
}
