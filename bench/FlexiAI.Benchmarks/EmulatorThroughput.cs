using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using FlexiAI.Emulator;

namespace FlexiAI.Benchmarks;

/// <summary>
/// Load test of the emulator: N concurrent loopback clients send non-streaming OpenAI requests for a fixed time.
/// Client and server share the machine, so the number is a lower bound of what the emulator serves.
/// </summary>
public static class EmulatorThroughput
{
    public static async Task<int> RunAsync(TimeSpan duration, int concurrency)
    {
        await using var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard());
        var instance = emulator["openai"];
        instance.Options.JournalCapacity = 1000;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        var url = new Uri(instance.BaseUrl + "/chat/completions");
        var body = Encoding.UTF8.GetBytes("""{"model":"gpt-4.1-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is a circuit breaker?"}]}""");

        async Task<long> Worker(CancellationToken stop)
        {
            long done = 0;
            while (!stop.IsCancellationRequested)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-load-test");
                using var response = await http.SendAsync(request, CancellationToken.None);
                _ = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"HTTP {(int)response.StatusCode}");
                }

                done++;
            }

            return done;
        }

        // Warm up (JIT, connections), then measure.
        using (var warm = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Worker(warm.Token)));
        }

        using var stop = new CancellationTokenSource(duration);
        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Worker(stop.Token)));
        watch.Stop();
        var total = counts.Sum();
        Console.WriteLine($"emulator throughput: {total} non-streaming OpenAI requests in {watch.Elapsed.TotalSeconds:F1} s with {concurrency} concurrent clients = {total / watch.Elapsed.TotalSeconds:F0} requests/s ({Environment.ProcessorCount} cores, client and server in one process)");
        return 0;
    }
}
