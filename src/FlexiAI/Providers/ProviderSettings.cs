using System.Globalization;

namespace FlexiAI;

/// <summary>
/// Reads a provider's <c>config</c> settings the way the binder reads every other key: <c>api_version</c>, <c>apiVersion</c> and
/// <c>API-VERSION</c> are one key. Nested sections arrive flattened with <c>:</c> (<c>headers:X-Trace</c>, <c>capabilities:tools</c>).
/// </summary>
internal static class ProviderSettings
{
    /// <summary>Gets a non-blank setting, or <see langword="null"/>.</summary>
    public static string? Get(ProviderOptions provider, string key)
    {
        var wanted = ConfigurationText.Normalize(key);
        foreach (var (name, value) in provider.Settings)
        {
            if (!string.IsNullOrWhiteSpace(value) && !name.Contains(':', StringComparison.Ordinal) && ConfigurationText.Normalize(name) == wanted)
            {
                return value.Trim();
            }
        }

        return null;
    }

    /// <summary>Gets the entries of a nested section (<c>section:child</c>), keyed by the child's own name as written.</summary>
    public static List<KeyValuePair<string, string?>> Section(ProviderOptions provider, string section)
    {
        var wanted = ConfigurationText.Normalize(section);
        var entries = new List<KeyValuePair<string, string?>>();
        foreach (var (name, value) in provider.Settings)
        {
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && ConfigurationText.Normalize(name[..colon]) == wanted)
            {
                entries.Add(new(name[(colon + 1)..], value));
            }
        }

        return entries;
    }

    /// <summary>Parses a boolean setting value (<c>true</c>/<c>false</c>, any case, as JSON and environment variables give them).</summary>
    public static bool? ParseBool(string? value) =>
        value is null ? null
        : bool.TryParse(value.Trim(), out var parsed) ? parsed
        : value.Trim() switch { "1" => true, "0" => false, _ => null };

    /// <summary>The configuration path of a setting, for error messages.</summary>
    public static string Path(ProviderOptions provider, string key) =>
        string.Create(CultureInfo.InvariantCulture, $"providers[name={provider.Name}].config.{key}");
}
