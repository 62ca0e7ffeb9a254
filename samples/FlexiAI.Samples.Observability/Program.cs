using FlexiAI;
using FlexiAI.Emulator;
using Microsoft.Extensions.AI;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// An ASP.NET Core app on the embedded emulator with FlexiAI's metrics at /metrics (Prometheus text), its health at /health,
// its own snapshot at /flexiai/metrics, and a few endpoints to make traffic and faults:
//   curl localhost:5080/ask?q=hello        a request (routes to the primary, fails over when it is down)
//   curl -X POST localhost:5080/down       the primary answers 503 from now on (its breaker opens after 2 failures)
//   curl -X POST localhost:5080/up         the primary recovers (the half-open probe closes its breaker after 10 s)
//   curl localhost:5080/metrics            Prometheus scrape
//   curl localhost:5080/health             Healthy / Degraded / Unhealthy
await using var emulator = await EmulatorHost.StartAsync();

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://localhost:5080");
builder.Services.AddFlexiAI(options =>
{
    options.Retry.MaxAttempts = 1;
    options.CircuitBreaker.FailureThreshold = 2;
    options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(10);
    options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Priority = 1, Model = "gpt-5.4-mini", ApiKey = "emulator", BaseUrl = emulator["openai"].BaseUrl });
    options.Providers.Add(new ProviderOptions { Name = "anthropic", Type = "anthropic", Priority = 2, Model = "claude-sonnet-5-5", ApiKey = "emulator", BaseUrl = emulator["anthropic"].BaseUrl });
});
builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddMeter(FlexiAITelemetry.SourceName).AddPrometheusExporter())
    .WithTracing(tracing => tracing.AddSource(FlexiAITelemetry.SourceName)); // add an exporter (OTLP, console…) to see the spans
builder.Services.AddHealthChecks().AddFlexiAI();

var app = builder.Build();
app.MapPrometheusScrapingEndpoint();                  // GET /metrics
app.MapHealthChecks("/health");                       // GET /health
app.MapGet("/flexiai/metrics", (FlexiAIClient ai) => Results.Text(ai.GetMetrics().ToJson(), "application/json"));
app.MapGet("/ask", async (string? q, IChatClient ai, CancellationToken token) =>
{
    try
    {
        var reply = await ai.GetResponseAsync(q ?? "Hello", cancellationToken: token);
        return Results.Text($"{reply.Text}\n[{reply.GetRoute()}]\n");
    }
    catch (FlexiAIException ex)
    {
        return Results.Problem(ex.Message, statusCode: 503);
    }
});
app.MapPost("/down", () =>
{
    emulator["openai"].Faults.FailAlways(Fault.Status(503));
    return "openai now answers 503\n";
});
app.MapPost("/up", () =>
{
    emulator["openai"].Faults.Clear();
    return "openai recovered\n";
});
await app.RunAsync();
