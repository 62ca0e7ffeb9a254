namespace FlexiAI;

/// <summary>One problem found in a FlexiAI configuration.</summary>
/// <param name="Path">The configuration path of the offending value, e.g. <c>providers[1].model</c>.</param>
/// <param name="Message">What is wrong and how to fix it; never contains a secret.</param>
public sealed record ConfigurationError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}
