using System.Runtime.InteropServices;

namespace FlexiAI.Emulator;

/// <summary>Runs the emulator standalone with the documented output contract (used by <c>dotnet run</c> and <c>flexiai emulator</c>).</summary>
public static class EmulatorConsole
{
    /// <summary>
    /// Starts the standard three instances (<c>openai</c>, <c>anthropic</c>, <c>vertexai</c>), prints one line per instance
    /// (<c>NAME KIND BASE_URL</c>), then <c>control CONTROL_URL</c>, then <c>ready</c>, and serves until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="output">Where the lines go.</param>
    /// <param name="cancellationToken">Stops the emulator (also during start-up).</param>
    /// <returns>The exit code: 0, also when stopped by <paramref name="cancellationToken"/>.</returns>
    /// <remarks>This method handles no process signals itself; <c>dotnet run --project src/FlexiAI.Emulator</c> stops it on SIGTERM, SIGINT (Ctrl+C) and SIGQUIT, <c>flexiai emulator</c> through its command line's cancellation.</remarks>
    public static async Task<int> RunAsync(int port, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        EmulatorHost emulator;
        try
        {
            emulator = await EmulatorHost.StartAsync(EmulatorOptions.All(port), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }

        await using (emulator.ConfigureAwait(false))
        {
            foreach (var instance in emulator.Instances)
            {
                await output.WriteLineAsync($"{instance.Name} {instance.Kind.ToString().ToLowerInvariant()} {instance.BaseUrl}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"control {emulator.ControlUrl}").ConfigureAwait(false);
            await output.WriteLineAsync("ready").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        return 0;
    }

    /// <summary>
    /// <see cref="RunAsync"/> until the process receives SIGTERM, SIGINT (Ctrl+C) or SIGQUIT: the signal's default
    /// termination is replaced by a prompt, clean stop (open streams are cut) and exit code 0.
    /// </summary>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="output">Where the lines go.</param>
    /// <returns>The exit code (0).</returns>
    internal static async Task<int> RunUntilSignalledAsync(int port, TextWriter output)
    {
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // A signal that arrives while the process is already returning.
            }
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
        return await RunAsync(port, output, stop.Token).ConfigureAwait(false);
    }
}
