using System.Globalization;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Parsing and naming helpers shared by the configuration binder, validator and exporter.</summary>
internal static class ConfigurationText
{
    /// <summary>Normalizes a key so that <c>failure_threshold</c>, <c>FailureThreshold</c>, <c>failure-threshold</c> and <c>FAILURE_THRESHOLD</c> match.</summary>
    public static string Normalize(string key)
    {
        Span<char> buffer = key.Length <= 128 ? stackalloc char[key.Length] : new char[key.Length];
        var length = 0;
        foreach (var c in key)
        {
            if (c is not ('_' or '-'))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }

    /// <summary>Converts <c>PascalCase</c> to <c>snake_case</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>
    /// Parses a duration: a number is seconds (<c>30</c>, <c>0.5</c>); a string may carry a unit (<c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>)
    /// or be a .NET time span (<c>00:00:30</c>); <c>infinite</c> or <c>-1</c> mean no limit when <paramref name="allowInfinite"/>.
    /// </summary>
    public static bool TryParseDuration(string text, bool allowInfinite, out TimeSpan value)
    {
        value = default;
        var s = text.Trim();
        if (s.Length == 0)
        {
            return false;
        }

        if (allowInfinite && (s.Equals("infinite", StringComparison.OrdinalIgnoreCase) || s.Equals("none", StringComparison.OrdinalIgnoreCase) || s == "-1"))
        {
            value = Timeout.InfiniteTimeSpan;
            return true;
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TryFromSeconds(seconds, out value);
        }

        (string Suffix, double Factor)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, factor) in units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(s.AsSpan(0, s.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                return TryFromSeconds(amount * factor, out value);
            }
        }

        return s.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryFromSeconds(double seconds, out TimeSpan value)
    {
        value = default;
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>Formats a duration for export: seconds as a number, or <c>"infinite"</c>.</summary>
    public static object FormatDuration(TimeSpan value) =>
        value == Timeout.InfiniteTimeSpan ? "infinite" : Math.Round(value.TotalSeconds, 3);

    /// <summary>Parses a log level: Python names (<c>DEBUG</c>, <c>INFO</c>, <c>WARNING</c>, <c>ERROR</c>, <c>CRITICAL</c>) or .NET names.</summary>
    public static bool TryParseLogLevel(string text, out LogLevel level)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "TRACE": level = LogLevel.Trace; return true;
            case "DEBUG": level = LogLevel.Debug; return true;
            case "INFO" or "INFORMATION": level = LogLevel.Information; return true;
            case "WARN" or "WARNING": level = LogLevel.Warning; return true;
            case "ERROR": level = LogLevel.Error; return true;
            case "CRITICAL" or "FATAL": level = LogLevel.Critical; return true;
            case "NONE" or "OFF": level = LogLevel.None; return true;
            default: level = default; return false;
        }
    }

    /// <summary>Formats a log level the way the plan writes it.</summary>
    public static string FormatLogLevel(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "NONE",
    };

    /// <summary>Parses an enum value by name, ignoring case, underscores and dashes (<c>rate_limited</c> → <c>RateLimited</c>).</summary>
    public static bool TryParseEnum<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        var wanted = Normalize(text);
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (Normalize(candidate.ToString()) == wanted)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Returns the snake_case names of an enum's values, for messages.</summary>
    public static string EnumNames<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetNames<TEnum>().Select(ToSnakeCase));

    /// <summary>Suggests the closest candidate to <paramref name="given"/> (edit distance ≤ 3 on normalized names), or <see langword="null"/>.</summary>
    public static string? Suggest(string given, IEnumerable<string> candidates)
    {
        var wanted = Normalize(given);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(wanted, Normalize(candidate));
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return bestDistance <= Math.Max(1, Math.Min(3, wanted.Length / 3)) ? best : null;
    }

    /// <summary>Formats " Did you mean 'x'?" or an empty string.</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates) =>
        Suggest(given, candidates) is { } suggestion ? $" Did you mean '{suggestion}'?" : string.Empty;

    // Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
