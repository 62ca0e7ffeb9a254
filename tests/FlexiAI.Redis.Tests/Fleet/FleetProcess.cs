using System.Diagnostics;
using System.Threading.Channels;

namespace FlexiAI.Redis.Tests.Fleet;

/// <summary>
/// One fleet instance as a real OS process (<c>dotnet FlexiAI.Redis.FleetHost.dll mode connection prefix [limit]</c>), driven by its
/// line protocol. Every wait is bounded; a host that dies or never answers fails the test with its stderr.
/// </summary>
public sealed class FleetProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly System.Text.StringBuilder _errors = new();

    private FleetProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The host's dll, built next to the tests (same configuration).</summary>
    public static string HostPath
    {
        get
        {
            var baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var framework = Path.GetFileName(baseDir);
            var configuration = Path.GetFileName(Path.GetDirectoryName(baseDir)!);
            var tests = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(baseDir)!)!)!)!;
            return Path.Combine(tests, "FlexiAI.Redis.FleetHost", "bin", configuration, framework, "FlexiAI.Redis.FleetHost.dll");
        }
    }

    /// <summary>Starts a host (idle until <see cref="BeginAsync"/>).</summary>
    public static async Task<FleetProcess> StartAsync()
    {
        Assert.True(File.Exists(HostPath), $"the fleet host is not built at {HostPath}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostPath);

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the fleet host");
        var host = new FleetProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                host._lines.Writer.TryComplete();
            }
            else
            {
                host._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (host._errors)
                {
                    host._errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitForAsync("READY");
        return host;
    }

    /// <summary>Builds the host's client over Redis in <paramref name="mode"/> and waits until it is ready.</summary>
    public async Task BeginAsync(string mode, string connection, string prefix, int limit = 0)
    {
        await SendAsync(FormattableString.Invariant($"START {mode} {connection} {prefix} {limit}"));
        await WaitForAsync("READY");
    }

    /// <summary>Disposes the host's client (and its Redis connection); the process stays for the next test.</summary>
    public async Task EndAsync()
    {
        if (!_process.HasExited)
        {
            await SendAsync("STOP");
            await WaitForAsync("STOPPED");
        }
    }

    /// <summary>What the host wrote to stderr so far.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the next line that starts with <paramref name="prefix"/> (earlier lines are dropped).</summary>
    public async Task<string> WaitForAsync(string prefix, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the fleet host did not print '{prefix}' within {(timeout ?? DefaultWait).TotalSeconds} s. Its stderr:\n{Errors}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the fleet host exited before printing '{prefix}'. Its stderr:\n{Errors}");
        }
    }

    /// <summary>Asks for STATS until <paramref name="condition"/> holds (bounded), returning the last STATS line's fields.</summary>
    public async Task<Dictionary<string, string>> StatsWhenAsync(Func<Dictionary<string, string>, bool> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (true)
        {
            await SendAsync("STATS");
            var stats = Parse(await WaitForAsync("STATS"));
            if (condition(stats))
            {
                return stats;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"waited {(timeout ?? DefaultWait).TotalSeconds} s for {what}; last stats: {string.Join(' ', stats.Select(kv => kv.Key + "=" + kv.Value))}. Stderr:\n{Errors}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync("QUIT");
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (IOException)
        {
            // The host already closed its stdin.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static Dictionary<string, string> Parse(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty);
}
