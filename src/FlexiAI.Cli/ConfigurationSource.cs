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
    /// variables, else one provider (with its type's example model) per built-in provider type whose usual variables are set
    /// (<see cref="ProviderFactory.IsConfiguredByEnvironment"/>), in the built-in order.
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
            foreach (var factory in ProviderFactory.BuiltIn)
            {
                if (factory.ExampleModel is { } model && factory.IsConfiguredByEnvironment(context.Environment))
                {
                    options.Providers.Add(new ProviderOptions { Name = factory.Type, Priority = priority++, Model = model });
                }
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
        if (!clientOptions.StoreFactories.Any(f => f is FlexiAI.Redis.RedisStoreFactory))
        {
            // circuit_breaker.store { "type": "redis" }: the CLI ships FlexiAI.Redis, so status shows the fleet's shared state.
            FlexiAI.Redis.RedisFlexiAIExtensions.UseRedis(clientOptions);
        }

        return new FlexiAIClient(options, clientOptions);
    }

    /// <summary>Writes how to configure FlexiAI, for a user who has not.</summary>
    public static void WriteHowToConfigure(TextWriter writer)
    {
        writer.WriteLine("No FlexiAI configuration found.");
        writer.WriteLine();
        writer.WriteLine("Configure providers in one of these ways:");
        var factories = ProviderFactory.BuiltIn;
        writer.WriteLine("  1. Environment variables with your keys (one provider per key found, in this order):");
        foreach (var factory in factories.Where(f => f.EnvironmentHint is not null))
        {
            writer.WriteLine($"       export {factory.EnvironmentHint,-34} # {factory.Type}, {factory.ExampleModel}");
        }

        var examples = factories.Where(f => f.ExampleModel is not null).Take(2).Select((f, i) => $"{{ \"name\": \"{f.Type}\", \"priority\": {i + 1}, \"model\": \"{f.ExampleModel}\" }}").ToList();
        writer.WriteLine("  2. A configuration file: ./flexiai.json, --config FILE, or FLEXIAI_CONFIG=FILE, e.g.");
        writer.WriteLine($"       {{ \"providers\": [ {string.Join("," + writer.NewLine + "                        ", examples)} ] }}");
        writer.WriteLine("     (keys come from the variables above; every setting is in docs/configuration.md)");
        writer.WriteLine($"  3. FLEXIAI_ variables, e.g. FLEXIAI_PROVIDERS__{factories[0].Type.ToUpperInvariant()}__MODEL={factories[0].ExampleModel}");
        writer.WriteLine();
        writer.WriteLine("No keys? Try it on the embedded emulator:");
        writer.WriteLine("  flexiai chat --emulate \"Hello\"");
        writer.WriteLine("  flexiai demo");
    }

    private static IEnumerable<KeyValuePair<string, string?>> EnvironmentPairs(CliContext context) =>
        context.Variables.Where(v => v.Key.StartsWith(FlexiAIConfiguration.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase));
}
