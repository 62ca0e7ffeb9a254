using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// Warns when a configured model is deprecated or already retired, according to the retirement dates the provider's
/// official SDK lists (<see cref="ProviderModelInfo.RetiresOn"/>). Each model is warned about once per process, however many
/// clients are built or reloaded with it.
/// </summary>
internal static partial class ModelDeprecations
{
    private static readonly ConcurrentDictionary<string, byte> Warned = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Warns about each deprecated or retired model among <paramref name="providers"/> not yet warned about in this process.</summary>
    /// <param name="logger">Where the warning goes.</param>
    /// <param name="providers">The configured providers.</param>
    /// <param name="time">The clock that tells "deprecated" (retires later) from "retired" (the date has passed).</param>
    /// <param name="providerFactories">Custom provider factories, consulted before the built-in ones.</param>
    public static void WarnOnce(ILogger logger, IEnumerable<ProviderOptions?> providers, TimeProvider time, IEnumerable<ProviderFactory>? providerFactories = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        foreach (var provider in providers)
        {
            if (provider is not null)
            {
                WarnOnce(logger, provider, time, providerFactories);
            }
        }
    }

    /// <summary>Warns, once per process and model, when the provider's model is deprecated or retired.</summary>
    /// <param name="logger">Where the warning goes.</param>
    /// <param name="provider">The configured provider.</param>
    /// <param name="time">The clock that tells "deprecated" (retires later) from "retired" (the date has passed).</param>
    /// <param name="providerFactories">Custom provider factories, consulted before the built-in ones.</param>
    /// <returns><see langword="true"/> when this call logged the warning.</returns>
    public static bool WarnOnce(ILogger logger, ProviderOptions provider, TimeProvider time, IEnumerable<ProviderFactory>? providerFactories = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(time);
        // A logger that would drop the warning must not use up the model's one warning.
        if (!logger.IsEnabled(LogLevel.Warning)
            || string.IsNullOrWhiteSpace(provider.Model)
            || BuiltInProviderFactories.Find(provider.EffectiveType, providerFactories) is not { } factory
            || factory.DescribeModel(provider.Model) is not { RetiresOn: { } retiresOn } info
            || !Warned.TryAdd(provider.Model, 0))
        {
            return false;
        }

        var date = retiresOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var migrate = info.Replacement is { } replacement
            ? $"Migrate to {replacement}."
            : $"Migrate to a current model, e.g. {factory.ExampleModel ?? "a newer one"}.";
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (today >= retiresOn)
        {
            LogRetired(logger, provider.Model, provider.Name, date, migrate);
        }
        else
        {
            LogDeprecated(logger, provider.Model, provider.Name, date, migrate);
        }

        return true;
    }

    [LoggerMessage(40, LogLevel.Warning, "Model {Model} (provider {Provider}) is deprecated and reaches end of life on {RetiresOn}; requests to it fail from then on. {Migrate}")]
    private static partial void LogDeprecated(ILogger logger, string model, string provider, string retiresOn, string migrate);

    [LoggerMessage(41, LogLevel.Warning, "Model {Model} (provider {Provider}) reached end of life on {RetiresOn} and is retired; requests to it fail. {Migrate}")]
    private static partial void LogRetired(ILogger logger, string model, string provider, string retiresOn, string migrate);
}
