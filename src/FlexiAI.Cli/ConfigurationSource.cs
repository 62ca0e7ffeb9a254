namespace FlexiAI.Cli;

/// <summary>Finds the configuration a command should use: <c>--config</c>, <c>FLEXIAI_CONFIG</c>, <c>./flexiai.json</c>, or the environment.</summary>
internal static class ConfigurationSource
{
    public const string DefaultFileName = "flexiai.json";

    /// <summary>Returns the configuration file to use, or <see langword="null"/> when none was named and none exists in the current directory.</summary>
    public static string? FindFile(CliContext context, string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(explicitPath, context.CurrentDirectory);
        }

        if (context.Environment("FLEXIAI_CONFIG") is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment, context.CurrentDirectory);
        }

        var local = Path.Combine(context.CurrentDirectory, DefaultFileName);
        return File.Exists(local) ? local : null;
    }

    /// <summary>
    /// Loads options from the file (with <c>FLEXIAI_</c> overrides), or from the environment alone: <c>FLEXIAI_PROVIDERS__…</c>
    /// variables, else one provider per key found in <c>OPENAI_API_KEY</c>, <c>GOOGLE_CLOUD_PROJECT</c>, <c>ANTHROPIC_API_KEY</c>.
    /// Returns <see langword="null"/> when there is nothing to configure from.
    /// </summary>
    public static FlexiAIOptions? Load(CliContext context, string? explicitPath)
    {
        if (FindFile(context, explicitPath) is { } file)
        {
            return FlexiAIConfiguration.LoadFile(file, EnvironmentPairs(context), configure: null);
        }

        using var empty = new MemoryStream("{}"u8.ToArray());
        var options = FlexiAIConfiguration.LoadJson(empty, EnvironmentPairs(context), configure: null);
        if (options.Providers.Count == 0)
        {
            var priority = 1;
            if (!string.IsNullOrWhiteSpace(context.Environment("OPENAI_API_KEY")))
            {
                options.Providers.Add(new ProviderOptions { Name = ProviderTypes.OpenAI, Priority = priority++, Model = "gpt-4.1-mini" });
            }

            if (!string.IsNullOrWhiteSpace(context.Environment("GOOGLE_CLOUD_PROJECT")))
            {
                options.Providers.Add(new ProviderOptions { Name = ProviderTypes.VertexAI, Priority = priority++, Model = "gemini-2.0-flash" });
            }

            if (!string.IsNullOrWhiteSpace(context.Environment("ANTHROPIC_API_KEY")))
            {
                options.Providers.Add(new ProviderOptions { Name = ProviderTypes.Anthropic, Priority = priority, Model = "claude-sonnet-4-5" });
            }
        }

        return options.Providers.Count == 0 ? null : options;
    }

    /// <summary>
    /// Loads options for a command: the emulator's providers with <paramref name="emulate"/>, else the configuration. On a problem,
    /// writes it (or how to configure) to the error output and returns the exit code to use; otherwise returns <see langword="null"/>.
    /// </summary>
    public static async Task<(FlexiAIOptions? Options, EmulatedProviders? Emulator, int? ExitCode)> ResolveAsync(CliContext context, string? file, bool emulate, CancellationToken cancellationToken)
    {
        if (emulate)
        {
            var emulator = await EmulatedProviders.StartAsync(cancellationToken).ConfigureAwait(false);
            return (emulator.CreateOptions(), emulator, null);
        }

        try
        {
            if (Load(context, file) is { } options)
            {
                return (options, null, null);
            }

            WriteHowToConfigure(context.Error);
        }
        catch (ConfigurationException ex)
        {
            context.Error.WriteLine(ex.Message);
        }

        return (null, null, ExitCodes.NotConfigured);
    }

    /// <summary>Builds a client from options, reading provider variables through the context.</summary>
    public static FlexiAIClient CreateClient(CliContext context, FlexiAIOptions options, FlexiAIClientOptions? clientOptions = null)
    {
        clientOptions ??= new FlexiAIClientOptions();
        clientOptions.EnvironmentVariables = context.Environment;
        return new FlexiAIClient(options, clientOptions);
    }

    /// <summary>Writes how to configure FlexiAI, for a user who has not.</summary>
    public static void WriteHowToConfigure(TextWriter writer)
    {
        writer.WriteLine("No FlexiAI configuration found.");
        writer.WriteLine();
        writer.WriteLine("Configure providers in one of these ways:");
        writer.WriteLine("  1. Environment variables with your keys (one provider per key found, in this order):");
        writer.WriteLine("       export OPENAI_API_KEY=sk-...            # OpenAI, gpt-4.1-mini");
        writer.WriteLine("       export GOOGLE_CLOUD_PROJECT=my-project  # Vertex AI, gemini-2.0-flash (Application Default Credentials)");
        writer.WriteLine("       export ANTHROPIC_API_KEY=sk-ant-...     # Anthropic, claude-sonnet-4-5");
        writer.WriteLine("  2. A configuration file: ./flexiai.json, --config FILE, or FLEXIAI_CONFIG=FILE, e.g.");
        writer.WriteLine("       { \"providers\": [ { \"name\": \"openai\", \"priority\": 1, \"model\": \"gpt-4.1-mini\" },");
        writer.WriteLine("                        { \"name\": \"anthropic\", \"priority\": 2, \"model\": \"claude-sonnet-4-5\" } ] }");
        writer.WriteLine("     (keys come from the variables above; every setting is in docs/configuration.md)");
        writer.WriteLine("  3. FLEXIAI_ variables, e.g. FLEXIAI_PROVIDERS__OPENAI__MODEL=gpt-4.1-mini");
        writer.WriteLine();
        writer.WriteLine("No keys? Try it on the embedded emulator:");
        writer.WriteLine("  flexiai chat --emulate \"Hello\"");
        writer.WriteLine("  flexiai demo");
    }

    private static IEnumerable<KeyValuePair<string, string?>> EnvironmentPairs(CliContext context) =>
        context.Variables.Where(v => v.Key.StartsWith(FlexiAIConfiguration.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase));
}
