using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FlexiAI;
using FlexiAI.Emulator;
using FlexiAI.Redis;
using Microsoft.Extensions.AI;

// A fleet of two: two instances of one service, two OS processes, sharing their circuit breakers through Redis (FlexiAI.Redis).
// Instance A (this process) starts its own redis-server on a free port, then starts instance B (this program again, with
// "--instance-b <redis connection>"). Each instance has its own embedded provider emulator, so B's primary is healthy from
// B's point of view: only the shared breaker can tell B that the primary is down. A's primary fails until A's breaker opens;
// B, calling all the time, must skip its primary within 100 ms of that. Exits 0 only when every check holds.
const string Prefix = "fleet-sample";
const double TargetMilliseconds = 100;

if (args is ["--instance-b", var redisConnection])
{
    return await InstanceB(redisConnection);
}

if (LocateRedisServer() is not { } redisServer)
{
    const string Missing = "redis-server is not installed (apt-get install -y redis-server): this sample needs a real Redis.";
    if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
    {
        Console.WriteLine($"FAIL: {Missing} CI must install it (.ci/run).");
        return 1;
    }

    Console.WriteLine($"{Missing} Sample skipped.");
    return 0;
}

var port = FreePort();
using var redis = StartRedis(redisServer, port);
try
{
    await WaitForPingAsync(port, redis);
    var connection = $"127.0.0.1:{port},abortConnect=false,connectTimeout=2000";
    Console.WriteLine($"Started redis-server on 127.0.0.1:{port} (no persistence); key prefix '{Prefix}'.");
    return await InstanceA(connection);
}
finally
{
    if (!redis.HasExited)
    {
        redis.Kill(entireProcessTree: true);
        await redis.WaitForExitAsync();
    }
}

