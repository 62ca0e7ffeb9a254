using System.Globalization;
using FlexiAI.Emulator;

var port = 0;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] is "--port" or "-p" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 65535)
    {
        port = value;
        i++;
    }
    else
    {
        await Console.Error.WriteLineAsync($"Unknown or invalid argument '{args[i]}'. Usage: dotnet run --project src/FlexiAI.Emulator -- [--port N]").ConfigureAwait(false);
        return 2;
    }
}

return await EmulatorConsole.RunUntilSignalledAsync(port, Console.Out).ConfigureAwait(false);
