namespace FlexiAI;

/// <summary>
/// Maps the plan's <c>circuit_breaker.expected_exception</c> names (Python exception names, or category
/// names) to the categories that count toward the breaker.
/// </summary>
internal static class LegacyExpectedExceptions
{
    private static readonly Dictionary<string, ErrorCategory[]> Legacy = new(StringComparer.OrdinalIgnoreCase)
    {
        ["APIError"] = [ErrorCategory.ServerError, ErrorCategory.Overloaded, ErrorCategory.Network, ErrorCategory.Unknown],
        ["Timeout"] = [ErrorCategory.Timeout],
        ["RateLimitError"] = [ErrorCategory.RateLimited],
        ["AuthenticationError"] = [ErrorCategory.Authentication, ErrorCategory.PermissionDenied],
        ["ConnectionError"] = [ErrorCategory.Network],
        ["ServiceUnavailable"] = [ErrorCategory.Overloaded],
        ["InternalServerError"] = [ErrorCategory.ServerError],
    };

    /// <summary>Gets every name <see cref="Map"/> accepts.</summary>
    public static IReadOnlyList<string> ValidNames { get; } =
        [.. Legacy.Keys, .. Enum.GetNames<ErrorCategory>().Where(n => !Legacy.ContainsKey(n))];

    /// <summary>Returns whether <paramref name="name"/> is a known legacy or category name.</summary>
    public static bool IsValid(string name) => Legacy.ContainsKey(name) || Enum.TryParse<ErrorCategory>(name, ignoreCase: true, out _);

    /// <summary>Maps names to the set of counted categories, or <see langword="null"/> when the list is empty (use the policy table).</summary>
    public static HashSet<ErrorCategory>? Map(IEnumerable<string> names)
    {
        HashSet<ErrorCategory>? result = null;
        foreach (var name in names)
        {
            result ??= [];
            if (Legacy.TryGetValue(name, out var categories))
            {
                result.UnionWith(categories);
            }
            else if (Enum.TryParse<ErrorCategory>(name, ignoreCase: true, out var category))
            {
                result.Add(category);
            }
        }

        return result;
    }
}
