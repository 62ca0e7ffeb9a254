namespace FlexiAI;

/// <summary>The names under which FlexiAI reports metrics and traces, for OpenTelemetry's <c>AddMeter</c> and <c>AddSource</c>.</summary>
/// <remarks>
/// Every <see cref="FlexiAIClient"/> owns one <see cref="System.Diagnostics.Metrics.Meter"/> and one
/// <see cref="System.Diagnostics.ActivitySource"/>, both named <see cref="SourceName"/>, and disposes them with the client.
/// With nobody listening they cost a few flag checks per request and allocate nothing. See docs/observability.md.
/// </remarks>
public static class FlexiAITelemetry
{
    /// <summary>The name of FlexiAI's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>: <c>FlexiAI</c>.</summary>
    public const string SourceName = "FlexiAI";
}
