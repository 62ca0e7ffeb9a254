using System.Collections;

namespace FlexiAI.Cli;

/// <summary>Where a command reads and writes, and what it knows of its environment; tests supply their own.</summary>
internal sealed class CliContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Gets a value indicating whether output goes to an interactive terminal (live views, colours).</summary>
    public bool IsTerminal { get; init; }

    /// <summary>Gets the environment variables the command sees.</summary>
    public IReadOnlyDictionary<string, string?> Variables { get; init; } = new Dictionary<string, string?>();

    public string CurrentDirectory { get; init; } = global::System.Environment.CurrentDirectory;

    public string? Environment(string name) => Variables.TryGetValue(name, out var value) ? value : null;

    public static CliContext System()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in global::System.Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string;
        }

        return new()
        {
            Out = Console.Out,
            Error = Console.Error,
            In = Console.In,
            IsTerminal = !Console.IsOutputRedirected && variables.GetValueOrDefault("TERM") is not "dumb",
            Variables = variables,
        };
    }
}
