using FlexiAI;
using FlexiAI.Samples.Failover;
using Microsoft.Extensions.AI;

// A failover walk-through with simulated providers: no keys, no network.
var openai = new SimulatedProvider("openai");
var vertex = new SimulatedProvider("vertexai");
var anthropic = new SimulatedProvider("anthropic");

var options = new FlexiAIOptions();
options.Providers.Add(new ProviderOptions { Name = "openai", Priority = 1, Model = "gpt-4.1-mini", ChatClient = openai });
options.Providers.Add(new ProviderOptions { Name = "vertexai", Priority = 2, Model = "gemini-2.0-flash", ChatClient = vertex });
options.Providers.Add(new ProviderOptions { Name = "anthropic", Priority = 3, Model = "claude-3-5-haiku", ChatClient = anthropic });
options.CircuitBreaker.FailureThreshold = 2;
options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(2);
options.Retry.MaxAttempts = 1;

using var ai = new FlexiAIClient(options);
ai.CircuitStateChanged += (_, c) => Console.WriteLine($"    circuit {c.Provider}: {c.From} -> {c.To} ({c.Reason})");

async Task Ask(string label)
{
    try
    {
        var reply = await ai.GetResponseAsync("Hello");
        Console.WriteLine($"{label,-34} {reply.Text,-26} route: {reply.GetRoute()}");
    }
    catch (AllProvidersFailedException ex)
    {
        Console.WriteLine($"{label,-34} all providers failed: {ex.Message.Split('\n')[0]}");
    }
}

Console.WriteLine("1. All providers healthy");
await Ask("  request");
Console.WriteLine("2. openai goes down");
openai.Down = true;
await Ask("  request (fails over)");
await Ask("  request (fails over, breaker opens)");
await Ask("  request (openai skipped, no call)");
Console.WriteLine("3. openai recovers; waiting for the recovery timeout");
openai.Down = false;
await Task.Delay(TimeSpan.FromSeconds(2.1));
await Ask("  request (half-open probe)");
Console.WriteLine("4. Streaming while openai is down again (failover before the first token)");
openai.Down = true;
ai.ResetCircuitBreakers();
var text = "";
RouteReport? route = null;
await foreach (var update in ai.GetStreamingResponseAsync("Hello"))
{
    text += update.Text;
    route = update.TryGetRoute() ?? route;
}

Console.WriteLine($"  streamed: {text.Trim()}  route: {route}");
Console.WriteLine();
Console.WriteLine("Provider status:");
foreach (var s in ai.GetProviderStatus())
{
    Console.WriteLine($"  {s.Position}. {s.Name,-10} {s.Model,-18} circuit {s.State,-8} failures {s.ConsecutiveFailures} last error {s.LastErrorCategory?.ToString() ?? "-"}");
}
