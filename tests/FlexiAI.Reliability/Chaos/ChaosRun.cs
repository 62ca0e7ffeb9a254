using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FlexiAI.Emulator;
using FlexiAI.Reliability.Support;
using Microsoft.Extensions.AI;

namespace FlexiAI.Reliability.Chaos;

/// <summary>How big a chaos run is.</summary>
/// <param name="Requests">Requests in all (70 % responses, 30 % streams).</param>
/// <param name="Concurrency">Requests in flight at once.</param>
/// <param name="FaultRatio">The share of upstream calls that get a fault.</param>
/// <param name="Seed">The seed of every random choice (fault sequences, request kinds).</param>
/// <param name="MemoryBoundBytes">How much more managed memory than at the start the end may hold.</param>
public sealed record ChaosSettings(int Requests, int Concurrency = 256, double FaultRatio = 0.3, int Seed = 20261127, long MemoryBoundBytes = 16L << 20);

/// <summary>What a chaos run saw.</summary>
public sealed class ChaosResult
{
    public int Requests { get; set; }

    public int Answered { get; set; }

    public int DocumentedErrors { get; set; }

    public long UpstreamCalls { get; set; }

    public long RouteAttempts => Interlocked.Read(ref RouteAttemptsField);

#pragma warning disable CA1051, SA1401 // A field, so the request workers can add with Interlocked.
    internal long RouteAttemptsField;
#pragma warning restore CA1051, SA1401

    public int FaultsInjected { get; set; }

    public int Transitions { get; set; }

    public long MemoryGrowth { get; set; }

    public TimeSpan Elapsed { get; set; }

    public ConcurrentQueue<string> Breaks { get; } = new();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"chaos: {Requests} requests in {Elapsed.TotalSeconds:F1} s ({Requests / Math.Max(0.001, Elapsed.TotalSeconds):F0}/s): {Answered} answered, {DocumentedErrors} documented errors, " +
        $"{FaultsInjected} faults injected, {UpstreamCalls} upstream calls vs {RouteAttempts} route attempts, {Transitions} breaker transitions, " +
        $"memory growth {MemoryGrowth / 1024} KB, {Breaks.Count} invariant breaks");
}

/// <summary>
/// The chaos run: many concurrent requests (70 % responses, 30 % streams, mid-stream policy <c>continue</c>) over the three
/// emulated providers, each serving a seeded sequence of mixed faults, with every invariant of issue 13 checked per request
/// and at the end.
/// </summary>
public static class ChaosRun
{
    private static readonly HashSet<(CircuitState, CircuitState)> Legal =
    [
        (CircuitState.Closed, CircuitState.Open),
        (CircuitState.Open, CircuitState.HalfOpen),
        (CircuitState.HalfOpen, CircuitState.Closed),
        (CircuitState.HalfOpen, CircuitState.Open),
    ];

    private static readonly bool Debug = Environment.GetEnvironmentVariable("CHAOS_DEBUG") is not null;
    private static readonly ConcurrentDictionary<string, RouteReport> DebugRoutes = new();

