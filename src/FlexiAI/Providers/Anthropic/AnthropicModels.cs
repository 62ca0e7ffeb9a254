namespace FlexiAI;

/// <summary>What FlexiAI knows about Anthropic's Claude models.</summary>
/// <remarks>
/// The example model is <c>claude-sonnet-5-5</c>: current in the official Anthropic .NET SDK (13.13.0,
/// <c>Anthropic.Models.Messages.Model.ClaudeSonnet5_5</c>) and the model that SDK names as the replacement for
/// <c>claude-sonnet-4-5</c>. Retirement dates come from the SDKs' own lists: the .NET SDK's <c>[Obsolete]</c> messages on
/// <c>Anthropic.Models.Messages.Model</c> ("Will reach end-of-life on …. Please migrate to …") and the Python SDK's
/// <c>DEPRECATED_MODELS</c> (<c>src/anthropic/resources/messages/messages.py</c>, which names no replacements). Limits come
/// from Anthropic's model pages.
/// </remarks>
internal static class AnthropicModels
{
    public const string Example = "claude-sonnet-5-5";

    private static readonly DateOnly Claude1EndOfLife = new(2024, 11, 6);
    private static readonly DateOnly Claude2EndOfLife = new(2025, 7, 21);
    private static readonly DateOnly Claude37EndOfLife = new(2026, 2, 19);
    private static readonly DateOnly Claude4EndOfLife = new(2026, 6, 15);
    private static readonly DateOnly Sonnet45EndOfLife = new(2026, 11, 30);
    private static readonly DateOnly Opus45EndOfLife = new(2027, 1, 22);

    public static ModelTable Table { get; } = new(
        [
            ("claude-fable-5", 1_000_000, 128_000),
            ("claude-mythos-5", 1_000_000, 128_000),
            ("claude-opus-5", 1_000_000, 128_000),
            ("claude-sonnet-5", 1_000_000, 128_000),
            ("claude-haiku-5", 1_000_000, 128_000),
            ("claude-opus-4-8", 1_000_000, 128_000),
            ("claude-opus-4-7", 1_000_000, 128_000),
            ("claude-opus-4-6", 1_000_000, 128_000),
            ("claude-sonnet-4-6", 1_000_000, 64_000),
            ("claude-opus-4-5", 200_000, 64_000),
            ("claude-haiku-4-5", 200_000, 64_000),
            ("claude-sonnet-4", 1_000_000, 64_000),
            ("claude-opus-4", 200_000, 32_000),
            ("claude-3-7-sonnet", 200_000, 64_000),
            ("claude-3-5-haiku", 200_000, 8_192),
            ("claude-3-5-sonnet", 200_000, 8_192),
            ("claude-3", 200_000, 4_096),
        ],
        [
            // Anthropic .NET SDK 13.13.0, [Obsolete] on Anthropic.Models.Messages.Model.
            ("claude-sonnet-4-5", Sonnet45EndOfLife, "claude-sonnet-5-5"),
            ("claude-sonnet-4-5-20250929", Sonnet45EndOfLife, "claude-sonnet-5-5"),
            ("claude-opus-4-5", Opus45EndOfLife, "claude-opus-5-5"),
            ("claude-opus-4-5-20251101", Opus45EndOfLife, "claude-opus-5-5"),
            ("claude-mythos-preview", new DateOnly(2026, 6, 30), "claude-mythos-5"),

            // Anthropic Python SDK, DEPRECATED_MODELS.
            ("claude-opus-4-0", Claude4EndOfLife, null),
            ("claude-opus-4-20250514", Claude4EndOfLife, null),
            ("claude-sonnet-4-0", Claude4EndOfLife, null),
            ("claude-sonnet-4-20250514", Claude4EndOfLife, null),
            ("claude-3-7-sonnet-latest", Claude37EndOfLife, null),
            ("claude-3-7-sonnet-20250219", Claude37EndOfLife, null),
            ("claude-3-5-haiku-latest", Claude37EndOfLife, null),
            ("claude-3-5-haiku-20241022", Claude37EndOfLife, null),
            ("claude-3-opus-20240229", new DateOnly(2026, 1, 5), null),
            ("claude-3-sonnet-20240229", Claude2EndOfLife, null),
            ("claude-2.1", Claude2EndOfLife, null),
            ("claude-2.0", Claude2EndOfLife, null),
            ("claude-1.3", Claude1EndOfLife, null),
            ("claude-1.3-100k", Claude1EndOfLife, null),
            ("claude-instant-1.1", Claude1EndOfLife, null),
            ("claude-instant-1.1-100k", Claude1EndOfLife, null),
            ("claude-instant-1.2", Claude1EndOfLife, null),
        ],
        ProviderTypes.Anthropic);
}
