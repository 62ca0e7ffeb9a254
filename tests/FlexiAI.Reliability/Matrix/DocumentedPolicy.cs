namespace FlexiAI.Reliability.Matrix;

/// <summary>
/// The default policy table exactly as docs/errors.md ("The default policy") and docs/routing.md document it — typed in here
/// on purpose, not read from <see cref="ErrorPolicy.GetDefault"/>, so the matrix checks the code against the documentation.
/// <see cref="PolicyTableTests"/> proves this copy equals both documents' tables and the code's defaults.
/// </summary>
public static class DocumentedPolicy
{
    public static readonly IReadOnlyDictionary<ErrorCategory, (bool Retry, bool Failover, bool Counts)> Table = new Dictionary<ErrorCategory, (bool, bool, bool)>
    {
        [ErrorCategory.Authentication] = (false, true, true),
        [ErrorCategory.PermissionDenied] = (false, true, true),
        [ErrorCategory.RateLimited] = (true, true, true),
        [ErrorCategory.Timeout] = (true, true, true),
        [ErrorCategory.Network] = (true, true, true),
        [ErrorCategory.ServerError] = (true, true, true),
        [ErrorCategory.Overloaded] = (true, true, true),
        [ErrorCategory.InvalidRequest] = (false, false, false),
        [ErrorCategory.ContextLengthExceeded] = (false, true, false),
        [ErrorCategory.ContentFiltered] = (false, false, false),
        [ErrorCategory.NotFound] = (false, true, true),
        [ErrorCategory.Cancelled] = (true, true, false),
        [ErrorCategory.Unknown] = (false, true, true),
    };
}