    public static async Task<ChaosResult> RunAsync(ChaosSettings settings, TextSink? canary = null)
    {
        await using var host = await Emulated.StartAsync(Emulated.Kinds.Select(k => (k, k)), journalCapacity: Debug ? 100_000 : 16);
        var options = Emulated.FastOptions();
        options.Retry.MaxAttempts = 2;
        options.CircuitBreaker.FailureThreshold = 8;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromMilliseconds(200);
        // Generous timeouts: on a loaded 2-core machine a short one can fire before the request even reaches the emulator,
        // which would be an attempt without an upstream call. Stalls and timeouts are covered cell by cell in the matrix.
        options.AttemptTimeout = TimeSpan.FromSeconds(60);
        options.RequestTimeout = TimeSpan.FromSeconds(120);
        options.Streaming.MidStreamPolicy = MidStreamPolicy.Continue;
        options.Logging.Level = canary is null ? Microsoft.Extensions.Logging.LogLevel.Warning : Microsoft.Extensions.Logging.LogLevel.Trace;
        var logFile = canary is null ? null : Path.Combine(Path.GetTempPath(), $"flexiai-chaos-{Guid.NewGuid():N}.log");
        options.Logging.File = logFile;
        for (var i = 0; i < Emulated.Kinds.Length; i++)
        {
            options.Providers.Add(Emulated.Provider(host, Emulated.Kinds[i], Emulated.Kinds[i], i + 1));
        }

        var result = new ChaosResult { Requests = settings.Requests };
        var transitions = new ConcurrentQueue<CircuitStateChange>();
        var client = new FlexiAIClient(options, Emulated.ClientOptions(canary?.Hooks(), canary?.LoggerFactory));
        try
        {
            client.CircuitStateChanged += (_, change) => transitions.Enqueue(change);

            // Warm up at full concurrency (JIT, connection and buffer pools grow to their working size), then measure memory from here.
            await RunRequestsAsync(client, Math.Min(Math.Max(settings.Concurrency, settings.Requests / 5), 2_000), settings.Concurrency, "warm-up", settings.Seed, new ChaosResult(), canary).ConfigureAwait(false);
            foreach (var instance in host.Instances)
            {
                instance.Journal.Clear();
                ScriptFaults(instance, settings, (int)(settings.Requests * 2.5) + 100);
            }

            var before = Settle();
            var clock = Stopwatch.StartNew();
            await RunRequestsAsync(client, settings.Requests, settings.Concurrency, "chaos", settings.Seed, result, canary).ConfigureAwait(false);
            result.Elapsed = clock.Elapsed;

            result.UpstreamCalls = host.Instances.Sum(i => (long)i.Journal.Count);
            if (Debug)
            {
                var entries = host.Instances.SelectMany(i => i.Journal.Entries.Select(e => (i.Name, e.Body))).ToList();
                foreach (var (prompt, r) in DebugRoutes)
                {
                    var calls = entries.Count(e => e.Body.Contains(prompt, StringComparison.Ordinal));
                    var attempts = r.Attempts.Count(a => a.Outcome is AttemptOutcome.Failed or AttemptOutcome.Interrupted or AttemptOutcome.Succeeded);
                    if (calls != attempts)
                    {
                        Console.WriteLine($"MISMATCH {prompt}: journal {calls}, route {r}");
                    }
                }
            }

            result.FaultsInjected = host.Instances.Sum(i => i.Faults.Injected);
            if (result.UpstreamCalls != result.RouteAttempts)
            {
                result.Breaks.Enqueue($"upstream calls {result.UpstreamCalls} (journals) != attempts in route reports {result.RouteAttempts}: retry amplification or an unreported call");
            }

            foreach (var change in transitions)
            {
                if (!Legal.Contains((change.From, change.To)))
                {
                    result.Breaks.Enqueue($"illegal breaker transition {change.Provider}: {change.From} -> {change.To} ({change.Reason})");
                }
            }

            result.Transitions = transitions.Count;
            foreach (var instance in host.Instances)
            {
                instance.Faults.Clear();
                instance.Journal.Clear();
            }

            result.MemoryGrowth = Settle() - before;
            if (result.MemoryGrowth > settings.MemoryBoundBytes)
            {
                result.Breaks.Enqueue($"managed memory grew by {result.MemoryGrowth / 1024} KB, above the bound of {settings.MemoryBoundBytes / 1024} KB");
            }

            if (canary is not null)
            {
                canary.Add(client.ExportConfiguration());
                canary.Add(string.Join("\n", client.GetProviderStatus()));
                foreach (var change in transitions)
                {
                    canary.Add(change.ToString());
                }
            }
        }
        finally
        {
            client.Dispose();
            if (logFile is not null)
            {
                canary!.AddFile(logFile);
                File.Delete(logFile);
            }
        }

        SuiteSummary.AddRequests(result.Requests);
        SuiteSummary.AddInvariantBreaks(result.Breaks.Count);
        return result;
    }

