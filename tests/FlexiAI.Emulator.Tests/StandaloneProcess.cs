using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FlexiAI.Testing;

/// <summary>
/// A built entry point (<c>dotnet NAME.dll ARGS</c>) run as a real child process: its stdout lines, a wait for its
/// <c>ready</c> line, POSIX signals and a bounded wait for its exit. Shared by the emulator and CLI tests (linked file).
/// </summary>
internal sealed class StandaloneProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;

    private StandaloneProcess(Process process)
    {
        _process = process;
        _reading = ReadAsync();
    }

    /// <summary>Gets a reason to skip signal tests here, or <see langword="null"/> when POSIX signals can be sent.</summary>
    public static string? NoSignals => OperatingSystem.IsWindows() ? "POSIX signals (SIGTERM, SIGINT) are not sent on Windows." : null;

    /// <summary>Gets a reason to skip SIGINT tests here: a child inherits an ignored SIGINT (e.g. from a shell's background job) and .NET keeps it ignored.</summary>
    public static string? SigIntIgnored
    {
        get
        {
            if (!File.Exists("/proc/self/status"))
            {
                return null;
            }

            var mask = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return mask is not null && (Convert.ToUInt64(mask["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0
                ? "This test process ignores SIGINT (started as a background job), so a child process would ignore it too."
                : null;
        }
    }

    /// <summary>Gets the stdout lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Gets the process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/></c> from this test's output folder.</summary>
    /// <param name="assembly">The entry assembly's file name, e.g. <c>FlexiAI.Emulator.dll</c>.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The running process.</returns>
    public static StandaloneProcess Start(string assembly, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {assembly}.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new StandaloneProcess(process);
    }

    /// <summary>Waits for the <c>ready</c> line.</summary>
    /// <param name="timeout">How long start-up may take.</param>
    /// <returns>The lines printed up to <c>ready</c>.</returns>
    public async Task<IReadOnlyList<string>> WaitForReadyAsync(TimeSpan timeout)
    {
        await Task.WhenAny(_ready.Task, _reading, Task.Delay(timeout, TestContext.Current.CancellationToken));
        Assert.True(_ready.Task.IsCompleted, $"No 'ready' line within {timeout.TotalSeconds} s; output: {string.Join(" | ", Lines)}; exited: {_process.HasExited}.");
        return Lines;
    }

    /// <summary>Sends a POSIX signal with the shell's <c>kill</c> (never <see cref="Process.Kill()"/>, which is SIGKILL).</summary>
    /// <param name="signal">The signal's name: <c>TERM</c>, <c>INT</c>, <c>QUIT</c>.</param>
    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", $"kill -s {signal} {_process.Id}" }, UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to exit.</summary>
    /// <param name="timeout">How long it may take.</param>
    /// <returns>The exit code, or <see langword="null"/> if it is still running after <paramref name="timeout"/>.</returns>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        await _reading;
        _process.Dispose();
    }

    /// <summary>The <c>dotnet</c> host running these tests (so the child uses the same runtime), else <c>dotnet</c> on PATH.</summary>
    private static string DotnetHost()
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } current && Path.GetFileName(current) == executable)
        {
            return current;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, executable);
        return File.Exists(candidate) ? candidate : executable;
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }

            if (line == "ready")
            {
                _ready.TrySetResult();
            }
        }
    }
}
