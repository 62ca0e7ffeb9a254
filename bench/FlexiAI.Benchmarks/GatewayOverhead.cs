using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using FlexiAI.Emulator;
using FlexiAI.Gateway;
using OpenAI;
using OpenAI.Chat;

namespace FlexiAI.Benchmarks;

/// <summary>
/// <c>gateway-overhead</c>: the gateway's added cost, measured paired and interleaved in one run. The same OpenAI .NET SDK client
/// code calls the emulator's OpenAI instance directly, or the gateway (<c>flexiai serve</c>'s host, Kestrel on loopback) in front of
/// the same instance; the two take turns in small blocks (order alternating every round), so drift of a shared machine hits both.
/// Reports: sequential non-streaming latency p50/p99 and the difference; throughput at each concurrency (ratio gateway/direct per
/// round, median with min–max); streaming time to first token p50 and the difference. Emulator, gateway and load generator share
/// this process and its cores.
/// </summary>
internal static class GatewayOverhead
{
    private const string Key = "bench-gateway-key";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(int rounds, int perBlock, TimeSpan throughputTime, int[] concurrencies)
    {
        var emulatorOptions = EmulatorOptions.Standard();
        await using var emulator = await EmulatorHost.StartAsync(emulatorOptions).ConfigureAwait(false);
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Priority = 1, Model = "gpt-4.1-mini", ApiKey = "sk-bench", BaseUrl = emulator["openai"].BaseUrl });
        var gatewayOptions = new GatewayOptions();
        gatewayOptions.Keys.Add(new GatewayKeyOptions { Key = Key });
        using var gateway = new FlexiAIGateway(options, gatewayOptions);
        await using var host = await GatewayHost.StartAsync(gateway, "127.0.0.1", 0, configureLogging: _ => { }).ConfigureAwait(false);

        var direct = new ChatClient("gpt-4.1-mini", new ApiKeyCredential("sk-bench"), new OpenAIClientOptions { Endpoint = emulator["openai"].BaseUrl, RetryPolicy = new ClientRetryPolicy(0) });
        var viaGateway = new ChatClient("default", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(host.Url, "v1"), RetryPolicy = new ClientRetryPolicy(0) });
        List<ChatMessage> messages = [new UserChatMessage("Hello")];
        Func<Task> callDirect = () => direct.CompleteChatAsync(messages);
        Func<Task> callGateway = () => viaGateway.CompleteChatAsync(messages);

        Console.WriteLine($"gateway overhead: OpenAI .NET SDK → emulator directly vs → gateway → emulator; {Environment.ProcessorCount} cores, load average {LoadAverage()}, all in one process");

        // Warm up: JIT tiers, connections.
        var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3;
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            await callDirect().ConfigureAwait(false);
            await callGateway().ConfigureAwait(false);
            await FirstTokenAsync(direct, messages).ConfigureAwait(false);
            await FirstTokenAsync(viaGateway, messages).ConfigureAwait(false);
        }

        // Sequential latency, interleaved blocks.
        var d = new List<double>();
        var g = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? new[] { (callDirect, d), (callGateway, g) } : [(callGateway, g), (callDirect, d)];
            foreach (var (call, into) in order)
            {
                for (var i = 0; i < perBlock; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await call().ConfigureAwait(false);
                    into.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }

        Console.WriteLine($"latency c=1 ({d.Count} requests each): direct p50 {P(d, 0.5):F3} ms p99 {P(d, 0.99):F3} ms | gateway p50 {P(g, 0.5):F3} ms p99 {P(g, 0.99):F3} ms | added p50 {P(g, 0.5) - P(d, 0.5):F3} ms p99 {P(g, 0.99) - P(d, 0.99):F3} ms");

        // Streaming time to first token, interleaved blocks.
        var sd = new List<double>();
        var sg = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? new[] { (direct, sd), (viaGateway, sg) } : [(viaGateway, sg), (direct, sd)];
            foreach (var (client, into) in order)
            {
                for (var i = 0; i < perBlock; i++)
                {
                    into.Add(await FirstTokenAsync(client, messages).ConfigureAwait(false));
                }
            }
        }

        Console.WriteLine($"streaming TTFT ({sd.Count} streams each): direct p50 {P(sd, 0.5):F3} ms | gateway p50 {P(sg, 0.5):F3} ms | added p50 {P(sg, 0.5) - P(sd, 0.5):F3} ms");

        // Throughput at each concurrency, alternating sides round by round.
        foreach (var concurrency in concurrencies)
        {
            var ratios = new List<double>();
            double lastDirect = 0, lastGateway = 0;
            for (var round = 0; round < Math.Max(2, rounds / 4); round++)
            {
                double rd, rg;
                if (round % 2 == 0)
                {
                    rd = await ThroughputAsync(callDirect, concurrency, throughputTime).ConfigureAwait(false);
                    rg = await ThroughputAsync(callGateway, concurrency, throughputTime).ConfigureAwait(false);
                }
                else
                {
                    rg = await ThroughputAsync(callGateway, concurrency, throughputTime).ConfigureAwait(false);
                    rd = await ThroughputAsync(callDirect, concurrency, throughputTime).ConfigureAwait(false);
                }

                ratios.Add(rg / rd);
                (lastDirect, lastGateway) = (rd, rg);
            }

            Console.WriteLine($"throughput c={concurrency}: gateway/direct median {P(ratios, 0.5):P1} (min {ratios.Min():P1}, max {ratios.Max():P1}) over {ratios.Count} rounds; last round direct {lastDirect:F0}/s gateway {lastGateway:F0}/s");
        }

        Console.WriteLine($"load average at the end {LoadAverage()}");
        return 0;
    }

    private static async Task<double> FirstTokenAsync(ChatClient client, List<ChatMessage> messages)
    {
        var start = Stopwatch.GetTimestamp();
        double first = 0;
        await foreach (var update in client.CompleteChatStreamingAsync(messages).ConfigureAwait(false))
        {
            if (first == 0 && update.ContentUpdate.Count > 0 && update.ContentUpdate[0].Text.Length > 0)
            {
                first = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        return first;
    }

    private static async Task<double> ThroughputAsync(Func<Task> call, int concurrency, TimeSpan duration)
    {
        var count = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                await call().ConfigureAwait(false);
                Interlocked.Increment(ref count);
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
        return count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double P(List<double> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
