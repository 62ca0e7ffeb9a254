using System.Text;

namespace FlexiAI.Reliability.Matrix;

/// <summary>Generates docs/reliability.md's matrix section from <see cref="MatrixTable"/> (the same data the tests check).</summary>
public static class MatrixDocument
{
    public const string Begin = "<!-- BEGIN GENERATED MATRIX: dotnet run --project tests/FlexiAI.Reliability -- docs -->";
    public const string End = "<!-- END GENERATED MATRIX -->";

    /// <summary>The generated block, markers included.</summary>
    public static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine(Begin);
        text.AppendLine();
        text.AppendLine($"Every cell runs against the emulator with `retry.max_attempts: {MatrixTable.MaxAttempts}`, `retry.max_retry_after: {MatrixTable.MaxRetryAfter.TotalSeconds:0} s`, the");
        text.AppendLine("fault on every call to the primary, once with a healthy backup and once with the primary alone. \"Calls\" is what the");
        text.AppendLine("primary's journal shows; \"counts\" is the primary's breaker tally; \"nobody answers\" is the exception with the primary alone.");
        text.AppendLine();
        text.AppendLine("| fault | mode | primary | category | calls to primary | retried | fails over | counts toward breaker | with a healthy backup | nobody answers |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        var cells = MatrixTable.Cells().ToList();
        var groups = cells.GroupBy(c => (c.Fault.Id, c.Mode));
        var defects = new List<string>();
        foreach (var group in groups)
        {
            // One row per (fault, mode); providers that expect the same share it.
            foreach (var same in group.GroupBy(c => Describe(c)))
            {
                var first = same.First();
                var e = MatrixExpectation.For(first);
                var providers = same.Count() == 3 ? "all" : string.Join(", ", same.Select(c => c.Primary));
                var defect = same.Select(c => c.Fault.KnownDefect(c.Primary, c.Mode)).FirstOrDefault(d => d is not null);
                if (defect is not null && !defects.Contains(defect))
                {
                    defects.Add(defect);
                }

                var mark = defect is null ? string.Empty : $" ⚠{defects.IndexOf(defect) + 1}";

                text.AppendLine($"| {first.Fault.Description}{mark} | {ModeText(first.Mode)} | {providers} | {e.Category} | {e.PrimaryCalls} | {YesNo(e.Retried)} | {YesNo(e.FailsOver)} | {YesNo(e.Counts)} | {(e.ErrorWithBackup is null ? "backup answers" : "`" + e.ErrorWithBackup.Name + "`")} | `{e.ErrorWithoutBackup.Name}` |");
            }
        }

        text.AppendLine();
        text.AppendLine($"{cells.Count} cells.");
        if (defects.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Known defects — the table shows the documented behaviour; these cells are skipped until the code matches:");
            text.AppendLine();
            for (var i = 0; i < defects.Count; i++)
            {
                text.AppendLine($"* ⚠{i + 1} {defects[i]}");
            }
        }

        text.AppendLine();
        text.Append(End);
        return text.ToString();
    }

    /// <summary>Replaces the generated block in <paramref name="document"/>.</summary>
    public static string Update(string document)
    {
        var start = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"docs/reliability.md has no generated block; add the lines\n{Begin}\n{End}");
        }

        return document[..start] + Render() + document[(end + End.Length)..];
    }

    /// <summary>Finds docs/reliability.md from the current directory or the test binary's, upwards.</summary>
    public static string DocPath()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FlexiAI.sln")))
                {
                    return Path.Combine(dir.FullName, "docs", "reliability.md");
                }
            }
        }

        throw new FileNotFoundException("Could not find the repository root (FlexiAI.sln) above the current directory.");
    }

    private static string Describe(MatrixCell cell)
    {
        var e = MatrixExpectation.For(cell);
        return $"{e}|{cell.Fault.KnownDefect(cell.Primary, cell.Mode)}";
    }

    private static string ModeText(CallMode mode) => mode switch
    {
        CallMode.Response => "response",
        CallMode.Stream => "stream",
        _ => "stream, `continue`",
    };

    private static string YesNo(bool value) => value ? "yes" : "no";
}
