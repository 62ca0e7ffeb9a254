using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FlexiAI.Gateway;

/// <summary>Reads the <c>gateway</c> section of a FlexiAI configuration (file, <c>FLEXIAI_GATEWAY__…</c> variables) into <see cref="GatewayOptions"/>.</summary>
public static class GatewayConfiguration
{
    private static readonly string[] SectionKeys = ["keys", "routes", "max_request_body_bytes", "request_timeout", "shutdown_timeout", "protect_metrics"];
    private static readonly string[] KeyKeys = ["key", "sha256", "tag", "routes", "requests_per_minute", "admin"];

    /// <summary>Reads the <c>gateway</c> section of a JSON configuration file, with the given <c>FLEXIAI_</c> variables applied over it.</summary>
    /// <param name="path">The file; <see langword="null"/> for the variables alone.</param>
    /// <param name="environment">Environment variables; only <c>FLEXIAI_GATEWAY__…</c> ones are read.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ConfigurationException">A value has the wrong shape or an unknown key.</exception>
    public static GatewayOptions Load(string? path, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(path), optional: false);
        }

        var values = environment
            .Where(v => v.Key.StartsWith("FLEXIAI_GATEWAY__", StringComparison.OrdinalIgnoreCase))
            .Select(v => new KeyValuePair<string, string?>(v.Key["FLEXIAI_".Length..].Replace("__", ":", StringComparison.Ordinal), v.Value));
        builder.AddInMemoryCollection(values);
        return Bind(builder.Build().GetSection("gateway"));
    }

    /// <summary>Binds a <c>gateway</c> section.</summary>
    /// <param name="section">The section (may be missing: defaults).</param>
    /// <returns>The options.</returns>
    /// <exception cref="ConfigurationException">A value has the wrong shape or an unknown key.</exception>
    public static GatewayOptions Bind(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new GatewayOptions();
        var errors = new List<ConfigurationError>();
        foreach (var child in section.GetChildren())
        {
            switch (Normalize(child.Key))
            {
                case "keys":
                    foreach (var entry in child.GetChildren())
                    {
                        options.Keys.Add(BindKey(entry, $"gateway.keys[{entry.Key}]", errors));
                    }

                    break;
                case "routes":
                    foreach (var route in child.GetChildren())
                    {
                        var providers = route.GetChildren().Select(p => p.Value).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!).ToList();
                        if (providers.Count == 0)
                        {
                            errors.Add(new($"gateway.routes.{route.Key}", "a route lists provider names in order, e.g. [\"openai\", \"anthropic\"]."));
                        }

                        options.Routes[route.Key] = providers;
                    }

                    break;
                case "maxrequestbodybytes":
                    if (long.TryParse(child.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0)
                    {
                        options.MaxRequestBodyBytes = bytes;
                    }
                    else
                    {
                        errors.Add(new("gateway.max_request_body_bytes", $"'{child.Value}' is not a positive number of bytes, e.g. 4194304."));
                    }

                    break;
                case "requesttimeout":
                    Duration(child, "gateway.request_timeout", errors, v => options.RequestTimeout = v);
                    break;
                case "shutdowntimeout":
                    Duration(child, "gateway.shutdown_timeout", errors, v => options.ShutdownTimeout = v);
                    break;
                case "protectmetrics":
                    if (bool.TryParse(child.Value, out var protect))
                    {
                        options.ProtectMetrics = protect;
                    }
                    else
                    {
                        errors.Add(new("gateway.protect_metrics", $"'{child.Value}' is not true or false."));
                    }

                    break;
                default:
                    errors.Add(new($"gateway.{child.Key}", $"unknown setting '{child.Key}'. Valid here: {string.Join(", ", SectionKeys)}."));
                    break;
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return options;
    }

    private static GatewayKeyOptions BindKey(IConfigurationSection entry, string path, List<ConfigurationError> errors)
    {
        var key = new GatewayKeyOptions();
        if (entry.Value is { Length: > 0 } plain)
        {
            key.Key = plain;
            return key;
        }

        foreach (var field in entry.GetChildren())
        {
            switch (Normalize(field.Key))
            {
                case "key":
                    key.Key = field.Value;
                    break;
                case "sha256":
                    key.Sha256 = field.Value;
                    if (field.Value is not { Length: 64 } hex || !hex.All(Uri.IsHexDigit))
                    {
                        errors.Add(new($"{path}.sha256", "expected the key's SHA-256 as 64 hex digits (printf %s KEY | sha256sum)."));
                    }

                    break;
                case "tag":
                    key.Tag = field.Value;
                    break;
                case "routes":
                    foreach (var route in field.GetChildren())
                    {
                        if (route.Value is { Length: > 0 } name)
                        {
                            key.Routes.Add(name);
                        }
                    }

                    break;
                case "requestsperminute":
                    if (int.TryParse(field.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var rpm) && rpm > 0)
                    {
                        key.RequestsPerMinute = rpm;
                    }
                    else
                    {
                        errors.Add(new($"{path}.requests_per_minute", $"'{field.Value}' is not a positive whole number."));
                    }

                    break;
                case "admin":
                    if (bool.TryParse(field.Value, out var admin))
                    {
                        key.Admin = admin;
                    }
                    else
                    {
                        errors.Add(new($"{path}.admin", $"'{field.Value}' is not true or false."));
                    }

                    break;
                default:
                    errors.Add(new($"{path}.{field.Key}", $"unknown setting '{field.Key}'. Valid here: {string.Join(", ", KeyKeys)}."));
                    break;
            }
        }

        if (key.Key is null && key.Sha256 is null)
        {
            errors.Add(new(path, "a gateway key needs \"key\" (clear text, or \"env:NAME\") or \"sha256\"."));
        }

        return key;
    }

    private static void Duration(IConfigurationSection section, string path, List<ConfigurationError> errors, Action<TimeSpan> set)
    {
        var text = section.Value?.Trim() ?? string.Empty;
        var (number, scale) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            set(TimeSpan.FromSeconds(value * scale));
        }
        else
        {
            errors.Add(new(path, $"'{text}' is not a duration; write seconds as a number (30) or a string with a unit (\"500ms\", \"30s\", \"2m\")."));
        }
    }

    private static string Normalize(string key) => key.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}
