using System.Globalization;
using System.Text.RegularExpressions;
using FlexiAI.Emulator;
using FlexiAI.Tests.EndToEnd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace FlexiAI.Tests.Observability;

/// <summary>The standard Prometheus path: OpenTelemetry's Prometheus exporter over the FlexiAI meter, scraped as text, next to the health endpoint.</summary>
public sealed partial class PrometheusScrapeTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_exporter_text_has_the_FlexiAI_series_with_exact_counts()
    {
        var options = fixture.Options("openai", "anthropic");
        // Names no other test uses, so this test's series are its own even though the exporter sees every FlexiAI meter in the process.
        options.Providers[0].Name = "prom-primary";
        options.Providers[1].Name = "prom-fallback";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(_ => EmulatedProvidersFixture.Client(options));
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(FlexiAITelemetry.SourceName).AddPrometheusExporter());
        builder.Services.AddHealthChecks().AddFlexiAI();
        await using var app = builder.Build();
        app.MapPrometheusScrapingEndpoint();
        app.MapHealthChecks("/health");
        await app.StartAsync(Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var client = app.Services.GetRequiredService<FlexiAIClient>();

        await client.GetResponseAsync("one", cancellationToken: Token);
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(503));
        await client.GetResponseAsync("two", cancellationToken: Token);
        await client.GetResponseAsync("three", cancellationToken: Token);

        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token);
        Assert.Equal(3, Value(text, "flexiai_requests_total", "flexiai_provider=\"prom-primary\"", "flexiai_outcome=\"success\"")
            + Value(text, "flexiai_requests_total", "flexiai_provider=\"prom-fallback\"", "flexiai_outcome=\"success\""));
        Assert.Equal(fixture.Host["openai"].Journal.Count,
            Value(text, "flexiai_attempts_total", "flexiai_provider=\"prom-primary\"", "flexiai_outcome=\"success\"")
            + Value(text, "flexiai_attempts_total", "flexiai_provider=\"prom-primary\"", "flexiai_outcome=\"failure\"", "error_type=\"Overloaded\""));
        Assert.Equal(2, Value(text, "flexiai_failovers_total", "flexiai_from=\"prom-primary\"", "flexiai_to=\"prom-fallback\""));
        Assert.Equal(2, Value(text, "gen_ai_client_operation_duration_seconds_count", "flexiai_provider=\"prom-fallback\""));
        Assert.Matches("gen_ai_client_token_usage_(tokens_)?bucket\\{[^}]*gen_ai_token_type=\"input\"", text);
        Assert.Equal(0, Value(text, "flexiai_circuit_state", "flexiai_provider=\"prom-fallback\""));

        var health = await http.GetStringAsync(new Uri("/health", UriKind.Relative), Token);
        Assert.Equal("Degraded", health); // the fallback answered the last request
        await app.StopAsync(Token);
    }

    /// <summary>Sums the values of a series' samples whose labels contain every given label.</summary>
    private static double Value(string text, string series, params string[] labels)
    {
        var sum = 0.0;
        var found = false;
        foreach (Match m in Sample().Matches(text))
        {
            if (m.Groups["name"].Value == series && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            {
                sum += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
                found = true;
            }
        }

        Assert.True(found, $"no {series} sample with {string.Join(", ", labels)} in:\n{text}");
        return sum;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
