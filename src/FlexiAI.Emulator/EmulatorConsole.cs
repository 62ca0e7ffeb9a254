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
    /// <param name="cancellationToken">Stops the emulator.</param>
    /// <returns>The exit code (0).</returns>
    public static async Task<int> RunAsync(int port, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard(port), cancellationToken).ConfigureAwait(false);
        await using (emulator.ConfigureAwait(false))
        {
            foreach (var instance in emulator.Instances)
            {
                await output.WriteLineAsync($"{instance.Name} {instance.Kind.ToString().ToLowerInvariant()} {instance.BaseUrl}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"control {emulator.ControlUrl}").ConfigureAwait(false);
            await output.WriteLineAsync("ready").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
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
}
