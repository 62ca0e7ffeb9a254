using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace FlexiAI;

/// <summary>
/// Loads, validates and exports <see cref="FlexiAIOptions"/>. Sources, lowest precedence first: built-in defaults (or a
/// <c>preset</c>), the JSON file or <see cref="IConfiguration"/> section, <c>FLEXIAI_</c> environment variables, code.
/// </summary>
/// <remarks>
/// Keys match ignoring case, underscores and dashes: the plan's <c>circuit_breaker.failure_threshold</c>, an
/// <c>appsettings.json</c> <c>CircuitBreaker:FailureThreshold</c> and <c>FLEXIAI_CIRCUIT_BREAKER__FAILURE_THRESHOLD</c> are the
/// same setting. Environment variables nest with <c>__</c> (or a single <c>_</c> after a section name, e.g.
/// <c>FLEXIAI_RETRY_MAX_ATTEMPTS</c>) and address providers by index (<c>FLEXIAI_PROVIDERS__0__MODEL</c>) or by name
/// (<c>FLEXIAI_PROVIDERS__OPENAI__API_KEY</c>). See <c>docs/configuration.md</c>.
/// </remarks>
public static class FlexiAIConfiguration
{
    /// <summary>The prefix of the environment variables FlexiAI reads.</summary>
    public const string EnvironmentPrefix = "FLEXIAI_";

    // FLEXIAI_CONFIG names the configuration file (used by the CLI); it is not a setting.
    private static readonly string[] ReservedEnvironmentNames = ["CONFIG"];

    private static readonly string[] FlatEnvironmentSections = ["CIRCUIT_BREAKER", "RETRY", "STREAMING", "LOGGING"];

    /// <summary>Loads options from a JSON file, then applies <c>FLEXIAI_</c> environment variables, then <paramref name="configure"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="configure">Code overrides, applied last.</param>
    /// <returns>The options (validated when a client is built, or with <see cref="Validate"/>).</returns>
    /// <exception cref="ConfigurationException">The file is missing or malformed, or a value has the wrong shape or an unknown key.</exception>
    public static FlexiAIOptions LoadFile(string path, Action<FlexiAIOptions>? configure = null) =>
        LoadFile(path, ReadEnvironment(), configure);

    /// <summary>Loads options from a JSON stream, then environment, then code.</summary>
    /// <param name="json">The JSON stream.</param>
    /// <param name="configure">Code overrides, applied last.</param>
    /// <returns>The options (validated when a client is built, or with <see cref="Validate"/>).</returns>
    /// <exception cref="ConfigurationException">The JSON is malformed, or a value has the wrong shape or an unknown key.</exception>
    public static FlexiAIOptions LoadJson(Stream json, Action<FlexiAIOptions>? configure = null) =>
        LoadJson(json, ReadEnvironment(), configure);

    /// <summary>Reads options from an <see cref="IConfiguration"/> section (no environment overlay: the host composes its own sources).</summary>
    /// <param name="section">The section, e.g. <c>builder.Configuration.GetSection("FlexiAI")</c>.</param>
    /// <param name="configure">Code overrides, applied last.</param>
    /// <returns>The options (validated when a client is built, or with <see cref="Validate"/>).</returns>
    /// <exception cref="ConfigurationException">A value has the wrong shape or an unknown key.</exception>
    public static FlexiAIOptions FromConfiguration(IConfiguration section, Action<FlexiAIOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Bind(section, environmentNames: null, configure);
    }

    /// <summary>Validates options and returns every problem found, each with its path and the fix.</summary>
    /// <param name="options">The options.</param>
    /// <param name="additionalProviderTypes">Provider types registered beyond the built-in ones.</param>
    /// <returns>The problems; empty when valid.</returns>
    public static IReadOnlyList<ConfigurationError> Validate(FlexiAIOptions options, IEnumerable<string>? additionalProviderTypes = null) =>
        OptionsValidator.Validate(options, additionalProviderTypes);

