using System.Text.RegularExpressions;

namespace FlexiAI;

/// <summary>
/// Turns a model name as users write it into the names to look up, in order: the name itself (lower-cased, without a
/// Vertex resource path such as <c>projects/p/locations/l/publishers/google/models/</c> or <c>models/</c>), then without
/// a <c>@version</c> suffix, a <c>-latest</c> alias suffix or a snapshot date (<c>-20250929</c>, <c>-2026-03-05</c>,
/// <c>-001</c>), and with a compact date spelled with dashes (what the source table lists).
/// </summary>
internal static partial class ModelNames
{
    public static string Normalize(string model)
    {
        var name = model.Trim().ToLowerInvariant();
        var models = name.LastIndexOf("/models/", StringComparison.Ordinal);
        if (models >= 0)
        {
            name = name[(models + "/models/".Length)..];
        }
        else if (name.StartsWith("models/", StringComparison.Ordinal))
        {
            name = name["models/".Length..];
        }

        return name;
    }

    public static IEnumerable<string> Candidates(string model)
    {
        var name = Normalize(model);
        yield return name;
        var seen = new HashSet<string>(StringComparer.Ordinal) { name };
        var current = name;
        while (true)
        {
            var next = StripOnce(current);
            if (next is null || next.Length == 0)
            {
                break;
            }

            if (seen.Add(next))
            {
                yield return next;
            }

            current = next;
        }

        var dashed = CompactDate().Replace(name, m => $"-{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value}");
        if (seen.Add(dashed))
        {
            yield return dashed;
        }
    }

    private static string? StripOnce(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return name[..at];
        }

        if (name.EndsWith("-latest", StringComparison.Ordinal))
        {
            return name[..^"-latest".Length];
        }

        var match = Snapshot().Match(name);
        return match.Success ? name[..match.Index] : null;
    }

    [GeneratedRegex(@"-(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4}|\d{3,4}|preview-\d{2}-\d{2}|exp-\d{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex Snapshot();

    [GeneratedRegex(@"-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)", RegexOptions.CultureInvariant)]
    private static partial Regex CompactDate();
}
