using System.Text.Json.Nodes;

namespace FlexiAI.Emulator;

/// <summary>One request an emulated instance received. Secrets in headers and the query are masked.</summary>
/// <param name="Timestamp">When it arrived.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path below the instance's base URL, e.g. <c>/v1/messages</c>.</param>
/// <param name="Query">The query string (with <c>key=</c> masked), or empty.</param>
/// <param name="Headers">The request headers; <c>authorization</c>, <c>x-api-key</c> and <c>x-goog-api-key</c> masked.</param>
/// <param name="Body">The request body.</param>
public sealed record JournalEntry(DateTimeOffset Timestamp, string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>Parses the body as JSON, or returns <see langword="null"/> when it is not JSON.</summary>
    /// <returns>The JSON node.</returns>
    public JsonNode? Json()
    {
        try
        {
            return JsonNode.Parse(Body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
