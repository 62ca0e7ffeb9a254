using Microsoft.Extensions.Options;

namespace FlexiAI;

/// <summary>
/// Validates the <see cref="FlexiAIOptions"/> of every client registered with <c>AddFlexiAI</c> exactly as a
/// <see cref="FlexiAIClient"/> would (binding errors, then the providers' environment variables applied, then every rule), so
/// <c>ValidateOnStart</c> stops the host with the same path-by-path errors a client would throw.
/// </summary>
internal sealed class FlexiAIOptionsValidator(FlexiAIRegistrations registrations, IEnumerable<ProviderFactory> factories) : IValidateOptions<FlexiAIOptions>
{
    private readonly ProviderFactory[] _factories = [.. factories];

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, FlexiAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        name ??= Options.DefaultName;
        if (!registrations.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = Check(options);
        registrations.SetValidation(name, errors);
        if (errors.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var client = FlexiAIRegistrations.Display(name);
        return ValidateOptionsResult.Fail(errors.Select(e => $"FlexiAI client {client}: {e}"));
    }

    private List<ConfigurationError> Check(FlexiAIOptions options)
    {
        var errors = new List<ConfigurationError>(registrations.BindErrors(options));
        if (errors.Count > 0)
        {
            return errors;
        }

        var prepared = options.Clone();
        FlexiAIConfiguration.ApplyProviderEnvironment(prepared, Environment.GetEnvironmentVariable, _factories);
        errors.AddRange(FlexiAIConfiguration.Validate(prepared, _factories.Select(f => f.Type)));
        return errors;
    }
}
