using System.Diagnostics;
using System.Globalization;
using FlexiAI.Emulator;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// <c>loopback-split</c>: where a request's time goes, measured in place. A stopwatch layer sits directly on the OpenAI SDK
/// client and stamps when the SDK call starts and when its task completes; the caller stamps before the call and after its
/// await. So each request splits into <em>before</em> (the caller's call until the SDK starts), <em>SDK</em> (the SDK call
/// itself, HTTP included) and <em>after</em> (the SDK's completion until the caller resumes). Direct, FlexiAI's provider
/// wrappers, and FlexiAI take turns in interleaved blocks; the stopwatch layer is the same in all three, so the differences
/// of <em>before</em> and <em>after</em> are FlexiAI's own time on the request path, with the caches as a real request leaves
/// them (unlike a tight in-memory loop), and a change of <em>SDK</em> is what FlexiAI's arguments (the deadline token) cost
/// inside the SDK.
/// </summary>
internal static class LoopbackSplit
{
    public static async Task<int> RunAsync(int repeats, int rounds, int perBlock)
    {
        await using var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard()).ConfigureAwait(false);
        emulator["openai"].Options.JournalCapacity = 100;
        var provider = new ProviderOptions { Name = "openai", Type = ProviderTypes.OpenAI, Priority = 1, Model = "gpt-4.1-mini", ApiKey = "bench", BaseUrl = emulator["openai"].BaseUrl };
        using var stamps = new StampingChatClient(OpenAIProviderFactory.CreateSdkClient(provider, http: null).GetChatClient(provider.Model).AsIChatClient());

        // The same wrappers the OpenAI factory puts around the SDK client, here around the stopwatch layer.
        using var wrapped = new ResponseDataChatClient(stamps, OpenAIWireRules.ResponseData);
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(new ProviderOptions { Name = provider.Name, Type = ProviderTypes.OpenAI, Priority = 1, Model = provider.Model, ChatClient = wrapped, Adapter = new OpenAIProviderAdapter(new ProviderFactoryContext(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, null)) });
        using var flexiAI = new FlexiAIClient(options);
        List<ChatMessage> messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "What is a circuit breaker?")];
        (string Name, IChatClient Client)[] variants = [("direct", stamps), ("wrappers", wrapped), ("FlexiAI", flexiAI)];
        Console.WriteLine($"loopback split (openai): {repeats} repeats × {rounds} rounds × {perBlock} sequential requests per variant and round, interleaved; {Environment.ProcessorCount} cores; load average {Machine.LoadAverage()}");

        for (var i = 0; i < 3000; i++)
        {
            await variants[i % 3].Client.GetResponseAsync(messages).ConfigureAwait(false);
        }

        var n = variants.Length;
        var results = new double[repeats, n, 3];
        for (var r = 0; r < repeats; r++)
        {
            var parts = new List<double>[n, 3];
            for (var v = 0; v < n; v++)
            {
                for (var p = 0; p < 3; p++)
                {
                    parts[v, p] = new List<double>(rounds * perBlock);
                }
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < n; k++)
                {
                    var v = (k + round) % n;
                    var client = variants[v].Client;
                    for (var i = 0; i < perBlock; i++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await client.GetResponseAsync(messages).ConfigureAwait(false);
                        var end = Stopwatch.GetTimestamp();
                        parts[v, 0].Add(Stopwatch.GetElapsedTime(start, stamps.CallStarted).TotalMicroseconds);
                        parts[v, 1].Add(Stopwatch.GetElapsedTime(stamps.CallStarted, stamps.CallCompleted).TotalMicroseconds);
                        parts[v, 2].Add(Stopwatch.GetElapsedTime(stamps.CallCompleted, end).TotalMicroseconds);
                    }
                }
            }

            for (var v = 0; v < n; v++)
            {
                for (var p = 0; p < 3; p++)
                {
                    parts[v, p].Sort();
                    results[r, v, p] = parts[v, p][parts[v, p].Count / 2];
                }
            }
        }

        Console.WriteLine("| variant | before the SDK call (p50) | SDK call (p50) | after the SDK call (p50) | Δ before + after vs direct |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        for (var v = 0; v < n; v++)
        {
            string Cell(int p) => Summary([.. Enumerable.Range(0, repeats).Select(r => results[r, v, p])], "F2");
            var delta = v == 0 ? "—" : Summary([.. Enumerable.Range(0, repeats).Select(r => results[r, v, 0] + results[r, v, 2] - results[r, 0, 0] - results[r, 0, 2])], "+0.00;-0.00") + " µs";
            Console.WriteLine($"| {variants[v].Name} | {Cell(0)} µs | {Cell(1)} µs | {Cell(2)} µs | {delta} |");
        }

        Console.WriteLine($"(median over repeats, [min – max]; load average after: {Machine.LoadAverage()})");
        return 0;
    }

    private static string Summary(double[] values, string format)
    {
        var sorted = values.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{median.ToString(format, CultureInfo.InvariantCulture)} [{sorted[0].ToString(format, CultureInfo.InvariantCulture)} – {sorted[^1].ToString(format, CultureInfo.InvariantCulture)}]");
    }

    /// <summary>Stamps the start of the SDK call and the completion of its task; one request at a time.</summary>
    private sealed class StampingChatClient(IChatClient inner) : DelegatingChatClient(inner)
    {
        public long CallStarted { get; private set; }

        public long CallCompleted { get; private set; }

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            CallStarted = Stopwatch.GetTimestamp();
            var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            CallCompleted = Stopwatch.GetTimestamp();
            return response;
        }
    }
}
