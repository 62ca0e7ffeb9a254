namespace FlexiAI.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output and a controlled environment.</summary>
public sealed class CliRun
{
    public int ExitCode { get; private init; }

    public string Out { get; private init; } = string.Empty;

    public string Error { get; private init; } = string.Empty;

    public static async Task<CliRun> RunAsync(string[] args, Dictionary<string, string?>? environment = null, string? directory = null, string input = "")
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            Out = output,
            Error = error,
            In = new StringReader(input),
            IsTerminal = false,
            Variables = environment ?? [],
            CurrentDirectory = directory ?? Path.Combine(Path.GetTempPath(), "flexiai-cli-tests-empty"),
        };
        Directory.CreateDirectory(context.CurrentDirectory);
        var code = await CliApplication.RunAsync(args, context, TestContext.Current.CancellationToken);
        return new CliRun { ExitCode = code, Out = output.ToString(), Error = error.ToString() };
    }
}
