using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// Non-streaming over real HTTP: the official OpenAI SDK's IChatClient (as FlexiAI's factory builds it, retries off) against
/// the emulator on loopback, called directly vs through FlexiAIClient, plus two steps in between that split the overhead:
/// the direct call under a per-call deadline token (what FlexiAI's attempt deadline adds) and FlexiAI's provider wrappers
/// alone. The allocation column counts every thread, so it includes the emulator's server side; compare differences.
/// </summary>
[MemoryDiagnoser]
public class LoopbackBenchmarks
{
    private LoopbackFixture _fixture = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = LoopbackFixture.StartAsync().GetAwaiter().GetResult();

        // Warm the emulator's side too (its JIT tiers, Kestrel's pools) before the first benchmark, or whichever runs first
        // pays for it: BenchmarkDotNet runs the benchmarks one after another, each after its own warm-up only.
        for (var i = 0; i < 2000; i++)
        {
            _ = _fixture.Direct.GetResponseAsync(_fixture.Messages).GetAwaiter().GetResult();
            _ = _fixture.FlexiAI.GetResponseAsync(_fixture.Messages).GetAwaiter().GetResult();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Benchmark(Baseline = true, Description = "OpenAI SDK direct")]
    public Task<ChatResponse> Direct() => _fixture.Direct.GetResponseAsync(_fixture.Messages);

    [Benchmark(Description = "OpenAI SDK direct + a deadline token")]
    public Task<ChatResponse> DirectWithDeadline() => _fixture.DirectWithDeadlineAsync();

    [Benchmark(Description = "FlexiAI's provider wrappers → OpenAI SDK")]
    public Task<ChatResponse> Wrapped() => _fixture.Wrapped.GetResponseAsync(_fixture.Messages);

    [Benchmark(Description = "FlexiAI → OpenAI SDK")]
    public Task<ChatResponse> FlexiAI() => _fixture.FlexiAI.GetResponseAsync(_fixture.Messages);

    [GlobalCleanup]
    public void Cleanup() => _fixture.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
