namespace FlexiAI;

/// <summary>What FlexiAI knows about Google's Gemini models on Vertex AI.</summary>
/// <remarks>
/// The example model is <c>gemini-3.5-flash</c>: the model the official Google GenAI Python SDK's README uses throughout
/// (googleapis/python-genai, 2026-08) and a listed, non-preview model in that SDK's model list
/// (<c>google/genai/_gaos/types/interactions/model.py</c>). Limits come from Google's model pages. No official Google
/// SDK lists retirement dates, so no Gemini model is reported as deprecated.
/// </remarks>
internal static class VertexAIModels
{
    public const string Example = "gemini-3.5-flash";

    public static ModelTable Table { get; } = new(
        [
            ("gemini-3.5", 1_048_576, 65_536),
            ("gemini-3.1", 1_048_576, 65_536),
            ("gemini-3", 1_048_576, 65_536),
            ("gemini-2.5", 1_048_576, 65_536),
            ("gemini-2.0", 1_048_576, 8_192),
            ("gemini-1.5", 1_048_576, 8_192),
        ],
        [],
        ProviderTypes.VertexAI);
}
