using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace FlexiAI;

/// <summary>
/// Masks API keys wherever FlexiAI writes text: logs, exception messages, <c>ToString()</c>, exports.
/// Every configured key is registered while a client uses it, and text from providers is scrubbed of
/// registered keys and of strings shaped like provider keys before FlexiAI stores or logs it.
/// </summary>
/// <remarks>
/// The registered secrets live in an immutable snapshot that is replaced (copy-on-write) when a
/// registration is added or released, so <see cref="Redact(string?)"/> takes no lock and allocates
/// nothing when the text holds no secret. Registrations are reference-counted: a secret stays
/// registered until every registration of it is disposed (a disposed client, a reload that
/// dropped a key).
/// </remarks>
internal static partial class SecretMasker
{
    private const string Masked = "***";
    private const int MinimumLength = 4;
    private const int MaxInnerDepth = 16;

    // Setting names whose values are secrets (e.g. Vertex AI's access_token); "…file" settings are paths, not secrets.
    private static readonly string[] SecretSettingMarkers = ["key", "secret", "token", "password", "credential"];
    private static readonly object Gate = new();
    private static readonly Dictionary<string, int> Counts = new(StringComparer.Ordinal);
    private static SecretSet _secrets = SecretSet.Empty;

    /// <summary>Gets how many distinct secrets are registered now (for tests and diagnostics).</summary>
    public static int RegisteredCount => Volatile.Read(ref _secrets).Values.Length;

    /// <summary>Masks a secret for display: <c>(not set)</c>, or <c>***</c> plus its last four characters when it is long enough to keep those safe.</summary>
    public static string Mask(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return "(not set)";
        }

