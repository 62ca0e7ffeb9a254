using Spectre.Console;

namespace FlexiAI.Cli;

/// <summary>Creates Spectre consoles over a <see cref="CliContext"/>: colours and live views only on a terminal.</summary>
internal static class CliConsole
{
    public static IAnsiConsole Create(CliContext context)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = context.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = context.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = context.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!context.IsTerminal)
        {
            // Redirected output has no width; do not wrap tables at 80 columns.
            console.Profile.Width = 200;
        }

        return console;
    }
}
