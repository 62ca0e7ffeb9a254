using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlexiAI;
using FlexiAI.Emulator;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;

// Hooks: an audit log (one JSON line per event: who answered, how, how long, how many tokens — never the prompt or a key) and
// custom metrics (System.Diagnostics.Metrics, which OpenTelemetry and dotnet-counters read) fed from FlexiAI's hooks.
await using var providers = await SampleProviders.CreateAsync();
var options = providers.Options;
options.Retry.MaxAttempts = 1;
using var ai = new FlexiAIClient(options);

using var meter = new Meter("MyCompany.AI");
var requests = meter.CreateCounter<long>("myapp.ai.requests", description: "Answered requests by provider.");
var tokens = meter.CreateHistogram<long>("myapp.ai.tokens", unit: "{token}", description: "Tokens per answered request.");
var failovers = meter.CreateCounter<long>("myapp.ai.failovers", description: "Moves from one provider to the next.");
var errors = meter.CreateCounter<long>("myapp.ai.attempt_errors", description: "Failed attempts by provider and exception type.");

var audit = new List<string>();
var json = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter() } };
void Audit(object entry)
{
    var line = JsonSerializer.Serialize(entry, json);
    audit.Add(line);
    Console.WriteLine($"  audit {line}");
}

ai.Hooks
    .OnBeforeRequest((c, _) =>
    {
        Audit(new { c.Event, c.CorrelationId, c.Provider, c.Model, c.AttemptNumber, Messages = c.Messages?.Count });
        return ValueTask.CompletedTask;
    })
    .OnAfterResponse((c, _) =>
    {
        var route = c.Route!;
        Audit(new { c.Event, c.CorrelationId, c.Provider, Attempts = route.Attempts.Count, route.FailedOver, LatencyMs = (int)route.TotalLatency.TotalMilliseconds, Tokens = c.Response?.Usage?.TotalTokenCount });
        requests.Add(1, new KeyValuePair<string, object?>("provider", c.Provider));
        if (c.Response?.Usage?.TotalTokenCount is { } total)
        {
            tokens.Record(total, new KeyValuePair<string, object?>("provider", c.Provider));
        }

        return ValueTask.CompletedTask;
    })
    .OnError((c, _) =>
    {
        // Exception messages are already scrubbed of API keys by FlexiAI.
        Audit(new { c.Event, c.CorrelationId, c.Provider, Error = c.Exception?.GetType().Name, Category = (c.Exception as ProviderException)?.Category.ToString() });
        errors.Add(1, new("provider", c.Provider), new("error", c.Exception?.GetType().Name));
        return ValueTask.CompletedTask;
    })
    .OnFailover((c, _) =>
    {
        Audit(new { c.Event, c.CorrelationId, From = c.Provider, To = c.NextProvider });
        failovers.Add(1, new("from", c.Provider), new("to", c.NextProvider));
        return ValueTask.CompletedTask;
    })
    .OnCircuitStateChange((c, _) =>
    {
        var change = c.CircuitChange!.Value;
        Audit(new { c.Event, change.Provider, change.From, change.To, change.Reason });
        return ValueTask.CompletedTask;
    });

// A MeterListener stands in for OpenTelemetry / dotnet-counters, to print what the metrics recorded.
var totals = new ConcurrentDictionary<string, long>();
using var listener = new MeterListener
{
    InstrumentPublished = (instrument, l) =>
    {
        if (instrument.Meter == meter)
        {
            l.EnableMeasurementEvents(instrument);
        }
    },
};
listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
{
    var key = $"{instrument.Name}{{{string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))}}}";
    totals.AddOrUpdate(key, value, (_, sum) => sum + value);
});
listener.Start();

Console.WriteLine("1. a healthy request:");
await ai.GetResponseAsync("Hello");

var primary = ai.PrimaryProvider!;
if (providers.Emulator is { } emulator)
{
    Console.WriteLine($"2. {primary} returns 503: the request fails over");
    emulator[primary].Faults.FailAlways(Fault.Status(503));
    await ai.GetResponseAsync("Hello again");
    emulator[primary].Faults.Clear();
}

listener.RecordObservableInstruments();
Console.WriteLine("metrics:");
foreach (var (name, value) in totals.OrderBy(t => t.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"  {name} = {value}");
}

Console.WriteLine($"audit entries: {audit.Count}");
