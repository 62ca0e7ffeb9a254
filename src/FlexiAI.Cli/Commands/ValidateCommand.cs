namespace FlexiAI.Cli.Commands;

/// <summary><c>flexiai validate [FILE]</c>: loads and validates a configuration; exit 0 only when it is valid.</summary>
internal static class ValidateCommand
{
    public static int Run(CliContext context, string? file)
    {
        var path = ConfigurationSource.FindFile(context, file);
        if (path is null)
        {
            context.Error.WriteLine($"No configuration file given and no {ConfigurationSource.DefaultFileName} in {context.CurrentDirectory}. Usage: flexiai validate FILE");
            return ExitCodes.NotConfigured;
        }

        FlexiAIOptions options;
        try
        {
            options = ConfigurationSource.Load(context, path)!;
        }
        catch (ConfigurationException ex)
        {
            return Report(context, path, ex.Errors);
        }

        var errors = FlexiAIConfiguration.Validate(options);
        if (errors.Count > 0)
        {
            return Report(context, path, errors);
        }

        context.Out.WriteLine($"{path}: valid");
        foreach (var provider in options.Providers.OrderBy(p => p.Priority ?? int.MaxValue))
        {
            var state = provider.Enabled ? string.Empty : " (disabled)";
            context.Out.WriteLine($"  {provider.Priority?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}. {provider.Name} ({provider.EffectiveType}, {provider.Model}){state}");
        }

        return ExitCodes.Success;
    }

    private static int Report(CliContext context, string path, IReadOnlyList<ConfigurationError> errors)
    {
        context.Out.WriteLine($"{path}: {errors.Count} problem{(errors.Count == 1 ? string.Empty : "s")}");
        foreach (var error in errors)
        {
            context.Out.WriteLine($"  {error.Path}: {error.Message}");
        }

        return ExitCodes.Failure;
    }
}
