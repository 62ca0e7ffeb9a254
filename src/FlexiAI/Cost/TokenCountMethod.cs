namespace FlexiAI;

/// <summary>How an estimate counted the request's input tokens.</summary>
public enum TokenCountMethod
{
    /// <summary>OpenAI's o200k_base tokenizer (Microsoft.ML.Tokenizers) plus OpenAI's documented per-message overhead.</summary>
    O200k,

    /// <summary>An approximation for providers whose tokenizer is not public (Claude, Gemini): see <c>docs/cost.md</c>.</summary>
    Approximation,
}
