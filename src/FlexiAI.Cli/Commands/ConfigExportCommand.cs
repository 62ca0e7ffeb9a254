namespace FlexiAI.Cli.Commands;

/// <summary><c>flexiai config export</c>: prints the effective configuration as JSON, secrets masked.</summary>
internal static class ConfigExportCommand
{
    public static async Task<int> RunAsync(CliContext context, string? file, CancellationToken cancellationToken)
    {
        var (options, _, exitCode) = await ConfigurationSource.ResolveAsync(context, file, emulate: false, cancellationToken).ConfigureAwait(false);
        if (options is null)
        {
            return exitCode!.Value;
        }

        // Fill each provider's usual variables (its key, project, …) so the export shows the effective settings, masked.
        FlexiAIConfiguration.ApplyProviderEnvironment(options, context.Environment);
        context.Out.WriteLine(FlexiAIConfiguration.ToJson(options));
        return ExitCodes.Success;
    }
}
