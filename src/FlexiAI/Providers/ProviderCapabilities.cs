using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// What one provider (and its model) can take: which media types as inline data and which by URL, whether it takes
/// tools, and whether it takes a JSON schema for structured output. The router skips a provider whose capabilities do not
/// cover a request (reason <c>unsupported content: …</c>) and fails before any network call when no provider's do.
/// </summary>
/// <remarks>
/// <para>
/// Media types are matched case-insensitively; a pattern is an exact type (<c>image/png</c>), a top-level wildcard
/// (<c>image/*</c>) or <c>*/*</c> for anything. Text, function calls and function results are always accepted. A content
/// item with no media type is accepted only by <c>*/*</c>.
/// </para>
/// <para>
/// The built-in provider types declare theirs (see docs/providers.md); a provider without a declaration (a client given in
/// code, a custom factory that does not override <see cref="ProviderAdapter.DescribeCapabilities"/>) takes
/// <see cref="Any"/>, and the provider itself decides. Set <see cref="ProviderOptions.Capabilities"/> to declare a
/// provider's capabilities yourself (e.g. an OpenAI-compatible server that takes no images).
/// </para>
/// </remarks>
public sealed class ProviderCapabilities
{
    private static readonly string[] Everything = ["*/*"];

    /// <summary>Gets capabilities that take everything: every media type as data or URL, tools and JSON schemas.</summary>
    public static ProviderCapabilities Any { get; } = new() { DataMediaTypes = Everything, UrlMediaTypes = Everything };

    /// <summary>Gets the media types taken as inline data (<see cref="DataContent"/>). Default: none.</summary>
    public IReadOnlyList<string> DataMediaTypes { get; init; } = [];

    /// <summary>Gets the media types taken by URL (<see cref="UriContent"/>). Default: none.</summary>
    public IReadOnlyList<string> UrlMediaTypes { get; init; } = [];

    /// <summary>Gets a value indicating whether the provider takes tools (<see cref="ChatOptions.Tools"/>). Default: <see langword="true"/>.</summary>
    public bool Tools { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the provider takes a JSON schema for structured output
    /// (<see cref="ChatResponseFormatJson.Schema"/>). Default: <see langword="true"/>. Plain JSON mode without a schema is not gated.
    /// </summary>
    public bool JsonSchema { get; init; } = true;

    /// <summary>Gets whether <paramref name="content"/> can be sent: text and anything other than data or URLs always; data and URLs by media type.</summary>
    /// <param name="content">The content.</param>
    /// <returns><see langword="true"/> when the provider takes it.</returns>
    public bool Accepts(AIContent content) => content switch
    {
        DataContent data => Matches(DataMediaTypes, data.MediaType),
        UriContent uri => Matches(UrlMediaTypes, uri.MediaType),
        _ => true,
    };

    /// <summary>Returns a copy restricted to what a model can do: tools and JSON schemas only when both allow them.</summary>
    /// <param name="model">What FlexiAI knows about the model.</param>
    /// <returns>These capabilities, or a restricted copy.</returns>
    public ProviderCapabilities For(ProviderModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (Tools && !model.SupportsTools) || (JsonSchema && !model.SupportsJsonOutput)
            ? new ProviderCapabilities
            {
                DataMediaTypes = DataMediaTypes,
                UrlMediaTypes = UrlMediaTypes,
                Tools = Tools && model.SupportsTools,
                JsonSchema = JsonSchema && model.SupportsJsonOutput,
            }
            : this;
    }

    /// <summary>Describes what the provider takes, in words (used in error messages).</summary>
    /// <returns>For example <c>data: image/*, application/pdf; URLs: image/*; tools; JSON schema</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("data: ").Append(DataMediaTypes.Count == 0 ? "none" : string.Join(", ", DataMediaTypes));
        text.Append("; URLs: ").Append(UrlMediaTypes.Count == 0 ? "none" : string.Join(", ", UrlMediaTypes));
        text.Append(Tools ? "; tools" : "; no tools");
        text.Append(JsonSchema ? "; JSON schema" : "; no JSON schema");
        return text.ToString();
    }

    /// <summary>
    /// Finds the first thing in a request these capabilities do not cover, or <see langword="null"/> when they cover it all.
    /// Allocation-free when the request is covered.
    /// </summary>
    internal Unsupported? FindUnsupported(IList<ChatMessage> messages, ChatOptions? options)
    {
        if (!Tools && options?.Tools is { Count: > 0 })
        {
            return new Unsupported("options.Tools", "tools");
        }

        if (!JsonSchema && options?.ResponseFormat is ChatResponseFormatJson { Schema: not null })
        {
            return new Unsupported("options.ResponseFormat", "a JSON schema for structured output");
        }

        var everything = DataMediaTypes.Count == 1 && UrlMediaTypes.Count == 1 && ReferenceEquals(DataMediaTypes, Everything) && ReferenceEquals(UrlMediaTypes, Everything);
        if (everything)
        {
            return null;
        }

        for (var m = 0; m < messages.Count; m++)
        {
            var contents = messages[m].Contents;
            for (var c = 0; c < contents.Count; c++)
            {
                var content = contents[c];

                // Text is by far the most common content: one exact type comparison and on.
                if (content.GetType() != typeof(TextContent) && content is DataContent or UriContent && !Accepts(content))
                {
                    var what = content is DataContent data
                        ? $"{Describe(data.MediaType)} as data"
                        : $"{Describe(((UriContent)content).MediaType)} by URL";
                    return new Unsupported(string.Create(CultureInfo.InvariantCulture, $"messages[{m}].Contents[{c}]"), what);
                }
            }
        }

        return null;
    }

    private static string Describe(string? mediaType) => string.IsNullOrEmpty(mediaType) ? "content without a media type" : mediaType + " content";

    private static bool Matches(IReadOnlyList<string> patterns, string? mediaType)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i];
            if (pattern == "*/*")
            {
                return true;
            }

            if (string.IsNullOrEmpty(mediaType))
            {
                continue;
            }

            if (pattern.EndsWith("/*", StringComparison.Ordinal))
            {
                var top = pattern.Length - 1;
                if (mediaType.Length > top && mediaType.AsSpan().StartsWith(pattern.AsSpan(0, top), StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (string.Equals(pattern, mediaType, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Something a request needs that a provider lacks.</summary>
    /// <param name="Path">Where in the request (e.g. <c>messages[0].Contents[1]</c>, <c>options.Tools</c>).</param>
    /// <param name="What">What it is, in words (e.g. <c>audio/wav content as data</c>).</param>
    internal sealed record Unsupported(string Path, string What);
}