        return secret.Length >= 20 ? string.Concat(Masked, secret.AsSpan(secret.Length - 4)) : Masked;
    }

    /// <summary>Whether a provider setting of this name holds a secret (masked in exports, registered while a client uses it).</summary>
    public static bool IsSecretSetting(string name) =>
        SecretSettingMarkers.Any(m => name.Contains(m, StringComparison.OrdinalIgnoreCase)) && !name.EndsWith("file", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Registers a secret so that <see cref="Redact(string?)"/> removes it from any text, until the returned
    /// registration is disposed (and no other registration of the same secret is alive).
    /// </summary>
    /// <param name="secret">The secret; <see langword="null"/>, empty and very short values are ignored.</param>
    /// <returns>The registration; dispose it when the secret is no longer in use. Disposing twice is harmless.</returns>
    public static IDisposable Register(string? secret) => RegisterAll([secret]);

    /// <summary>Registers every provider's API key and secret settings (see <see cref="IsSecretSetting"/>) as one registration.</summary>
    /// <param name="providers">The providers.</param>
    /// <returns>The registration; dispose it when the providers are no longer in use.</returns>
    public static IDisposable RegisterSecrets(IEnumerable<ProviderOptions?> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var secrets = new List<string?>();
        foreach (var provider in providers)
        {
            if (provider is null)
            {
                continue;
            }

            secrets.Add(provider.ApiKey);
            foreach (var (name, value) in provider.Settings)
            {
                if (IsSecretSetting(name))
                {
                    secrets.Add(value);
                }
            }
        }

        return RegisterAll(secrets);
    }

    /// <summary>Removes registered secrets and key-shaped tokens from <paramref name="text"/>.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var set = Volatile.Read(ref _secrets);
        if (set.Search is { } search)
        {
            var first = text.AsSpan().IndexOfAny(search);
            if (first >= 0)
            {
                text = ReplaceKnown(text, first, set);
            }
        }

        return KeyShape().IsMatch(text) ? KeyShape().Replace(text, static m => Mask(m.Value)) : text;
    }

    /// <summary>
    /// Returns an exception that is safe to print: FlexiAI's own exceptions (whose messages and inner chains are scrubbed when
    /// they are built) and <see cref="RedactedException"/>s as they are; anything else as a <see cref="RedactedException"/> that keeps
    /// the original's type name, status code and stack trace, with its message and inner chain scrubbed.
    /// </summary>
    /// <param name="exception">The exception, or <see langword="null"/>.</param>
    /// <param name="statusCode">The HTTP status the exception stands for, when the caller knows it better than the exception says.</param>
    /// <returns>The safe exception, or <see langword="null"/> for <see langword="null"/>.</returns>
    public static Exception? Scrub(Exception? exception, int? statusCode = null) => Scrub(exception, statusCode, 0);

    private static Exception? Scrub(Exception? exception, int? statusCode, int depth) => exception switch
    {
        null => null,
        FlexiAIException or RedactedException => exception,
        _ => new RedactedException(
            exception,
            statusCode ?? (exception is HttpRequestException { StatusCode: { } status } ? (int)status : null),
            Redact(exception.Message),
            depth >= MaxInnerDepth ? null : Scrub(exception.InnerException, null, depth + 1)),
    };

    private static IDisposable RegisterAll(IEnumerable<string?> candidates)
    {
        var secrets = candidates.Where(s => s is { Length: >= MinimumLength }).Distinct(StringComparer.Ordinal).ToArray();
        if (secrets.Length == 0)
        {
            return Registration.None;
        }

        lock (Gate)
        {
            var changed = false;
            foreach (var secret in secrets)
            {
                Counts.TryGetValue(secret!, out var count);
                Counts[secret!] = count + 1;
                changed |= count == 0;
            }

            if (changed)
            {
                Publish();
            }
        }

        return new Registration(secrets!);
    }

    private static void Release(string[] secrets)
    {
        lock (Gate)
        {
            var changed = false;
            foreach (var secret in secrets)
            {
                if (!Counts.TryGetValue(secret, out var count))
                {
                    continue;
                }

                if (count <= 1)
                {
                    Counts.Remove(secret);
                    changed = true;
                }
                else
                {
                    Counts[secret] = count - 1;
                }
            }

            if (changed)
            {
                Publish();
            }
        }
    }

    // Called under Gate: builds the next immutable snapshot and publishes it.
    private static void Publish() => Volatile.Write(ref _secrets, Counts.Count == 0 ? SecretSet.Empty : new SecretSet([.. Counts.Keys]));

    private static string ReplaceKnown(string text, int first, SecretSet set)
    {
        var builder = new StringBuilder(text.Length);
        var position = 0;
        var index = first;
        while (index >= 0)
        {
            var at = position + index;
            var secret = set.MatchAt(text.AsSpan(at));
            builder.Append(text, position, at - position);
            if (secret is null)
            {
                // Unreachable (the searcher found a secret here); never throw from redaction.
                builder.Append(text[at]);
                position = at + 1;
            }
            else
            {
                builder.Append(Mask(secret));
                position = at + secret.Length;
            }

            index = text.AsSpan(position).IndexOfAny(set.Search!);
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Google API keys (AIza…), bearer tokens (ya29.…).
    [GeneratedRegex(@"(?<![A-Za-z0-9])(sk-[A-Za-z0-9_\-]{16,}|AIza[0-9A-Za-z_\-]{30,}|ya29\.[0-9A-Za-z_\-\.]{20,})")]
    private static partial Regex KeyShape();

    /// <summary>One immutable snapshot of the registered secrets, longest first, with a multi-string searcher.</summary>
    private sealed class SecretSet
    {
        public static readonly SecretSet Empty = new([]);

        public SecretSet(string[] values)
        {
            Array.Sort(values, static (a, b) => b.Length != a.Length ? b.Length.CompareTo(a.Length) : string.CompareOrdinal(a, b));
            Values = values;
            Search = values.Length == 0 ? null : SearchValues.Create(values, StringComparison.Ordinal);
        }

        public string[] Values { get; }

        public SearchValues<string>? Search { get; }

        // The longest secret that starts the span.
        public string? MatchAt(ReadOnlySpan<char> text)
        {
            foreach (var value in Values)
            {
                if (text.StartsWith(value, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            return null;
        }
    }

    /// <summary>A reference-counted registration of one or more secrets; disposing releases it once.</summary>
    private sealed class Registration(string[] secrets) : IDisposable
    {
        public static readonly IDisposable None = new Registration([]);

        private string[]? _secrets = secrets;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _secrets, null) is { Length: > 0 } released)
            {
                Release(released);
            }
        }
    }
}
