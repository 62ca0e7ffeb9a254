using FlexiAI;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// FlexiAI in a Generic Host: options bound from configuration (here an in-memory "appsettings"), validated on start, two clients
// (the default one and a keyed "fast" one) injected into a worker, clock / logging / breaker store from DI.
await using var providers = await SampleProviders.CreateAsync();

var builder = Host.CreateApplicationBuilder(args);
// In an application these keys live in appsettings.json ("FlexiAI": { "providers": [ … ] }) and environment variables.
builder.Configuration.AddInMemoryCollection(providers.ToConfiguration("FlexiAI"));
builder.Configuration.AddInMemoryCollection(providers.ToConfiguration("FastAI", providers.Options.Providers[^1].Name));
builder.Configuration["FlexiAI:retry:max_attempts"] = "2";
builder.Logging.AddFilter("FlexiAI", LogLevel.Warning);
builder.Services.AddSingleton<ICircuitStateStore>(new InMemoryCircuitStateStore());   // e.g. a Redis-backed store shared by a fleet
builder.Services.AddFlexiAI(builder.Configuration.GetSection("FlexiAI"));             // IChatClient, FlexiAIClient
builder.Services.AddFlexiAI("fast", builder.Configuration.GetSection("FastAI"));     // [FromKeyedServices("fast")] IChatClient
builder.Services.AddHostedService<AskWorker>();

using var host = builder.Build();
await host.RunAsync();

// Validation on start: a broken configuration stops the host before it serves anything, naming the client, the path and the fix.
var broken = Host.CreateApplicationBuilder(args);
broken.Configuration["FlexiAI:providers:0:name"] = "openai";
broken.Configuration["FlexiAI:retry:max_attempts"] = "0";
broken.Logging.ClearProviders();
broken.Services.AddFlexiAI(broken.Configuration.GetSection("FlexiAI"));
try
{
    using var invalid = broken.Build();
    await invalid.StartAsync();
}
catch (OptionsValidationException ex)
{
    Console.WriteLine("A broken configuration stops the host on start:");
    foreach (var failure in ex.Failures)
    {
        Console.WriteLine($"  {failure}");
    }
}

/// <summary>Asks both clients once, prints the routes, then stops the host.</summary>
internal sealed class AskWorker(
    IChatClient chat,
    [FromKeyedServices("fast")] IChatClient fast,
    IOptionsMonitor<FlexiAIOptions> options,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var reply = await chat.GetResponseAsync("What does a circuit breaker protect?", cancellationToken: stoppingToken);
            Console.WriteLine($"default client: {reply.Text}\n  route: {reply.GetRoute()}");

            Console.Write("fast client, streamed: ");
            await foreach (var update in fast.GetStreamingResponseAsync("Say hello.", cancellationToken: stoppingToken))
            {
                Console.Write(update.Text);
                if (update.TryGetRoute() is { } route)
                {
                    Console.WriteLine($"\n  route: {route}");
                }
            }

            var providerNames = string.Join(", ", options.CurrentValue.Providers.Select(p => p.Name));
            Console.WriteLine($"IOptionsMonitor<FlexiAIOptions>: default client → {providerNames}; \"fast\" → {options.Get("fast").Providers[0].Name}");
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
