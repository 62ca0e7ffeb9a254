namespace FlexiAI;

/// <summary>The outcome of <see cref="FlexiAIClient.ValidateCredentialsAsync(CancellationToken)"/> for one provider.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Status">The verdict.</param>
/// <param name="Message">A one-line explanation; never contains a secret.</param>
/// <param name="Category">The failure category when the check failed.</param>
public sealed record CredentialCheckResult(string Provider, CredentialStatus Status, string Message, ErrorCategory? Category = null);
