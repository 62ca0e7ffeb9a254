using System.Globalization;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace FlexiAI.Cli.Commands;

/// <summary><c>flexiai cost [PROMPT]</c>: the price rows of the configured models and, with a prompt, the estimate per provider.</summary>
internal static class CostCommand
{
    public static async Task<int> RunAsync(CliContext context, string? prompt, string? file, bool emulate, CancellationToken cancellationToken)
    {
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
                var console = CliConsole.Create(context);
                var table = PricingTable.Default;
                console.WriteLine($"Prices in USD per million tokens ({table.Source}, data date {table.DataDate:yyyy-MM-dd}; prices change — see docs/cost.md).");
                var prices = new Table().AddColumns("provider", "model", "priced as", "input", "cached input", "cache write", "output", "tiers", "source");
                foreach (var status in client.GetProviderStatus())
                {
                    var price = client.GetModelPrice(status.Name);
                    prices.AddRow(
                        Markup.Escape(status.Name),
                        Markup.Escape(status.Model),
                        Markup.Escape(price?.Model ?? "unknown"),
                        Usd(price?.InputPerMillion),
                        Usd(price?.CachedInputPerMillion),
                        Usd(price?.CacheWritePerMillion),
                        Usd(price?.OutputPerMillion),
                        Markup.Escape(price is null || price.Tiers.Count == 0 ? "-" : string.Join("; ", price.Tiers.Select(t => $"above {t.AboveInputTokens.ToString("N0", CultureInfo.InvariantCulture)}: {Usd(t.InputPerMillion)} / {Usd(t.OutputPerMillion)}"))),
                        Markup.Escape(price?.Source ?? "-"));
                }

                console.Write(prices);
                if (prompt is { Length: > 0 })
                {
                    var estimate = client.EstimateCost([new ChatMessage(ChatRole.User, prompt)]);
                    var rows = new Table().AddColumns("provider", "model", "input tokens", "counted with", "min (input only)", "max output tokens", "max");
                    foreach (var e in estimate.Providers)
                    {
                        rows.AddRow(
                            Markup.Escape(e.Provider),
                            Markup.Escape(e.Model),
                            e.InputTokens.ToString(CultureInfo.InvariantCulture),
                            e.Method == TokenCountMethod.O200k ? "o200k tokenizer" : "approximation",
                            Usd(e.MinimumCost, "0.000000"),
                            e.MaxOutputTokens?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown",
                            Usd(e.MaximumCost, "0.000000"));
                    }

                    console.WriteLine($"Estimate for a {prompt.Length}-character prompt:");
                    console.Write(rows);
                }

                return ExitCodes.Success;
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

    /// <summary>The demo's last line: what the run cost (emulated usage, real prices).</summary>
    public static string RunCostLine(CostReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var parts = string.Join(", ", report.ByProvider.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ${p.Value.ToString("0.000000", c)}"));
        var unpriced = report.UnpricedRequests > 0 ? $"; {report.UnpricedRequests} attempt(s) with no known price" : string.Empty;
        return $"Cost of this run: ${report.Total.ToString("0.000000", c)} ({parts}{unpriced}) — emulated token counts at real prices ({PricingTable.Default.DataDate.ToString("yyyy-MM-dd", c)}).";
    }

    private static string Usd(decimal? value, string format = "0.00####") => value is { } v ? "$" + v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
