namespace FlexiAI;

/// <summary>The admissions one attempt holds from its provider's gates (no array for the common single-gate case).</summary>
/// <param name="Allowed">Whether every gate allowed the attempt.</param>
/// <param name="First">The first gate's admission (the breaker's), or the skipping gate's admission when not allowed.</param>
/// <param name="All">Every gate's admission, when the provider has more than one gate.</param>
internal readonly record struct GatePasses(bool Allowed, Admission First, Admission[]? All)
{
    /// <summary>Gets whether the attempt is the breaker's half-open probe.</summary>
    /// <summary>One gate's plain allow (not a probe).</summary>
    public static GatePasses AllowedByOne { get; } = new(true, Admission.Allow, null);

    public bool IsProbe => First.IsProbe;

    public Admission this[int gate] => All is null ? First : All[gate];
}
