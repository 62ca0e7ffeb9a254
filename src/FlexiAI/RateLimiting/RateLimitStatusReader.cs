namespace FlexiAI;

/// <summary>Reads the headroom of every provider's rate limit in one provider set (for <see cref="FlexiAIClient.GetRateLimitStatusAsync"/>).</summary>
internal static class RateLimitStatusReader
{
    public static async Task<IReadOnlyList<RateLimitStatus>> ReadAsync(ProviderSet set, CancellationToken cancellationToken)
    {
        var result = new List<RateLimitStatus>();
        foreach (var provider in set.Providers)
        {
            foreach (var gate in provider.Gates)
            {
                if (gate is RateLimitGate limit)
                {
                    result.Add(await limit.ReadStatusAsync(cancellationToken).ConfigureAwait(false));
                }
            }
        }

        return result;
    }
}
