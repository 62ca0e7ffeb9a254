using FlexiAI;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;

// The response cache: a layer in front of FlexiAIClient that answers repeated questions without calling a provider.
// Configuration: "cache": { "enabled": true, "ttl": "1h" } (or "backend": "redis" with the FlexiAI.Redis package); see docs/cache.md.
await using var providers = await SampleProviders.CreateAsync();
var options = providers.Options;
options.Cache = new ResponseCacheOptions { Enabled = true, Ttl = TimeSpan.FromMinutes(10) };
using var flexi = new FlexiAIClient(options);
using IChatClient ai = new ChatClientBuilder(flexi).UseFlexiAICache().Build();

var first = await ai.GetResponseAsync("What is a circuit breaker?");
Console.WriteLine($"first:  {first.GetRoute()}  cache hit: {first.GetRoute().CacheHit}");
var second = await ai.GetResponseAsync("What is a circuit breaker?");
Console.WriteLine($"second: cache hit: {second.GetRoute().CacheHit} from {second.GetRoute().CacheSource}, answered by {second.GetRoute().Provider}, same text: {second.Text == first.Text}");

// A hit replays as a stream too; the last update carries the route.
Console.Write("streamed: ");
await foreach (var update in ai.GetStreamingResponseAsync("What is a circuit breaker?"))
{
    Console.Write(update.Text);
    if (update.TryGetRoute() is { } route)
    {
        Console.WriteLine($"\n  stream cache hit: {route.CacheHit}");
    }
}

// Per request: bypass (no read, no write), refresh (no read, write), a TTL of its own.
var bypass = new ChatOptions { AdditionalProperties = new() { [ResponseCacheControl.BypassKey] = true } };
Console.WriteLine($"bypass: cache hit: {(await ai.GetResponseAsync("What is a circuit breaker?", bypass)).GetRoute().CacheHit}");

// A cached answer is still served while every provider is down.
foreach (var status in flexi.GetProviderStatus())
{
    await flexi.TripCircuitBreakerAsync(status.Name);
}

var whileDown = await ai.GetResponseAsync("What is a circuit breaker?");
Console.WriteLine($"every breaker open: cache hit: {whileDown.GetRoute().CacheHit}");

var metrics = flexi.GetMetrics();
Console.WriteLine($"cache hits: {metrics.CacheHits}, misses: {metrics.CacheMisses}, bypasses: {metrics.CacheBypasses}");
