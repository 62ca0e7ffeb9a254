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

    public static async Task<int> RunAsync(int requests, int concurrency, string? only, string? onlyScenario = null)
    {
        await using var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard()).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: {requests} requests per run, {concurrency} concurrent, providers {string.Join(" > ", Kinds)} over loopback; retry: 3 attempts, 100 ms initial backoff (presets: their own)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average at start: {Machine.LoadAverage()}"));
        Console.WriteLine($"{"scenario",-12} {"mode",-12} {"answered",9} {"dead calls",10} {"after open",10} {"admitted",9} {"probes",6} {"open in",8} {"p50 ms",8} {"p99 ms",8} {"fail-fast",9} {"panic",6}");
        foreach (var scenario in new[] { "flaky", "one-dead", "recovery" })
        {
            if (onlyScenario is not null && !string.Equals(onlyScenario, scenario, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var (name, apply) in Modes)
            {
                if (only is not null && !string.Equals(only, name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var result = await RunOneAsync(emulator, scenario, apply, requests, concurrency).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{scenario,-12} {name,-12} {result.Answered,8:0.00}% {result.DeadCalls,10} {result.DeadCallsAfterOpen,10} {result.AdmittedAfterOpen,9} {result.Probes,6} {result.OpenIn,8} {result.P50,8:0.0} {result.P99,8:0.0} {result.FailFast,9} {result.Panics,6}"));
            }
        }

        if (onlyScenario is null || string.Equals(onlyScenario, "failover-latency", StringComparison.OrdinalIgnoreCase))
        {
            await FailoverLatencyAsync(emulator, Math.Min(requests, 500)).ConfigureAwait(false);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average at end: {Machine.LoadAverage()}"));
        return 0;
    }

    /// <summary>
    /// Issue 14's "+5 ms" target: the primary answers 503 while the backup is healthy. Sequential requests over loopback (real
    /// HTTP through the emulator), each on a warmed-up process; every configuration starts with a fresh client (its first request
    /// opens its connections). Baseline: the backup alone.
    /// </summary>
    private static async Task FailoverLatencyAsync(EmulatorHost emulator, int requests)
    {
        foreach (var instance in emulator.Instances)
        {
            instance.Faults.Clear();
            instance.Journal.Clear();
        }

        // Warm the process (JIT, SDK setup) on both providers so the first measured request pays only its own connection.
        await MeasureAsync(emulator, 50, backupOnly: false, _ => { }, warmUp: true).ConfigureAwait(false);
        await MeasureAsync(emulator, 50, backupOnly: true, _ => { }, warmUp: true).ConfigureAwait(false);
        emulator[Kinds[0]].Faults.FailAlways(Fault.Status(503));

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failover latency: primary {Kinds[0]} answers 503, backup {Kinds[1]} healthy; {requests} sequential requests per row, fresh client each, loopback"));
        Console.WriteLine($"{"configuration",-34} {"first ms",9} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"primary calls",13} {"failed attempt p50/p99/max ms",30}");
        var rows = new (string Name, bool BackupOnly, Action<FlexiAIOptions> Apply)[]
        {
            ("backup alone (baseline)", true, _ => { }),
            ("failover_first, breaker off", false, o => { o.Retry.Strategy = RetryStrategy.FailoverFirst; o.CircuitBreaker.FailureThreshold = int.MaxValue; }),
            ("failover_first, consecutive (5)", false, o => o.Retry.Strategy = RetryStrategy.FailoverFirst),
            ("balanced preset", false, o => ConfigurationPresets.Apply(o, ConfigurationPreset.Balanced)),
            ("reliable preset", false, o => ConfigurationPresets.Apply(o, ConfigurationPreset.Reliable)),
            ("in_place (default), 100 ms backoff", false, o => o.Retry.InitialDelay = TimeSpan.FromMilliseconds(100)),
        };
        double[]? baseline = null;
        foreach (var (name, backupOnly, apply) in rows)
        {
            var before = emulator[Kinds[0]].Journal.Count;
            var failedAttempts = new List<double>();
            var latencies = await MeasureAsync(emulator, requests, backupOnly, apply, failedAttempts: failedAttempts).ConfigureAwait(false);
            failedAttempts.Sort();
            var cost = failedAttempts.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture,
                $"{failedAttempts[failedAttempts.Count / 2]:0.00}/{failedAttempts[Math.Min(failedAttempts.Count - 1, (int)(failedAttempts.Count * 0.99))]:0.00}/{failedAttempts[^1]:0.00}");
            var first = latencies[0];
            Array.Sort(latencies);
            baseline ??= latencies;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-34} {first,9:0.00} {latencies[requests / 2],8:0.00} {latencies[Math.Min(requests - 1, (int)(requests * 0.99))],8:0.00} {latencies[^1],8:0.00} {emulator[Kinds[0]].Journal.Count - before,13} {cost,30}"));
        }
    }

    private static async Task<double[]> MeasureAsync(EmulatorHost emulator, int requests, bool backupOnly, Action<FlexiAIOptions> apply, bool warmUp = false, List<double>? failedAttempts = null)
    {
        var options = new FlexiAIOptions();
        if (!backupOnly)
        {
            options.Providers.Add(Provider(emulator, Kinds[0], 1));
        }

        options.Providers.Add(Provider(emulator, Kinds[1], 2));
        apply(options);
        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { Random = new Random(7), EnvironmentVariables = _ => null });
        var latencies = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "failover latency")]).ConfigureAwait(false);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // What failing over cost this request: the primary's failed attempt (a 503 round trip), as the route timed it.
            foreach (var attempt in response.GetRoute().Attempts)
            {
                if (attempt.Provider == Kinds[0] && attempt.Outcome == AttemptOutcome.Failed)
                {
                    failedAttempts?.Add(attempt.Latency.TotalMilliseconds);
                }
            }

            if (response.GetRoute().Provider != Kinds[1] && !warmUp)
            {
                throw new InvalidOperationException($"expected {Kinds[1]} to answer, got {response.GetRoute().Provider}");
            }
        }

        return latencies;
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

        // "admitted": attempts the dead provider's breaker let through after it first opened — what FlexiAI decided to send
        // (probes only, by design); "after open" counts what reached the emulator after the open, including calls admitted
        // before it and still in the HTTP stack.
        var admission = new AdmissionCounter(Kinds[0]);
        var clientOptions = new FlexiAIClientOptions { Random = new Random(7), EnvironmentVariables = _ => null };
        clientOptions.AdmissionGates.Add(admission.For);
        using var client = new FlexiAIClient(options, clientOptions);
        var clock = Stopwatch.StartNew();
        long openedAtMs = -1;
        var deadCallsAtOpen = -1;
        client.CircuitStateChanged += (_, change) =>
        {
            if (change.Provider == Kinds[0] && change.To == CircuitState.Open && Interlocked.CompareExchange(ref openedAtMs, clock.ElapsedMilliseconds, -1) == -1)
            {
                Volatile.Write(ref deadCallsAtOpen, dead.Journal.Count);
                admission.Opened();
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
            atOpen < 0 ? "-" : admission.AfterOpen.ToString(CultureInfo.InvariantCulture),
            atOpen < 0 ? "-" : admission.Probes.ToString(CultureInfo.InvariantCulture),
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

    /// <summary>An extra admission gate on one provider (after its breaker's): counts the attempts admitted after the breaker first opened.</summary>
    private sealed class AdmissionCounter(string provider)
    {
        private int _opened;
        private int _afterOpen;
        private int _probes;

        public int AfterOpen => Volatile.Read(ref _afterOpen);

        public int Probes => Volatile.Read(ref _probes);

        public void Opened() => Volatile.Write(ref _opened, 1);

        public AdmissionGate? For(RoutedProvider routed) => routed.Name == provider ? new Gate(this, routed) : null;

        private sealed class Gate(AdmissionCounter counter, RoutedProvider routed) : AdmissionGate
        {
            public override ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken)
            {
                if (Volatile.Read(ref counter._opened) != 0)
                {
                    Interlocked.Increment(ref counter._afterOpen);
                    if (routed.Breaker.Snapshot.State == CircuitState.HalfOpen)
                    {
                        Interlocked.Increment(ref counter._probes);
                    }
                }

                return new(Admission.Allow);
            }
        }
    }

    private sealed record Result(double Answered, int DeadCalls, string DeadCallsAfterOpen, string AdmittedAfterOpen, string Probes, string OpenIn, double P50, double P99, int FailFast, int Panics);
}
