using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace FlexiAI;

/// <summary>
/// Masks API keys wherever FlexiAI writes text: logs, exception messages, <c>ToString()</c>, exports.
/// Every configured key is registered, and text from providers is scrubbed of registered keys and of
/// strings shaped like provider keys before FlexiAI stores or logs it.
/// </summary>
internal static partial class SecretMasker
{
    private const string Masked = "***";
    private static readonly ConcurrentDictionary<string, byte> Known = new(StringComparer.Ordinal);

    /// <summary>Masks a secret for display: <c>(not set)</c>, or <c>***</c> plus its last four characters when it is long enough to keep those safe.</summary>
    public static string Mask(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return "(not set)";
        }

        return secret.Length >= 20 ? string.Concat(Masked, secret.AsSpan(secret.Length - 4)) : Masked;
    }

    /// <summary>Registers a secret so that <see cref="Redact(string?)"/> removes it from any text.</summary>
    public static void Register(string? secret)
    {
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
        {
            Known.TryAdd(secret, 0);
        }
    }

    /// <summary>Removes registered secrets and key-shaped tokens from <paramref name="text"/>.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var secret in Known.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask(secret), StringComparison.Ordinal);
            }
        }

        return KeyShape().Replace(text, static m => Mask(m.Value));
    }

    // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Google API keys (AIza…), bearer tokens (ya29.…).
    [GeneratedRegex(@"(?<![A-Za-z0-9])(sk-[A-Za-z0-9_\-]{16,}|AIza[0-9A-Za-z_\-]{30,}|ya29\.[0-9A-Za-z_\-\.]{20,})")]
    private static partial Regex KeyShape();
}
