using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace FlexiAI;

/// <summary>
/// What <c>AddFlexiAI</c> registered in one service collection: the client names, the configuration section each binds (if any),
/// the binding errors of each options instance (reported by <see cref="FlexiAIOptionsValidator"/>) and each name's last validation errors
/// (turned into a <see cref="ConfigurationException"/> when a client is resolved).
/// </summary>
internal sealed class FlexiAIRegistrations
{
    private readonly ConcurrentDictionary<string, IConfiguration?> _sections = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<FlexiAIOptions, List<ConfigurationError>> _bindErrors = [];
    private readonly ConcurrentDictionary<string, IReadOnlyList<ConfigurationError>> _lastErrors = new(StringComparer.Ordinal);

    /// <summary>Records a client name; <see langword="false"/> when it was already registered.</summary>
    public bool Add(string name, IConfiguration? section) => _sections.TryAdd(name, section);

    /// <summary>Whether <paramref name="name"/> is a FlexiAI client registered with <c>AddFlexiAI</c>.</summary>
    public bool Contains(string name) => _sections.ContainsKey(name);

    /// <summary>The configuration section client <paramref name="name"/> binds, or <see langword="null"/> when it is configured in code only.</summary>
    public IConfiguration? Section(string name) => _sections.GetValueOrDefault(name);

    /// <summary>Remembers that binding <paramref name="options"/> found <paramref name="errors"/>.</summary>
    public void SetBindErrors(FlexiAIOptions options, List<ConfigurationError> errors) => _bindErrors.AddOrUpdate(options, errors);

    /// <summary>The binding errors of <paramref name="options"/>, if any.</summary>
    public IReadOnlyList<ConfigurationError> BindErrors(FlexiAIOptions options) =>
        _bindErrors.TryGetValue(options, out var errors) ? errors : [];

    /// <summary>Records the outcome of the latest validation of client <paramref name="name"/>.</summary>
    public void SetValidation(string name, IReadOnlyList<ConfigurationError> errors)
    {
        if (errors.Count == 0)
        {
            _lastErrors.TryRemove(name, out _);
        }
        else
        {
            _lastErrors[name] = errors;
        }
    }

    /// <summary>The errors of client <paramref name="name"/>'s latest failed validation, or <see langword="null"/>.</summary>
    public IReadOnlyList<ConfigurationError>? LastErrors(string name) => _lastErrors.GetValueOrDefault(name);

    /// <summary>How a client is named in messages: its name, or "default".</summary>
    public static string Display(string name) => name.Length == 0 ? "default" : $"'{name}'";
}
