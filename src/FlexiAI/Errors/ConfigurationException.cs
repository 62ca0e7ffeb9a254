namespace FlexiAI;

/// <summary>The configuration is invalid. <see cref="Errors"/> lists every problem with its path.</summary>
public sealed class ConfigurationException : FlexiAIException
{
    /// <summary>Initializes a new instance of the <see cref="ConfigurationException"/> class.</summary>
    /// <param name="errors">The problems found; at least one.</param>
    public ConfigurationException(IReadOnlyList<ConfigurationError> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Initializes a new instance of the <see cref="ConfigurationException"/> class for a single problem.</summary>
    /// <param name="path">The configuration path of the offending value.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public ConfigurationException(string path, string message, Exception? innerException = null)
        : base(BuildMessage([new ConfigurationError(path, message)]), innerException)
    {
        Errors = [new ConfigurationError(path, message)];
    }

    /// <summary>Gets every problem found, in the order of the configuration.</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? $"Invalid FlexiAI configuration: {errors[0]}"
            : $"Invalid FlexiAI configuration ({errors.Count} problems):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
    }
}
