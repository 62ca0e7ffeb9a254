using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using FlexiAI.Emulator;
using FlexiAI.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
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

    public static async Task<int> RunAsync(int rounds, int perBlock, TimeSpan throughputTime, int[] concurrencies, TimeSpan providerLatency, TimeSpan chunkDelay)
    {
        // A delay between stream chunks, as real providers have (tens of ms). With none, the emulator sends a whole answer in one
        // burst and a gateway's first chunk waits behind the conversion of all the others for its socket send on two busy cores,
        // so "time to first token" would measure the whole stream (gateway-chunks shows each chunk's arrival).
        var emulatorOptions = EmulatorOptions.Standard();
        foreach (var instance in emulatorOptions.Instances)
        {
            instance.FirstTokenLatency = providerLatency;
            instance.ChunkDelay = chunkDelay;
        }

        await using var emulator = await EmulatorHost.StartAsync(emulatorOptions).ConfigureAwait(false);
        var options = Options(emulator);
        using var gateway = Gateway(options);
        await using var host = await GatewayHost.StartAsync(gateway, "127.0.0.1", 0, configureLogging: _ => { }).ConfigureAwait(false);

        await using var forwarder = await StartForwarderAsync(emulator["openai"].BaseUrl).ConfigureAwait(false);
        await using var plainProxy = await StartPlainProxyAsync(emulator["openai"].BaseUrl).ConfigureAwait(false);
        using var flexiClient = new FlexiAIClient(options);
        await using var flexiProxy = await StartPlainProxyAsync(emulator["openai"].BaseUrl, flexiClient).ConfigureAwait(false);
        var direct = Sdk(emulator["openai"].BaseUrl);
        var viaGateway = Sdk(new Uri(host.Url, "v1"), "default", Key);
        var viaHop = Sdk(new Uri(forwarder.Urls.First() + "/v1"));
        var viaPlain = Sdk(new Uri(plainProxy.Urls.First() + "/v1"));
        List<ChatMessage> messages = [new UserChatMessage("Hello")];
        Func<Task> callDirect = () => direct.CompleteChatAsync(messages);
        Func<Task> callGateway = () => viaGateway.CompleteChatAsync(messages);
        Func<Task> callHop = () => viaHop.CompleteChatAsync(messages);
        Func<Task> callPlain = () => viaPlain.CompleteChatAsync(messages);
        var viaFlexi = Sdk(new Uri(flexiProxy.Urls.First() + "/v1"));
        Func<Task> callFlexi = () => viaFlexi.CompleteChatAsync(messages);

        Console.WriteLine($"gateway overhead: OpenAI .NET SDK → emulator directly vs → a bare forwarding hop → emulator vs → gateway → emulator; provider latency {providerLatency.TotalMilliseconds} ms, {chunkDelay.TotalMilliseconds} ms between stream chunks; {Environment.ProcessorCount} cores, load average {Machine.LoadAverage()}, all in one process");

        // Warm up: connections, and the JIT's tiering — with five paths through several HTTP stacks, the background JIT is still
        // busy (a sixth of all CPU samples) after 3 s; 30 s of mixed traffic lets it settle before anything is measured.
        var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            await callDirect().ConfigureAwait(false);
            await callGateway().ConfigureAwait(false);
            await callHop().ConfigureAwait(false);
            await callPlain().ConfigureAwait(false);
            await callFlexi().ConfigureAwait(false);
            await FirstTokenAsync(direct, messages).ConfigureAwait(false);
            await FirstTokenAsync(viaGateway, messages).ConfigureAwait(false);
            await FirstTokenAsync(viaHop, messages).ConfigureAwait(false);
        }

        // With a provider latency (a realistic answer time), only throughput is measured: sequential requests would take hours.
        if (providerLatency == TimeSpan.Zero)
        {
            // Sequential latency, interleaved blocks.
            var d = new List<double>();
            var g = new List<double>();
            var h = new List<double>();
            var pl = new List<double>();
            var fl = new List<double>();
            (Func<Task>, List<double>)[] sides = [(callDirect, d), (callHop, h), (callPlain, pl), (callFlexi, fl), (callGateway, g)];
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (call, into) in Rotate(sides, round))
                {
                    for (var i = 0; i < perBlock; i++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await call().ConfigureAwait(false);
                        into.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }
            }

            Console.WriteLine($"latency c=1 ({d.Count} requests each): direct p50 {P(d, 0.5):F3} ms p99 {P(d, 0.99):F3} ms | bare hop p50 {P(h, 0.5):F3} ms p99 {P(h, 0.99):F3} ms | gateway p50 {P(g, 0.5):F3} ms p99 {P(g, 0.99):F3} ms");
            Console.WriteLine($"  plain MEAI proxy (parse, the OpenAI SDK's IChatClient, write; no FlexiAI) p50 {P(pl, 0.5):F3} ms p99 {P(pl, 0.99):F3} ms; gateway over it p50 {P(g, 0.5) - P(pl, 0.5):F3} ms");
            Console.WriteLine($"  the same proxy over FlexiAIClient (no gateway keys, headers, metrics) p50 {P(fl, 0.5):F3} ms p99 {P(fl, 0.99):F3} ms: FlexiAI over the plain proxy p50 {P(fl, 0.5) - P(pl, 0.5):F3} ms; gateway over it p50 {P(g, 0.5) - P(fl, 0.5):F3} ms");
            Console.WriteLine($"  added over direct: bare hop p50 {P(h, 0.5) - P(d, 0.5):F3} ms p99 {P(h, 0.99) - P(d, 0.99):F3} ms | gateway p50 {P(g, 0.5) - P(d, 0.5):F3} ms p99 {P(g, 0.99) - P(d, 0.99):F3} ms | gateway over the bare hop p50 {P(g, 0.5) - P(h, 0.5):F3} ms");

            // Streaming time to first token, interleaved blocks.
            var sd = new List<double>();
            var sg = new List<double>();
            var sh = new List<double>();
            (ChatClient, List<double>)[] streamSides = [(direct, sd), (viaHop, sh), (viaGateway, sg)];
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (client, into) in Rotate(streamSides, round))
                {
                    for (var i = 0; i < perBlock; i++)
                    {
                        into.Add(await FirstTokenAsync(client, messages).ConfigureAwait(false));
                    }
                }
            }

            Console.WriteLine($"streaming TTFT ({sd.Count} streams each): direct p50 {P(sd, 0.5):F3} ms | bare hop p50 {P(sh, 0.5):F3} ms | gateway p50 {P(sg, 0.5):F3} ms | added p50: bare hop {P(sh, 0.5) - P(sd, 0.5):F3} ms, gateway {P(sg, 0.5) - P(sd, 0.5):F3} ms");
        }

        // Throughput at each concurrency, alternating sides round by round.
        foreach (var concurrency in concurrencies)
        {
            var ratios = new List<double>();
            var hopRatios = new List<double>();
            var plainRatios = new List<double>();
            double lastDirect = 0, lastGateway = 0, lastHop = 0;
            for (var round = 0; round < Math.Max(2, rounds / 4); round++)
            {
                var rates = new Dictionary<Func<Task>, double>();
                foreach (var call in Rotate([callDirect, callHop, callPlain, callGateway], round))
                {
                    rates[call] = await ThroughputAsync(call, concurrency, throughputTime).ConfigureAwait(false);
                }

                var (rd, rh, rg) = (rates[callDirect], rates[callHop], rates[callGateway]);
                ratios.Add(rg / rd);
                hopRatios.Add(rh / rd);
                plainRatios.Add(rates[callPlain] / rd);
                (lastDirect, lastGateway, lastHop) = (rd, rg, rh);
            }

            Console.WriteLine($"throughput c={concurrency}: gateway/direct median {P(ratios, 0.5):P1} (min {ratios.Min():P1}, max {ratios.Max():P1}); bare hop/direct median {P(hopRatios, 0.5):P1} (min {hopRatios.Min():P1}, max {hopRatios.Max():P1}); plain MEAI proxy/direct median {P(plainRatios, 0.5):P1} over {ratios.Count} rounds; last round direct {lastDirect:F0}/s bare hop {lastHop:F0}/s gateway {lastGateway:F0}/s");
        }

        Console.WriteLine($"load average at the end {Machine.LoadAverage()}");
        return 0;
    }

    /// <summary><c>gateway-loop</c>: only the gateway path, for a profiler attached from outside (dotnet-trace, perf).</summary>
    public static async Task<int> RunLoopAsync(TimeSpan duration, int concurrency)
    {
        await using var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard()).ConfigureAwait(false);
        using var gateway = Gateway(Options(emulator));
        await using var host = await GatewayHost.StartAsync(gateway, "127.0.0.1", 0, configureLogging: _ => { }).ConfigureAwait(false);
        var viaGateway = Sdk(new Uri(host.Url, "v1"), "default", Key);
        List<ChatMessage> messages = [new UserChatMessage("Hello")];
        Console.WriteLine($"gateway-loop: pid {Environment.ProcessId}, {duration.TotalSeconds} s at concurrency {concurrency}");
        var rate = await ThroughputAsync(() => viaGateway.CompleteChatAsync(messages), concurrency, duration).ConfigureAwait(false);
        Console.WriteLine($"{rate:F0} requests/s");
        return 0;
    }

    /// <summary><c>gateway-chunks</c>: when each streamed update arrives, directly and through the gateway (median over streams).</summary>
    public static async Task<int> RunChunksAsync(int streams, TimeSpan chunkDelay)
    {
        var emulatorOptions = EmulatorOptions.Standard();
        foreach (var instance in emulatorOptions.Instances)
        {
            instance.ChunkDelay = chunkDelay;
        }

        await using var emulator = await EmulatorHost.StartAsync(emulatorOptions).ConfigureAwait(false);
        using var gateway = Gateway(Options(emulator));
        await using var host = await GatewayHost.StartAsync(gateway, "127.0.0.1", 0, configureLogging: _ => { }).ConfigureAwait(false);
        await using var forwarder = await StartForwarderAsync(emulator["openai"].BaseUrl).ConfigureAwait(false);
        var direct = Sdk(emulator["openai"].BaseUrl);
        var viaGateway = Sdk(new Uri(host.Url, "v1"), "default", Key);
        var viaHop = Sdk(new Uri(forwarder.Urls.First() + "/v1"));
        List<ChatMessage> messages = [new UserChatMessage("Hello")];
        foreach (var (name, client) in new[] { ("direct", direct), ("bare hop", viaHop), ("gateway", viaGateway) })
        {
            await ArrivalsAsync(name, () => client.CompleteChatStreamingAsync(messages), streams).ConfigureAwait(false);
        }

        // The same streams in process through Microsoft.Extensions.AI: the SDK's IChatClient, and FlexiAIClient over it.
        using var flexi = new FlexiAIClient(Options(emulator));
        var sdk = Microsoft.Extensions.AI.OpenAIClientExtensions.AsIChatClient(direct);
        List<Microsoft.Extensions.AI.ChatMessage> meaiMessages = [new(Microsoft.Extensions.AI.ChatRole.User, "Hello")];
        foreach (var (name, client) in new (string, Microsoft.Extensions.AI.IChatClient)[] { ("SDK IChatClient (in process)", sdk), ("FlexiAIClient (in process)", flexi) })
        {
            await ArrivalsAsync(name, () => client.GetStreamingResponseAsync(meaiMessages), streams).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Opens <paramref name="streams"/> streams one after another; prints the median arrival time of each update over the second half.</summary>
    private static async Task ArrivalsAsync<T>(string name, Func<IAsyncEnumerable<T>> open, int streams)
    {
        var arrivals = new List<List<double>>();
        for (var i = 0; i < streams; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var times = new List<double>();
            await foreach (var update in open().ConfigureAwait(false))
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            if (i >= streams / 2)
            {
                arrivals.Add(times);
            }
        }

        var count = arrivals.Min(a => a.Count);
        var medians = Enumerable.Range(0, count).Select(k => P(arrivals.Select(a => a[k]).ToList(), 0.5));
        Console.WriteLine($"{name}: {count} updates, median arrival (ms): {string.Join(" ", medians.Select(m => m.ToString("F2", Inv)))}");
    }

    private static ChatClient Sdk(Uri endpoint, string model = "gpt-4.1-mini", string key = "sk-bench") =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = endpoint, RetryPolicy = new ClientRetryPolicy(0) });

    private static FlexiAIOptions Options(EmulatorHost emulator)
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Priority = 1, Model = "gpt-4.1-mini", ApiKey = "sk-bench", BaseUrl = emulator["openai"].BaseUrl });
        return options;
    }

    private static FlexiAIGateway Gateway(FlexiAIOptions options)
    {
        var gatewayOptions = new GatewayOptions();
        gatewayOptions.Keys.Add(new GatewayKeyOptions { Key = Key });
        return new FlexiAIGateway(options, gatewayOptions);
    }

    private static IEnumerable<T> Rotate<T>(T[] items, int round)
    {
        for (var i = 0; i < items.Length; i++)
        {
            yield return items[(i + round) % items.Length];
        }
    }

    /// <summary>
    /// The floor of any HTTP gateway: a Kestrel endpoint that copies the request body to the emulator with a plain
    /// <see cref="HttpClient"/> and copies the answer back as it arrives (streams included), with no parsing at all.
    /// </summary>
    private static async Task<WebApplication> StartForwarderAsync(Uri upstream)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => { k.AddServerHeader = false; k.Listen(System.Net.IPAddress.Loopback, 0); });
        var app = builder.Build();
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AutomaticDecompression = System.Net.DecompressionMethods.None });
        var target = new Uri(upstream.ToString().TrimEnd('/') + "/chat/completions");
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target);
            request.Content = new StreamContent(context.Request.Body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await using var upstreamBody = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await upstreamBody.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        });
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    /// <summary>
    /// What any .NET gateway built on the official SDK pays without FlexiAI: Kestrel, the gateway's own OpenAI request reader,
    /// the OpenAI SDK's <c>IChatClient</c> (as FlexiAI's OpenAI factory builds it, retries off), the gateway's response writer.
    /// No keys, routing, failover, cost or metrics (non-streaming only).
    /// </summary>
    private static async Task<WebApplication> StartPlainProxyAsync(Uri upstream, Microsoft.Extensions.AI.IChatClient? through = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => { k.AddServerHeader = false; k.Listen(System.Net.IPAddress.Loopback, 0); });
        var app = builder.Build();
        var sdk = through ?? Microsoft.Extensions.AI.OpenAIClientExtensions.AsIChatClient(
            new OpenAIClient(new ApiKeyCredential("sk-bench"), new OpenAIClientOptions { Endpoint = upstream, RetryPolicy = new ClientRetryPolicy(0) }).GetChatClient("gpt-4.1-mini"));
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var read = await context.Request.BodyReader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            while (!read.IsCompleted)
            {
                context.Request.BodyReader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                read = await context.Request.BodyReader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            }

            var reader = new System.Text.Json.Utf8JsonReader(read.Buffer);
            using var document = System.Text.Json.JsonDocument.ParseValue(ref reader);
            context.Request.BodyReader.AdvanceTo(read.Buffer.End);
            var request = ChatCompletionReader.Read(document.RootElement);
            var response = await sdk.GetResponseAsync(request.Messages, request.Options, context.RequestAborted).ConfigureAwait(false);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
            ChatCompletionWriter.WriteResponse(buffer, "chatcmpl-plain", 0, request.Model, response);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = buffer.WrittenCount;
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        return app;
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
}
