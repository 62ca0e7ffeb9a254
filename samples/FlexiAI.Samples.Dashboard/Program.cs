using FlexiAI;
using FlexiAI.Emulator;
using FlexiAI.Samples;
using Microsoft.Extensions.AI;

// An ASP.NET Core app that mounts the FlexiAI dashboard at /flexiai. Run it and open http://localhost:5000/flexiai/, then
// send some traffic (/ask?q=…) and break the primary (/outage, on the emulator): the page shows the failover, the breaker
// opening and, after /recover and the recovery timeout, closing again — live, without a reload.
await using var providers = await SampleProviders.CreateAsync();

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddInMemoryCollection(providers.ToConfiguration("FlexiAI"));   // appsettings.json in an application
builder.Logging.AddFilter("FlexiAI", LogLevel.Warning);
builder.Services.AddFlexiAI(builder.Configuration.GetSection("FlexiAI"), o =>
{
    o.CircuitBreaker.FailureThreshold = 2;
    o.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(10);
});

var app = builder.Build();

// The dashboard shows provider names, models, breaker states, latency and cost (never prompts, answers or keys). This sample
// shows it to anyone who can reach it; in an application protect it instead, e.g.
//   builder.Services.AddAuthorizationBuilder().AddPolicy("ops", p => p.RequireRole("ops"));
//   app.MapFlexiAIDashboard("/flexiai", o => o.RequireAuthorization("ops").EnableAdminActions("ops"));
app.MapFlexiAIDashboard("/flexiai", o => o.AllowAnonymous());

app.MapGet("/", () => Results.Redirect("/flexiai/"));

app.MapGet("/ask", async (string? q, IChatClient chat, CancellationToken cancellationToken) =>
{
    var response = await chat.GetResponseAsync(string.IsNullOrWhiteSpace(q) ? "Hello!" : q, cancellationToken: cancellationToken);
    var route = response.GetRoute();
    return $"answered by {route.Provider} after {route.Attempts.Count} attempt(s)\n";
});

// Fault injection for the demo: only on the emulator.
app.MapGet("/outage", () => Emulated(providers.Emulator, e => e["openai"].Faults.FailAlways(Fault.Status(503)), "openai is down (HTTP 503)\n"));
app.MapGet("/recover", () => Emulated(providers.Emulator, e => e["openai"].Faults.Clear(), "openai is back; its breaker closes after the recovery timeout and one successful probe\n"));

await app.RunAsync();

static IResult Emulated(EmulatorHost? emulator, Action<EmulatorHost> act, string done)
{
    if (emulator is null)
    {
        return Results.Text("fault injection needs the emulator (unset the provider keys)\n", statusCode: 404);
    }

    act(emulator);
    return Results.Text(done);
}