    /// <summary>Exports options as the snake_case JSON this class reads, with API keys and secret-looking settings masked.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(FlexiAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionsJsonWriter.Write(options);
    }

    /// <summary>Loads options from a JSON file, then applies the given <c>FLEXIAI_</c> variables (instead of the process's), then <paramref name="configure"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="environment">The environment variables to apply; names without the <c>FLEXIAI_</c> prefix are ignored.</param>
    /// <param name="configure">Code overrides, applied last.</param>
    /// <returns>The options (validated when a client is built, or with <see cref="Validate"/>).</returns>
    /// <exception cref="ConfigurationException">The file is missing or malformed, or a value has the wrong shape or an unknown key.</exception>
    public static FlexiAIOptions LoadFile(string path, IEnumerable<KeyValuePair<string, string?>> environment, Action<FlexiAIOptions>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ConfigurationException("file", $"the configuration file '{full}' does not exist. Check the path, or create it (see docs/configuration.md for an example).");
        }

        using var stream = File.OpenRead(full);
        return LoadJson(stream, environment, configure, full);
    }

    /// <summary>Loads options from a JSON stream, then applies the given <c>FLEXIAI_</c> variables (instead of the process's), then <paramref name="configure"/>.</summary>
    /// <param name="json">The JSON stream.</param>
    /// <param name="environment">The environment variables to apply; names without the <c>FLEXIAI_</c> prefix are ignored.</param>
    /// <param name="configure">Code overrides, applied last.</param>
    /// <returns>The options (validated when a client is built, or with <see cref="Validate"/>).</returns>
    /// <exception cref="ConfigurationException">The JSON is malformed, or a value has the wrong shape or an unknown key.</exception>
    public static FlexiAIOptions LoadJson(Stream json, IEnumerable<KeyValuePair<string, string?>> environment, Action<FlexiAIOptions>? configure) =>
        LoadJson(json, environment, configure, "the JSON stream");

    private static FlexiAIOptions LoadJson(Stream json, IEnumerable<KeyValuePair<string, string?>> environment, Action<FlexiAIOptions>? configure, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(environment);
        var (values, names) = EnvironmentValues(environment);
        IConfigurationRoot root;
        try
        {
            // Buffer the stream: the JSON provider reads it once, and a failure must not leave it half-read.
            var buffer = new MemoryStream();
            json.CopyTo(buffer);
            buffer.Position = 0;
            root = new ConfigurationBuilder().AddJsonStream(buffer).AddInMemoryCollection(values).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or JsonException)
        {
            var detail = ex is InvalidDataException && ex.InnerException is JsonException inner ? inner.Message : ex.Message;
            throw new ConfigurationException("$", $"{source} is not valid JSON: {SecretMasker.Redact(detail)} Fix the syntax (an object at the top, double-quoted keys, no trailing commas).", ex);
        }

        return Bind(root, names, configure);
    }

    /// <summary>Reads the process's <c>FLEXIAI_</c> environment variables.</summary>
    /// <returns>The variables' names and values.</returns>
    public static IEnumerable<KeyValuePair<string, string?>> ReadEnvironment()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new(key, entry.Value as string);
            }
        }
    }

    /// <summary>
    /// Fills what each provider lacks from its type's usual environment variables (an API key, a cloud project, …): each
    /// provider's <see cref="ProviderFactory"/> knows which (<see cref="ProviderFactory.ApplyEnvironment"/>). Values already
    /// set are kept; providers given a <see cref="ProviderOptions.ChatClient"/> in code are left alone.
    /// </summary>
    /// <param name="options">The options to complete.</param>
    /// <param name="environment">Reads one environment variable, e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <param name="providerFactories">Custom provider factories, consulted before the built-in ones; <see langword="null"/> for the built-in ones only.</param>
    public static void ApplyProviderEnvironment(FlexiAIOptions options, Func<string, string?> environment, IEnumerable<ProviderFactory>? providerFactories = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var provider in options.Providers)
        {
            if (provider is null || provider.ChatClient is not null)
            {
                continue;
            }

            BuiltInProviderFactories.Find(provider.EffectiveType, providerFactories)?.ApplyEnvironment(provider, environment);
        }
    }

    private static FlexiAIOptions Bind(IConfiguration configuration, IReadOnlyDictionary<string, string>? environmentNames, Action<FlexiAIOptions>? configure)
    {
        var options = new FlexiAIOptions();
        var errors = new List<ConfigurationError>();
        OptionsBinder.Bind(configuration, options, errors, environmentNames);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        configure?.Invoke(options);
        return options;
    }

    private static (Dictionary<string, string?> Values, Dictionary<string, string> Names) EnvironmentValues(IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || name.Length == EnvironmentPrefix.Length)
            {
                continue;
            }

            var key = name[EnvironmentPrefix.Length..];
            if (ReservedEnvironmentNames.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (key.Contains("__", StringComparison.Ordinal))
            {
                key = key.Replace("__", ":", StringComparison.Ordinal);
            }
            else
            {
                foreach (var section in FlatEnvironmentSections)
                {
                    if (key.Length > section.Length + 1 && key.StartsWith(section + "_", StringComparison.OrdinalIgnoreCase))
                    {
                        key = string.Concat(key.AsSpan(0, section.Length), ":", key.AsSpan(section.Length + 1));
                        break;
                    }
                }
            }

            values[key] = value;
            names[OptionsBinder.NormalizePath(key)] = name;
        }

        return (values, names);
    }
}
