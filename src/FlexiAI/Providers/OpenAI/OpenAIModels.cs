namespace FlexiAI;

/// <summary>What FlexiAI knows about OpenAI's models.</summary>
/// <remarks>
/// The example model is the newest "mini" chat model in the official OpenAI SDK's model list (openai-python
/// <c>src/openai/types/shared/chat_model.py</c>, 2026-08). Limits come from OpenAI's model pages. No official OpenAI SDK
/// lists retirement dates, so no OpenAI model is reported as deprecated.
/// </remarks>
internal static class OpenAIModels
{
    public const string Example = "gpt-5.4-mini";

    public static ModelTable Table { get; } = new(
        [
            ("gpt-5.4-mini", 400_000, 128_000),
            ("gpt-5.4-nano", 400_000, 128_000),
            ("gpt-5.4", 1_050_000, 128_000),
            ("gpt-5.2", 400_000, 128_000),
            ("gpt-5.1", 400_000, 128_000),
            ("gpt-5", 400_000, 128_000),
            ("gpt-4.1", 1_047_576, 32_768),
            ("gpt-4o", 128_000, 16_384),
            ("gpt-4-turbo", 128_000, 4_096),
            ("o3", 200_000, 100_000),
            ("o4-mini", 200_000, 100_000),
        ],
        [],
        ProviderTypes.OpenAI);
}