    /// <summary>Queues a seeded sequence of faults: about <see cref="ChaosSettings.FaultRatio"/> of them real, the rest "no fault" (zero latency).</summary>
    private static void ScriptFaults(EmulatedInstance instance, ChaosSettings settings, int count)
    {
        var random = new Random(HashCode.Combine(settings.Seed, instance.Name.Length, instance.Name[0]));
        var none = Fault.Delay(TimeSpan.Zero);
        var overloaded = instance.Options.Kind == EmulatedProviderKind.Anthropic ? 529 : 503;
        Fault[] faults =
        [
            Fault.Status(503), Fault.Status(500), Fault.Status(502), Fault.Status(504), Fault.Status(overloaded),
            Fault.Status(429, retryAfterMs: TimeSpan.FromMilliseconds(5)), Fault.Status(429, retryAfter: TimeSpan.FromSeconds(30)),
            Fault.Status(401), Fault.Status(404), Fault.Status(400, message: ContextLengthMessage(instance.Options.Kind)),
            Fault.ResetConnection(), Fault.MalformedJson(2), Fault.Truncate(2), Fault.Truncate(0),
            Fault.StreamError(2, overloaded), Fault.StreamError(1, overloaded), Fault.MalformedJson(0),
        ];
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            var fault = roll >= settings.FaultRatio ? none
                : roll < settings.FaultRatio * 0.01 ? Fault.Status(400)
                : faults[random.Next(faults.Length)];
            instance.Faults.FailNext(1, fault);
        }
    }

    private static string ContextLengthMessage(EmulatedProviderKind kind) => kind switch
    {
        EmulatedProviderKind.OpenAI => "This model's maximum context length is 128000 tokens.",
        EmulatedProviderKind.Anthropic => "prompt is too long: 250000 tokens > 200000 maximum",
        _ => "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
    };

    private static async Task RunRequestsAsync(FlexiAIClient client, int requests, int concurrency, string tag, int seed, ChaosResult result, TextSink? canary)
    {
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(concurrency, requests)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var stream = new Random(HashCode.Combine(seed, i)).NextDouble() < 0.3;
                await OneAsync(client, $"{tag} request {i}: tell me something", stream, result, canary).ConfigureAwait(false);
            }
        }));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private static async Task OneAsync(FlexiAIClient client, string prompt, bool stream, ChaosResult result, TextSink? canary)
    {
        var seen = new System.Text.StringBuilder();
        RouteReport? route = null;
        try
        {
            if (stream)
            {
                (_, route) = await Emulated.ReadStreamAsync(client, prompt, piece => seen.Append(piece)).ConfigureAwait(false);
                CheckStreamText(prompt, seen.ToString(), route, complete: true, result);
            }
            else
            {
                var response = await client.GetResponseAsync(prompt).ConfigureAwait(false);
                route = response.GetRoute();
                if (response.Text != Emulated.Reply(route.Provider!, prompt))
                {
                    result.Breaks.Enqueue($"[{prompt}] answer \"{response.Text}\" is not {route.Provider}'s deterministic reply");
                }
            }

            Check(route is not null && route.Attempts[^1].Outcome == AttemptOutcome.Succeeded && route.Attempts[^1].Provider == route.Provider, prompt, "the route does not end with the answering provider's success", result);
            lock (result)
            {
                result.Answered++;
            }
        }
        catch (Exception ex)
        {
            canary?.Add(ex.ToString());
            route = (ex as FlexiAIException)?.Route;
            var documented = ex switch
            {
                StreamInterruptedException interrupted => stream && interrupted.PartialText == seen.ToString() && route is not null,
                AllProvidersFailedException all => all.Route is not null && all.Errors.Count > 0 && seen.Length == 0,
                ProviderException provider => provider.Category is ErrorCategory.InvalidRequest or ErrorCategory.ContentFiltered && seen.Length == 0,
                _ => false,
            };
            Check(documented, prompt, $"undocumented failure {ex.GetType().Name}: {ex.Message}", result);
            if (ex is StreamInterruptedException && route is not null)
            {
                CheckStreamText(prompt, seen.ToString(), route, complete: false, result);
            }

            lock (result)
            {
                result.DocumentedErrors++;
            }
        }

        canary?.Add(route?.ToString());
        if (route is not null)
        {
            if (Debug)
            {
                DebugRoutes[prompt + "\""] = route;
            }

            Interlocked.Add(ref result.RouteAttemptsField, route.Attempts.Count(a => a.Outcome is AttemptOutcome.Failed or AttemptOutcome.Interrupted or AttemptOutcome.Succeeded));
        }
        else
        {
            result.Breaks.Enqueue($"[{prompt}] no route report");
        }
    }

    /// <summary>
    /// The streamed text is the text-carrying attempts' segments in order (boundaries at each attempt's <c>ContinuedAt</c>): the
    /// first is a prefix of its provider's reply, each later one a prefix of its provider's continuation, and the last (when the
    /// stream completed) the whole of it — so nothing was repeated or dropped.
    /// </summary>
    private static void CheckStreamText(string prompt, string text, RouteReport? route, bool complete, ChaosResult result)
    {
        if (route is null)
        {
            result.Breaks.Enqueue($"[{prompt}] stream without a route");
            return;
        }

        var carriers = route.Attempts.Where(a => a.Outcome is AttemptOutcome.Interrupted or AttemptOutcome.Succeeded).ToList();
        for (var k = 0; k < carriers.Count; k++)
        {
            var start = carriers[k].ContinuedAt ?? 0;
            var end = k + 1 < carriers.Count ? carriers[k + 1].ContinuedAt ?? -1 : text.Length;
            if (start < 0 || end < start || end > text.Length)
            {
                result.Breaks.Enqueue($"[{prompt}] impossible continuation points {start}..{end} in \"{text}\" ({route})");
                return;
            }

            var segment = text[start..end];
            var expected = start == 0 ? Emulated.Reply(carriers[k].Provider, prompt) : Emulated.Continuation(carriers[k].Provider);
            var last = k == carriers.Count - 1 && complete;
            if (last ? segment != expected : !expected.StartsWith(segment, StringComparison.Ordinal))
            {
                result.Breaks.Enqueue($"[{prompt}] stream segment {k} \"{segment}\" from {carriers[k].Provider} is not {(last ? "its whole reply" : "a prefix of its reply")} \"{expected}\" ({route})");
            }
        }

        if (carriers.Count == 0 && text.Length > 0)
        {
            result.Breaks.Enqueue($"[{prompt}] text \"{text}\" but no attempt delivered any ({route})");
        }
    }

    private static void Check(bool ok, string prompt, string what, ChaosResult result)
    {
        if (!ok)
        {
            result.Breaks.Enqueue($"[{prompt}] {what}");
        }
    }

    private static long Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
