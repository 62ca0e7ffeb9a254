using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace FlexiAI;

/// <summary>
/// Counts a request's input tokens before sending it. OpenAI: the o200k_base tokenizer over each message's text, plus
/// OpenAI's documented overhead of 3 tokens per message and 3 to prime the reply, plus the tools' names, descriptions and
/// schemas. Claude and Gemini (tokenizers not public): one token per four characters of text (Google's documented rule of
/// thumb) plus 4 per message for role and framing (see <c>docs/cost.md</c>). Pure computation; the tokenizer's data loads
/// once, on first use.
/// </summary>
internal static class TokenEstimator
{
    public const int TokensPerMessage = 3;
    public const int ReplyPriming = 3;

    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>Counts the request with o200k_base and OpenAI's per-message overhead.</summary>
    public static int CountO200k(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var tokenizer = O200k.Value;
        var count = ReplyPriming;
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            count += TokensPerMessage + tokenizer.CountTokens(instructions);
        }

        foreach (var message in messages)
        {
            count += TokensPerMessage + tokenizer.CountTokens(message.Role.Value) + tokenizer.CountTokens(Text(message));
        }

        if (options?.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                count += tokenizer.CountTokens(ToolText(tool));
            }
        }

        return count;
    }

    public const int CharactersPerToken = 4;
    public const int ApproximateTokensPerMessage = 4;

    /// <summary>Counts for <paramref name="method"/>.</summary>
    public static int Count(IList<ChatMessage> messages, ChatOptions? options, TokenCountMethod method) =>
        method == TokenCountMethod.O200k ? CountO200k(messages, options) : Approximate(messages, options);

    /// <summary>The approximation for tokenizers that are not public: ⌈characters / 4⌉ + 4 per message.</summary>
    public static int Approximate(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        long characters = 0;
        var count = 0;
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            characters += instructions.Length;
            count++;
        }

        foreach (var message in messages)
        {
            characters += Text(message).Length;
            count++;
        }

        if (options?.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                characters += ToolText(tool).Length;
            }
        }

        return (int)Math.Max(1, ((characters + CharactersPerToken - 1) / CharactersPerToken) + (count * ApproximateTokensPerMessage));
    }

    private static string Text(ChatMessage message)
    {
        var builder = new StringBuilder();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    builder.Append(text.Text);
                    break;
                case FunctionCallContent call:
                    builder.Append(call.Name).Append(JsonSerializer.Serialize(call.Arguments));
                    break;
                case FunctionResultContent result:
                    builder.Append(result.Result?.ToString());
                    break;
            }
        }

        return builder.ToString();
    }

    private static string ToolText(AITool tool) =>
        tool is AIFunctionDeclaration function
            ? $"{function.Name} {function.Description} {function.JsonSchema.GetRawText()}"
            : $"{tool.Name} {tool.Description}";
}
