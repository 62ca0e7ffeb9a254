using Microsoft.Extensions.Hosting;

namespace FlexiAI.Emulator;

/// <summary>
/// The emulator's host lifetime: it does nothing. The default (<c>ConsoleLifetime</c>) registers SIGINT, SIGQUIT and SIGTERM
/// handlers that cancel the process's termination and only signal the host to stop — which nobody waits for when the host is
/// started with <c>StartAsync</c> and owned by <see cref="EmulatorHost"/>. So a process hosting the emulator ignored SIGTERM
/// and never exited. The emulator is a component, not the application: stopping on signals is its entry point's job
/// (<see cref="EmulatorConsole.RunUntilSignalledAsync"/>, or the caller's own handling), and disposing the host stops it.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
