namespace FlexiAI;

/// <summary>The response cache looked a request up (or could not reach its store); <see cref="Backend"/> is <c>memory</c> or <c>redis</c>.</summary>
internal readonly record struct CacheLookedUp(CacheLookupResult Result, string Backend) : IRequestEvent<CacheLookedUp>
{
    public static RequestEventKinds Kind => RequestEventKinds.CacheLookup;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, CacheLookedUp e, CancellationToken cancellationToken) => subscriber.OnCacheLookupAsync(e, cancellationToken);

    /// <summary>Gets the tag value of <see cref="Result"/>.</summary>
    public string ResultTag => Result switch
    {
        CacheLookupResult.Hit => "hit",
        CacheLookupResult.Miss => "miss",
        CacheLookupResult.Bypass => "bypass",
        _ => "store_error",
    };
}
