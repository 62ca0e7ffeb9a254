namespace FlexiAI.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The request or check failed (a provider error, an invalid configuration found by <c>validate</c>).</summary>
    public const int Failure = 1;

    /// <summary>Nothing to work with: no configuration found, or the configuration could not be loaded.</summary>
    public const int NotConfigured = 2;
}
