using FlexiAI;
using FlexiAI.Emulator;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;

// Failover on the emulator: the primary goes down, requests fail over, its breaker opens, it recovers and the half-open probe
// closes the breaker. (With real keys, the providers are real and no fault is injected.)
await using var providers = await SampleProviders.CreateAsync();
var options = providers.Options;
options.Retry.MaxAttempts = 1;
options.CircuitBreaker.FailureThreshold = 2;
options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(2);
using var ai = new FlexiAIClient(options);
ai.CircuitStateChanged += (_, c) => Console.WriteLine($"    circuit {c.Provider}: {c.From} -> {c.To} ({c.Reason})");

async Task Ask(string label)
{
    var reply = await ai.GetResponseAsync("Hello");
    Console.WriteLine($"{label,-40} route: {reply.GetRoute()}");
}

var primary = ai.PrimaryProvider!;
await Ask("1. all healthy");
providers.Emulator?[primary].Faults.FailAlways(Fault.Status(503));
await Ask($"2. {primary} down: fails over");
await Ask("   fails over, breaker opens");
await Ask($"   {primary} skipped, no call");
providers.Emulator?[primary].Faults.Clear();
await Task.Delay(TimeSpan.FromSeconds(2.2));
await Ask($"3. {primary} recovered: half-open probe");
