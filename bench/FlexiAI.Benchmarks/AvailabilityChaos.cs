using System.Diagnostics;
using System.Globalization;
using FlexiAI.Emulator;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// <c>chaos</c>: availability under failures, by breaker mode (issue 14). The same seeded workload — three emulated providers over
/// loopback, N requests at C concurrency — in three scenarios (flaky: every provider fails ~30 % at random; one dead: the
/// primary fails every request; all dead, then one recovers) for each mode; prints answered %, calls sent to a dead provider,
/// p50/p99 latency and the fail-fast count (requests that ended without any provider being called).
/// </summary>
internal static class AvailabilityChaos
{
    private static readonly string[] Kinds = ["openai", "anthropic", "vertexai"];

    private static readonly (string Name, Action<FlexiAIOptions> Apply)[] Modes =
    [
        ("off", o => o.CircuitBreaker.FailureThreshold = int.MaxValue),
        ("consecutive", _ => { }),
        ("ratio", o =>
        {
            o.CircuitBreaker.Mode = CircuitBreakerMode.Ratio;
        }),
        ("panic", o =>
        {
            o.CircuitBreaker.Mode = CircuitBreakerMode.Ratio;
            o.CircuitBreaker.AllOpen = AllOpenPolicy.Panic;
        }),
        ("reliable", o => ConfigurationPresets.Apply(o, ConfigurationPreset.Reliable)),
        ("balanced", o => ConfigurationPresets.Apply(o, ConfigurationPreset.Balanced)),
    ];

    public static async Task<int> RunAsync(int requests, int concurrency, string? only)
    {
        await using var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard()).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: {requests} requests per run, {concurrency} concurrent, providers {string.Join(" > ", Kinds)} over loopback; retry: 3 attempts, 100 ms initial backoff (presets: their own)"));
        Console.WriteLine($"{"scenario",-12} {"mode",-12} {"answered",9} {"dead calls",10} {"after open",10} {"open in",8} {"p50 ms",8} {"p99 ms",8} {"fail-fast",9} {"panic",6}");
        foreach (var scenario in new[] { "flaky", "one-dead", "recovery" })
        {
            foreach (var (name, apply) in Modes)
            {
                if (only is not null && !string.Equals(only, name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var result = await RunOneAsync(emulator, scenario, apply, requests, concurrency).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{scenario,-12} {name,-12} {result.Answered,8:0.00}% {result.DeadCalls,10} {result.DeadCallsAfterOpen,10} {result.OpenIn,8} {result.P50,8:0.0} {result.P99,8:0.0} {result.FailFast,9} {result.Panics,6}"));
            }
        }

        return 0;
    }

    private static async Task<Result> RunOneAsync(EmulatorHost emulator, string scenario, Action<FlexiAIOptions> apply, int requests, int concurrency)
    {
        foreach (var instance in emulator.Instances)
        {
            instance.Faults.Clear();
            instance.Journal.Clear();
        }

        var options = new FlexiAIOptions();
        options.Retry.InitialDelay = TimeSpan.FromMilliseconds(100);
        options.RequestTimeout = TimeSpan.FromSeconds(60);
        for (var i = 0; i < Kinds.Length; i++)
        {
            options.Providers.Add(Provider(emulator, Kinds[i], i + 1));
        }

        apply(options);
        var dead = emulator[Kinds[0]];
        switch (scenario)
        {
            case "flaky":
                for (var i = 0; i < Kinds.Length; i++)
                {
                    emulator[Kinds[i]].Faults.FailRatio(0.3, Fault.Status(503), seed: 42 + i);
                }

                break;
            case "one-dead":
                dead.Faults.FailAlways(Fault.Status(503));
                break;
            default:
                foreach (var kind in Kinds)
                {
                    emulator[kind].Faults.FailAlways(Fault.Status(503));
                }

                break;
        }

        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { Random = new Random(7), EnvironmentVariables = _ => null });
        var clock = Stopwatch.StartNew();
        long openedAtMs = -1;
        var deadCallsAtOpen = -1;
        client.CircuitStateChanged += (_, change) =>
        {
            if (change.Provider == Kinds[0] && change.To == CircuitState.Open && Interlocked.CompareExchange(ref openedAtMs, clock.ElapsedMilliseconds, -1) == -1)
            {
                Volatile.Write(ref deadCallsAtOpen, dead.Journal.Count);
            }
        };

        var latencies = new double[requests];
        int answered = 0, failFast = 0, panics = 0, next = -1;
        var recovered = scenario == "recovery" ? requests / 2 : int.MaxValue;
        async Task WorkerAsync()
        {
            while (Interlocked.Increment(ref next) is var index && index < requests)
            {
                if (index == recovered)
                {
                    // All dead so far; one provider (the last in priority) recovers now.
                    emulator[Kinds[^1]].Faults.Clear();
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "chaos")]).ConfigureAwait(false);
                    if (index >= recovered || scenario != "recovery")
                    {
                        Interlocked.Increment(ref answered);
                    }

                    if (response.GetRoute().Panic)
                    {
                        Interlocked.Increment(ref panics);
                    }
                }
                catch (FlexiAIException ex)
                {
                    if (ex.Route is { } route && route.Attempts.All(a => a.AttemptNumber == 0))
                    {
                        Interlocked.Increment(ref failFast);
                    }

                    if (ex.Route is { Panic: true })
                    {
                        Interlocked.Increment(ref panics);
                    }
                }

                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync))).ConfigureAwait(false);
        Array.Sort(latencies);
        var denominator = scenario == "recovery" ? requests - Math.Min(recovered, requests) : requests;
        var deadCalls = dead.Journal.Count;
        var atOpen = Volatile.Read(ref deadCallsAtOpen);
        return new Result(
            100.0 * answered / Math.Max(1, denominator),
            deadCalls,
            atOpen < 0 ? "-" : (deadCalls - atOpen).ToString(CultureInfo.InvariantCulture),
            openedAtMs < 0 ? "-" : $"{openedAtMs} ms",
            latencies[requests / 2],
            latencies[Math.Min(requests - 1, (int)(requests * 0.99))],
            failFast,
            panics);
    }

    private static ProviderOptions Provider(EmulatorHost emulator, string kind, int priority)
    {
        var provider = new ProviderOptions
        {
            Name = kind,
            Type = kind,
            Priority = priority,
            Model = kind switch { "openai" => "gpt-4.1-mini", "anthropic" => "claude-sonnet-4-5", _ => "gemini-2.5-flash" },
            ApiKey = kind == "vertexai" ? null : "bench",
            BaseUrl = emulator[kind].BaseUrl,
        };
        if (kind == "vertexai")
        {
            provider.Settings["project"] = "bench";
            provider.Settings["location"] = "us-central1";
            provider.Settings["access_token"] = "bench";
        }

        return provider;
    }

    private sealed record Result(double Answered, int DeadCalls, string DeadCallsAfterOpen, string OpenIn, double P50, double P99, int FailFast, int Panics);
}
