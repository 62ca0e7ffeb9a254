using System.Globalization;
using Spectre.Console;

namespace FlexiAI.Cli.Commands;

/// <summary><c>flexiai status</c>: the configured providers in routing order, breaker states and credential checks.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(CliContext context, string? file, bool emulate, bool check, CancellationToken cancellationToken)
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
                var checks = check
                    ? (await client.ValidateCredentialsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Provider, StringComparer.Ordinal)
                    : [];
                var console = CliConsole.Create(context);
                var table = new Table().AddColumns("#", "provider", "type", "model", "circuit", "failures", "last error", "credentials");
                foreach (var status in client.GetProviderStatus())
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
