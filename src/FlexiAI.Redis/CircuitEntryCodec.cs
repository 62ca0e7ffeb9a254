using System.Globalization;

namespace FlexiAI.Redis;

/// <summary>
/// The stored form of a <see cref="CircuitStateEntry"/>: <c>version|state|failures|openedAt|nextProbeAt|leaseUntil|category</c>
/// (times as UTC ticks, empty for none). The version comes first so the compare-and-swap script reads it without parsing the rest.
/// </summary>
internal static class CircuitEntryCodec
{
    public static string Encode(CircuitStateEntry entry) =>
        string.Join(
            '|',
            entry.Version.ToString(CultureInfo.InvariantCulture),
            ((int)entry.State).ToString(CultureInfo.InvariantCulture),
            entry.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture),
            Ticks(entry.OpenedAt),
            Ticks(entry.NextProbeAt),
            Ticks(entry.ProbeLeaseUntil),
            entry.LastErrorCategory?.ToString() ?? string.Empty);

    public static bool TryDecode(string? text, out CircuitStateEntry entry)
    {
        entry = CircuitStateEntry.Initial;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text.Split('|');
        if (parts.Length != 7
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var state) || !Enum.IsDefined(typeof(CircuitState), state)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var failures)
            || !TryTime(parts[3], out var opened) || !TryTime(parts[4], out var probe) || !TryTime(parts[5], out var lease))
        {
            return false;
        }

        ErrorCategory? category = null;
        if (parts[6].Length > 0)
        {
            if (!Enum.TryParse<ErrorCategory>(parts[6], ignoreCase: false, out var parsed))
            {
                return false;
            }

            category = parsed;
        }

        entry = new CircuitStateEntry((CircuitState)state, failures, opened, probe, lease, category, version);
        return true;
    }

    private static string Ticks(DateTimeOffset? at) => at?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    private static bool TryTime(string text, out DateTimeOffset? at)
    {
        at = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
