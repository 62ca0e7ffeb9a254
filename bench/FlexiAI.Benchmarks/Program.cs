using BenchmarkDotNet.Running;
using FlexiAI.Benchmarks;

if (args.Length > 0 && args[0] == "emulator-throughput")
{
    var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
    var concurrency = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 32;
    return await EmulatorThroughput.RunAsync(TimeSpan.FromSeconds(seconds), concurrency);
}

BenchmarkSwitcher.FromAssembly(typeof(EmulatorThroughput).Assembly).Run(args);
return 0;
