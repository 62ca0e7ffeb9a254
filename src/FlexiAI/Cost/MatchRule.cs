using System.Text.Json;
using System.Text.RegularExpressions;

namespace FlexiAI;

/// <summary>
/// A model-name rule of the pricing table, as genai-prices writes it: <c>equals</c>, <c>starts_with</c>, <c>ends_with</c>,
/// <c>contains</c> (all ignoring case), <c>regex</c>, and <c>or</c>/<c>and</c> of rules.
/// </summary>
internal abstract class MatchRule
{
    public abstract bool Matches(string name);

    public static MatchRule Parse(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: a match rule must be an object.");
        }

        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "or":
                    return new Any([.. property.Value.EnumerateArray().Select((e, i) => Parse(e, $"{path}.or[{i}]"))]);
                case "and":
                    return new All([.. property.Value.EnumerateArray().Select((e, i) => Parse(e, $"{path}.and[{i}]"))]);
                case "equals":
                    return new Text(property.Value.GetString()!, static (n, v) => n.Equals(v, StringComparison.OrdinalIgnoreCase));
                case "starts_with":
                    return new Text(property.Value.GetString()!, static (n, v) => n.StartsWith(v, StringComparison.OrdinalIgnoreCase));
                case "ends_with":
                    return new Text(property.Value.GetString()!, static (n, v) => n.EndsWith(v, StringComparison.OrdinalIgnoreCase));
                case "contains":
                    return new Text(property.Value.GetString()!, static (n, v) => n.Contains(v, StringComparison.OrdinalIgnoreCase));
                case "regex":
                    return new Pattern(new Regex(property.Value.GetString()!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
                default:
                    continue;
            }
        }

        throw new FormatException($"{path}: no known match rule (equals, starts_with, ends_with, contains, regex, or, and).");
    }

    private sealed class Any(MatchRule[] rules) : MatchRule
    {
        public override bool Matches(string name) => Array.Exists(rules, r => r.Matches(name));
    }

    private sealed class All(MatchRule[] rules) : MatchRule
    {
        public override bool Matches(string name) => Array.TrueForAll(rules, r => r.Matches(name));
    }

    private sealed class Text(string value, Func<string, string, bool> test) : MatchRule
    {
        public override bool Matches(string name) => test(name, value);
    }

    private sealed class Pattern(Regex regex) : MatchRule
    {
        public override bool Matches(string name) => regex.IsMatch(name);
    }
}