// Instance A: starts B, waits until B answers from its primary, then takes the primary down (for A) until A's breaker opens.
static async Task<int> InstanceA(string connection)
{
    await using var emulator = await EmulatorHost.StartAsync();
    using var stores = new RedisStoreFactory();
    using var ai = new FlexiAIClient(Options(emulator, connection), new FlexiAIClientOptions().UseRedis(stores));
    var opened = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
    ai.CircuitStateChanged += (_, c) =>
    {
        if (c.Provider == "primary" && c.To == CircuitState.Open)
        {
            opened.TrySetResult(DateTime.UtcNow);
        }

        Console.WriteLine($"A: circuit {c.Provider}: {c.From} -> {c.To} ({c.Reason})");
    };

    using var b = StartInstanceB(connection);
    var lines = new LineReader(b);
    try
    {
        await lines.WaitForAsync("READY", TimeSpan.FromSeconds(30));
        Console.WriteLine("Instance B started (a second process) and answers from its primary.");

        // The primary fails for A (503 on A's emulator only); A's breaker opens after two failures in a row and is written to Redis.
        // (B's successes on its healthy primary reset the fleet's count of consecutive failures, so A may need a few more.)
        emulator["openai"].Faults.FailAlways(Fault.Status(503));
        var failedOver = 0;
        while (!opened.Task.IsCompleted)
        {
            if (failedOver == 5000)
            {
                Console.WriteLine("FAIL: A's breaker did not open after 5000 failed requests.");
                return 1;
            }

            var reply = await ai.GetResponseAsync("Hello from A");
            failedOver++;
            if (opened.Task.IsCompleted)
            {
                Console.WriteLine($"A: {failedOver} requests failed over while its primary was down; the last: {reply.GetRoute()}");
            }
        }

        var openedAt = await opened.Task;
        var skipped = await lines.WaitForAsync("SKIPPED", TimeSpan.FromSeconds(30));
        var skippedAt = new DateTime(long.Parse(skipped.Split(' ')[1], CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var milliseconds = Math.Max(0, (skippedAt - openedAt).TotalMilliseconds);
        Console.WriteLine($"B skipped the primary {milliseconds:0.0} ms after A's breaker opened (B's own primary never failed).");

        var shared = (await ai.GetProviderStatusAsync())[0];
        Console.WriteLine($"A reads the fleet's breaker for {shared.Name} from Redis: {shared.State}.");
        var bState = await lines.WaitForAsync("STATE", TimeSpan.FromSeconds(30));

        var checks = new (string Check, bool Holds)[]
        {
            ($"B skipped the primary within {TargetMilliseconds:0} ms of the trip", milliseconds <= TargetMilliseconds),
            ("B's skip was the shared breaker (circuit open), not a failure of its own", skipped.Contains("skipped(open)", StringComparison.Ordinal)),
            ("B sees the primary's breaker open", bState == "STATE Open"),
            ("the fleet's breaker in Redis is open", shared.State == CircuitState.Open),
        };
        foreach (var (check, holds) in checks)
        {
            Console.WriteLine($"check: {check}: {(holds ? "ok" : "FAILED")}");
        }

        var passed = checks.All(c => c.Holds);
        Console.WriteLine(passed ? "All checks passed." : "Some checks FAILED.");
        return passed ? 0 : 1;
    }
    finally
    {
        await b.StandardInput.WriteLineAsync("QUIT");
        if (!b.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            b.Kill(entireProcessTree: true);
        }

        await lines.DrainAsync();
    }
}

// Instance B: calls every couple of milliseconds; prints SKIPPED <utc ticks> <route> at its first request that skips the primary.
static async Task<int> InstanceB(string connection)
{
    await using var emulator = await EmulatorHost.StartAsync();
    using var stores = new RedisStoreFactory();
    using var ai = new FlexiAIClient(Options(emulator, connection), new FlexiAIClientOptions().UseRedis(stores));
    using (var warmUp = new FlexiAIClient(Options(emulator, connection: null)))
    {
        await warmUp.GetResponseAsync("warm up"); // the backup's code path, JIT-compiled before the measurement
    }

    var first = await ai.GetResponseAsync("Hello from B");
    Console.WriteLine($"B: route: {first.GetRoute()}");
    Console.WriteLine(first.GetRoute().Provider == "primary" ? "READY" : "NOT READY: B's first answer did not come from its primary");

    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (DateTime.UtcNow < deadline)
    {
        // The skip is decided when the request starts (admission), so the time it started is when B skipped.
        var at = DateTime.UtcNow.Ticks;
        var reply = await ai.GetResponseAsync("Hello from B");
        var route = reply.GetRoute();
        if (route.Provider != "primary")
        {
            Console.WriteLine(FormattableString.Invariant($"SKIPPED {at} {route}"));
            Console.WriteLine($"B: route: {route}");
            Console.WriteLine($"B: its own primary answered {emulator["openai"].Journal.Count} requests and never failed.");
            Console.WriteLine($"STATE {ai.GetProviderStatus()[0].State}");
            await Console.In.ReadLineAsync(); // QUIT
            return 0;
        }

        await Task.Delay(2);
    }

    Console.WriteLine("TIMEOUT: B never skipped the primary.");
    return 1;
}

static FlexiAIOptions Options(EmulatorHost emulator, string? connection)
{
    var options = new FlexiAIOptions();
    options.Providers.Add(new ProviderOptions { Name = "primary", Type = "openai", Priority = 1, Model = "gpt-5.4-mini", ApiKey = "emulator", BaseUrl = emulator["openai"].BaseUrl });
    options.Providers.Add(new ProviderOptions { Name = "backup", Type = "anthropic", Priority = 2, Model = "claude-sonnet-5-5", ApiKey = "emulator", BaseUrl = emulator["anthropic"].BaseUrl });
    options.Retry.MaxAttempts = 1;
    options.CircuitBreaker.FailureThreshold = 2;
    options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromMinutes(5);
    if (connection is null)
    {
        options.Providers.RemoveAt(0); // the backup alone (B's warm-up)
        return options;
    }

    options.UseRedis(connection, Prefix); // circuit_breaker.store: { "type": "redis", "connection": "...", "prefix": "fleet-sample" }
    return options;
}

static Process StartInstanceB(string connection)
{
    // Run this same program again: "dotnet Sample.dll --instance-b ..." (or the app host when started through it).
    var self = Environment.ProcessPath!;
    var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        info.ArgumentList.Add(typeof(LineReader).Assembly.Location);
    }

    info.ArgumentList.Add("--instance-b");
    info.ArgumentList.Add(connection);
    return Process.Start(info) ?? throw new InvalidOperationException($"Could not start instance B ({self}).");
}

static string? LocateRedisServer()
{
    var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
    return new[] { "/usr/bin", "/usr/local/bin" }.Concat(path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        .Select(dir => Path.Combine(dir, "redis-server"))
        .FirstOrDefault(File.Exists);
}

static Process StartRedis(string executable, int port)
{
    var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning" })
    {
        info.ArgumentList.Add(arg);
    }

    var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitForPingAsync(int port, Process redis)
{
    var until = DateTime.UtcNow.AddSeconds(10);
    while (DateTime.UtcNow < until && !redis.HasExited)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            if (System.Text.Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer)).StartsWith("+PONG", StringComparison.Ordinal))
            {
                return;
            }
        }
        catch (SocketException)
        {
        }

        await Task.Delay(20);
    }

    throw new InvalidOperationException($"redis-server did not answer on port {port} within 10 s.");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>Reads instance B's output: echoes every line (prefixed "B|") and lets A wait for the line that starts with a word.</summary>
internal sealed class LineReader
{
    private readonly List<string> _lines = [];
    private readonly Task _reading;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LineReader(Process process)
    {
        _reading = Task.WhenAll(ReadAsync(process.StandardOutput, echo: true), ReadAsync(process.StandardError, echo: true));
    }

    /// <summary>Waits for the first line starting with <paramref name="word"/> and returns it.</summary>
    public async Task<string> WaitForAsync(string word, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_lines)
            {
                if (_lines.Find(l => l.StartsWith(word, StringComparison.Ordinal)) is { } line)
                {
                    return line;
                }

                if (_reading.IsCompleted || DateTime.UtcNow > until)
                {
                    throw new InvalidOperationException($"Instance B did not print {word} (it printed {_lines.Count} lines).");
                }

                changed = _changed.Task;
            }

            await Task.WhenAny(changed, Task.Delay(until - DateTime.UtcNow > TimeSpan.Zero ? until - DateTime.UtcNow : TimeSpan.Zero));
        }
    }

    /// <summary>Waits until B's output ends.</summary>
    public Task DrainAsync() => _reading.WaitAsync(TimeSpan.FromSeconds(10));

    private async Task ReadAsync(StreamReader reader, bool echo)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (echo)
            {
                Console.WriteLine($"  B| {line}");
            }

            lock (_lines)
            {
                _lines.Add(line);
                var changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                changed.TrySetResult();
            }
        }
    }
}
