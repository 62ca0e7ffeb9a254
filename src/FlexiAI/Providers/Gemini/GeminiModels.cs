namespace FlexiAI;

/// <summary>What FlexiAI knows about Gemini models on the Gemini API.</summary>
/// <remarks>
/// The Gemini API serves the same Gemini models as Vertex AI under the same names, so the table is Vertex AI's (whose
/// example model comes from the official Google GenAI SDK's model list; see <see cref="VertexAIModels"/>).
/// </remarks>
internal static class GeminiModels
{
    public const string Example = VertexAIModels.Example;

    public static ModelTable Table => VertexAIModels.Table;
}
