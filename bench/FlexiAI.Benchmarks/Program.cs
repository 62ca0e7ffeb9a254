using System.Globalization;
using BenchmarkDotNet.Running;
using FlexiAI;
using FlexiAI.Benchmarks;

static int Arg(string[] args, int index, int fallback) =>
    args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static string Provider(string[] args) =>
    Array.IndexOf(args, "--provider") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : ProviderTypes.OpenAI;

switch (args.Length > 0 ? args[0] : null)
{
    case "emulator-throughput":
        return await EmulatorThroughput.RunAsync(TimeSpan.FromSeconds(Arg(args, 1, 10)), Arg(args, 2, 32));
    case "loopback-latency":
        // loopback-latency [repeats=5] [rounds=40] [requests per block=25] [--provider openai|anthropic]
        return await LoopbackPaired.RunLatencyAsync(Arg(args, 1, 5), Arg(args, 2, 40), Arg(args, 3, 25), Provider(args));
    case "loopback-throughput":
        // loopback-throughput [rounds=10] [seconds per side=2] [concurrency=256] [--provider openai|anthropic]
        return await LoopbackPaired.RunThroughputAsync(Arg(args, 1, 10), TimeSpan.FromSeconds(Arg(args, 2, 2)), Arg(args, 3, 256), Provider(args));
    case "loopback-alloc":
        // loopback-alloc [requests per variant=40000] [types shown=30] [--provider openai|anthropic]
        return await LoopbackAllocationTrace.RunAsync(Arg(args, 1, 40_000), Arg(args, 2, 30), Provider(args));
    case "loopback-split":
        // loopback-split [repeats=5] [rounds=40] [requests per block=25]: before / inside / after the SDK call, in place
        return await LoopbackSplit.RunAsync(Arg(args, 1, 5), Arg(args, 2, 40), Arg(args, 3, 25));
    case "loopback-loop":
        // loopback-loop VARIANT [requests=60000] [--provider openai|anthropic]: one ladder step in a loop, to profile from outside
        return await LoopbackPaired.RunLoopAsync(args.Length > 1 ? args[1] : "FlexiAI", Arg(args, 2, 60_000), Provider(args));
    case "obs-alloc":
        // obs-alloc [requests per variant=200000] [types shown=40]: where the observed success path's bytes go (issue 11)
        return await ObservabilityAllocationTrace.RunAsync(Arg(args, 1, 200_000), Arg(args, 2, 40));
    case "obs-paired":
        // obs-paired [rounds=400] [requests per block=200]: the observability time targets, interleaved, medians with spread (issue 11)
        return await ObservabilityPaired.RunAsync(Arg(args, 1, 400), Arg(args, 2, 200));
    case "redis-paired":
        // redis-paired [rounds=400] [requests per block=200]: closed breaker, Redis store vs in-memory store, interleaved (issue 16)
        return await RedisStorePaired.RunAsync(Arg(args, 1, 400), Arg(args, 2, 200));
    case "cold-paired":
        // cold-paired [requests=20000]: the in-memory success path with the CPU caches evicted before each request (issue 9)
        return await ColdPaired.RunAsync(Arg(args, 1, 20_000));
    case "obs-alloc-parts":
        return ObservabilityAllocationTrace.Parts();
    case "chaos":
        // chaos [requests per run=4000] [concurrency=256] [--mode off|consecutive|ratio|panic|reliable|balanced]
        //       [--scenario flaky|one-dead|recovery|failover-latency]: availability by breaker mode (issue 14)
        return await AvailabilityChaos.RunAsync(Arg(args, 1, 4000), Arg(args, 2, 256),
            Array.IndexOf(args, "--mode") is var m and >= 0 && m + 1 < args.Length ? args[m + 1] : null,
            Array.IndexOf(args, "--scenario") is var sc and >= 0 && sc + 1 < args.Length ? args[sc + 1] : null);
    case "gateway-loop":
        // gateway-loop [seconds=30] [concurrency=16]: only SDK → gateway → emulator, for a profiler attached from outside
        return await GatewayOverhead.RunLoopAsync(TimeSpan.FromSeconds(Arg(args, 1, 30)), Arg(args, 2, 16));
    case "gateway-chunks":
        // gateway-chunks [streams=400] [emulator delay between chunks, ms=0]: when each streamed update arrives, directly, through a bare hop and through the gateway
        return await GatewayOverhead.RunChunksAsync(Arg(args, 1, 400), TimeSpan.FromMilliseconds(Arg(args, 2, 0)));
    case "gateway-overhead":
        // gateway-overhead [rounds=20] [requests per block=25] [seconds per side=2] [provider latency ms=0] [delay between stream chunks ms=1]:
        //   SDK → gateway → emulator vs SDK → a bare forwarding hop → emulator vs SDK → emulator (issue 17)
        return await GatewayOverhead.RunAsync(Arg(args, 1, 20), Arg(args, 2, 25), TimeSpan.FromSeconds(Arg(args, 3, 2)), Arg(args, 4, 0) > 0 ? [64, 256] : [1, 64, 256], TimeSpan.FromMilliseconds(Arg(args, 4, 0)), TimeSpan.FromMilliseconds(Arg(args, 5, 1)));
    default:
        BenchmarkSwitcher.FromAssembly(typeof(EmulatorThroughput).Assembly).Run(args);
        return 0;
}
