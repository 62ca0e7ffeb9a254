namespace FlexiAI;

/// <summary>What FlexiAI knows about models served by Ollama.</summary>
/// <remarks>
/// The example model is <c>gemma3</c>, the model the official Ollama Python library's README uses throughout
/// (ollama/ollama-python, 2026-07). An Ollama model's usable context is the server's <c>num_ctx</c> setting rather than the
/// model's own limit, so the table lists no limits: every model is described as unknown (all capabilities assumed).
/// </remarks>
internal static class OllamaModels
{
    public const string Example = "gemma3";

    public static ModelTable Table { get; } = new([], []);
}
