using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FlexiAI;

/// <summary>
/// Binds one named <see cref="FlexiAIOptions"/> from a configuration section with FlexiAI's own binder (the plan's snake_case keys,
/// durations in seconds or <c>hh:mm:ss</c>, presets, providers by index or name). Problems are kept for
/// <see cref="FlexiAIOptionsValidator"/> rather than thrown, so they are reported with every other problem, on start.
/// </summary>
internal sealed class FlexiAISectionBinding(string clientName, IConfiguration section, FlexiAIRegistrations registrations) : IConfigureNamedOptions<FlexiAIOptions>
{
    /// <inheritdoc/>
    public void Configure(string? name, FlexiAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(name ?? Options.DefaultName, clientName, StringComparison.Ordinal))
        {
            return;
        }

        var errors = new List<ConfigurationError>();
        OptionsBinder.Bind(section, options, errors);
        if (errors.Count > 0)
        {
            registrations.SetBindErrors(options, errors);
        }
    }

    /// <inheritdoc/>
    public void Configure(FlexiAIOptions options) => Configure(Options.DefaultName, options);
}
