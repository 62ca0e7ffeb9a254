namespace FlexiAI.Cli.Commands;

/// <summary><c>flexiai config export</c>: prints the effective configuration as JSON, secrets masked.</summary>
internal static class ConfigExportCommand
{
    public static int Run(CliContext context, string? file)
    {
        FlexiAIOptions? options;
        try
        {
            options = ConfigurationSource.Load(context, file);
        }
        catch (ConfigurationException ex)
        {
            context.Error.WriteLine(ex.Message);
            return ExitCodes.NotConfigured;
        }

        if (options is null)
        {
            ConfigurationSource.WriteHowToConfigure(context.Error);
            return ExitCodes.NotConfigured;
        }

        // Fill provider variables (OPENAI_API_KEY, …) so the export shows the effective settings, masked.
        FlexiAIConfiguration.ApplyProviderEnvironment(options, context.Environment);
        context.Out.WriteLine(FlexiAIConfiguration.ToJson(options));
        return ExitCodes.Success;
    }
}
