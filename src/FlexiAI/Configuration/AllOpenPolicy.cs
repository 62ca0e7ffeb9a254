namespace FlexiAI;

/// <summary>What a request does when every provider was skipped by an open breaker.</summary>
public enum AllOpenPolicy
{
    /// <summary>Fail fast with <see cref="AllProvidersFailedException"/>, or wait up to <see cref="FlexiAIOptions.WaitForRecovery"/> for the earliest probe (the default).</summary>
    Fail,

    /// <summary>
    /// Try the providers anyway, the one whose breaker would let a probe through soonest first, one attempt each; these
    /// attempts do not count toward the (already open) breakers, and the route is marked <see cref="RouteReport.Panic"/>.
    /// </summary>
    Panic,
}
