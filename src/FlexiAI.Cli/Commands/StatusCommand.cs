using System.Globalization;
using Spectre.Console;

namespace FlexiAI.Cli.Commands;

/// <summary>
/// <c>flexiai status</c>: the configured providers in routing order, breaker states and credential checks, and the rate-limit
/// headroom; with a shared store (<c>circuit_breaker.store</c>) the breakers and rate limits are the fleet's, read from it.
/// </summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(CliContext context, string? file, bool emulate, bool check, string? metricsFile, CancellationToken cancellationToken)
    {
        System.Text.Json.Nodes.JsonNode? saved = null;
        if (metricsFile is not null)
        {
            try
            {
                saved = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(metricsFile, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                context.Error.WriteLine($"Cannot read the metrics snapshot {metricsFile}: {ex.Message} Write one with `flexiai demo --metrics {metricsFile}` or an app's client.GetMetrics().ToJson().");
                return ExitCodes.Failure;
            }
        }

        var (options, emulator, exitCode) = await ConfigurationSource.ResolveAsync(context, file, emulate, cancellationToken).ConfigureAwait(false);
        try
        {
            if (options is null)
            {
                return exitCode!.Value;
            }

            try
            {
                using var client = ConfigurationSource.CreateClient(context, options);
                var checks = check
                    ? (await client.ValidateCredentialsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Provider, StringComparer.Ordinal)
                    : [];
                var console = CliConsole.Create(context);
                var table = new Table().AddColumns("#", "provider", "type", "model", "circuit", "failures", "last error", "credentials");
                // With a shared store (circuit_breaker.store), read what the whole fleet sees.
                var statuses = client.SharedStore is null ? client.GetProviderStatus() : await client.GetProviderStatusAsync(cancellationToken).ConfigureAwait(false);
                foreach (var status in statuses)
                {
                    var credentials = checks.TryGetValue(status.Name, out var result) ? $"{result.Status}: {result.Message}" : "not checked";
                    table.AddRow(
                        status.Position.ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(status.Name),
                        Markup.Escape(status.Type),
                        Markup.Escape(status.Model),
                        status.State.ToString(),
                        status.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture),
                        status.LastErrorCategory?.ToString() ?? "-",
                        Markup.Escape(credentials));
                }

                console.Write(table);
                if (client.SharedStore is { } shared)
                {
                    context.Out.WriteLine(shared.IsAvailable
                        ? $"Shared state: {shared.Description}, available; the circuits above are the fleet's."
                        : $"Shared state: {shared.Description}, UNAVAILABLE; the circuits above are this process's local view.");
                }

                // Client-side rate limits: the headroom in the current minute, the fleet's when a shared store answers.
                var limits = await client.GetRateLimitStatusAsync(cancellationToken).ConfigureAwait(false);
                if (limits.Count > 0)
                {
                    var headroom = new Table().AddColumns("provider", "requests left", "tokens left", "counted by");
                    foreach (var limit in limits)
                    {
                        headroom.AddRow(
                            Markup.Escape(limit.Provider),
                            limit.RequestsPerMinute is { } r ? string.Create(CultureInfo.InvariantCulture, $"{limit.RequestsLeft}/{r} per min") : "-",
                            limit.TokensPerMinute is { } t ? string.Create(CultureInfo.InvariantCulture, $"{limit.TokensLeft}/{t} per min") : "-",
                            limit.IsShared ? "the fleet (shared store)" : "this process");
                    }

                    context.Out.WriteLine("Rate limits (client-side, sliding minute):");
                    console.Write(headroom);
                }

                // Metrics: this client's own when it has seen traffic (credential checks are not requests), and a saved snapshot when given.
                var snapshot = client.GetMetrics();
                if (snapshot.Requests > 0)
                {
                    saved = System.Text.Json.Nodes.JsonNode.Parse(snapshot.ToJson());
                }

                if (saved is not null)
                {
                    context.Out.WriteLine($"Metrics: {MetricsView.Summary(saved)}.");
                    console.Write(MetricsView.Table(saved));
                }

                return checks.Values.Any(c => c.Status == CredentialStatus.Invalid) ? ExitCodes.Failure : ExitCodes.Success;
            }
            catch (ConfigurationException ex)
            {
                context.Error.WriteLine(ex.Message);
                return ExitCodes.NotConfigured;
            }
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
