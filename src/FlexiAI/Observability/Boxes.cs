namespace FlexiAI;

/// <summary>
/// Pre-boxed tag values, so setting a span's numeric or boolean attribute allocates no box: the booleans, and the integers
/// 0–599 (attempt numbers, counts, HTTP status codes) made once each on first use.
/// </summary>
internal static class Boxes
{
    /// <summary>Boxed <see langword="true"/>.</summary>
    public static readonly object True = true;

    /// <summary>Boxed <see langword="false"/>.</summary>
    public static readonly object False = false;

    private static readonly object?[] Ints = new object?[600];

    /// <summary>Gets <paramref name="value"/> boxed, the same box each time for 0–599.</summary>
    public static object Int(int value) => (uint)value < (uint)Ints.Length ? Ints[value] ??= value : value;
}
