using FlexiAI.Emulator;

namespace FlexiAI.Cli.Commands;

/// <summary><c>flexiai emulator --port N</c>: the standalone emulator, with the same output as <c>dotnet run --project src/FlexiAI.Emulator</c>.</summary>
internal static class EmulatorCommand
{
    public static Task<int> RunAsync(CliContext context, int port, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            context.Error.WriteLine($"--port {port} is out of range; use 0 (a free port) to 65535.");
            return Task.FromResult(ExitCodes.NotConfigured);
        }

        return EmulatorConsole.RunAsync(port, context.Out, cancellationToken);
    }
}
