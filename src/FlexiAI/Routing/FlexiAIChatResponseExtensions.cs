using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Reads FlexiAI's <see cref="RouteReport"/> off responses and stream updates.</summary>
public static class FlexiAIChatResponseExtensions
{
    /// <summary>The <see cref="AdditionalPropertiesDictionary"/> key under which FlexiAI stores the route report.</summary>
    public const string RouteKey = "flexiai.route";

    /// <summary>Gets the route report of a response produced by <see cref="FlexiAIClient"/>.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The route report.</returns>
    /// <exception cref="InvalidOperationException">The response did not come from FlexiAI (or its route was removed by a middleware).</exception>
    public static RouteReport GetRoute(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return TryGetRoute(response) ?? throw new InvalidOperationException(
            "This response carries no FlexiAI route report: it was not produced by FlexiAIClient, or a middleware between FlexiAIClient and the caller dropped ChatResponse.AdditionalProperties[\"flexiai.route\"].");
    }

    /// <summary>Gets the route report of a response, or <see langword="null"/> when it has none.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The route report, or <see langword="null"/>.</returns>
    public static RouteReport? TryGetRoute(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(RouteKey, out var value) == true ? value as RouteReport : null;
    }

    /// <summary>Gets the route report from a stream's final update.</summary>
    /// <param name="update">The final update of a FlexiAI stream.</param>
    /// <returns>The route report.</returns>
    /// <exception cref="InvalidOperationException">The update is not the final update of a FlexiAI stream.</exception>
    public static RouteReport GetRoute(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return TryGetRoute(update) ?? throw new InvalidOperationException(
            "This update carries no FlexiAI route report: only the final update of a FlexiAIClient stream does.");
    }

    /// <summary>Gets the route report from a stream update, or <see langword="null"/> when it has none.</summary>
    /// <param name="update">A stream update.</param>
    /// <returns>The route report, or <see langword="null"/>.</returns>
    public static RouteReport? TryGetRoute(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return update.AdditionalProperties?.TryGetValue(RouteKey, out var value) == true ? value as RouteReport : null;
    }
}
