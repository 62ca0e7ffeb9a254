namespace FlexiAI;

/// <summary>
/// A Microsoft Entra ID token could not be obtained for an Azure OpenAI provider (no usable identity, a wrong tenant, client id or
/// secret, or the identity endpoint failed). FlexiAI classifies it as <see cref="ErrorCategory.Authentication"/>.
/// </summary>
public sealed class AzureCredentialException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AzureCredentialException"/> class.</summary>
    public AzureCredentialException()
        : base("Could not obtain a Microsoft Entra ID token.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AzureCredentialException"/> class.</summary>
    /// <param name="message">What failed (secrets already removed).</param>
    public AzureCredentialException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AzureCredentialException"/> class.</summary>
    /// <param name="message">What failed (secrets already removed).</param>
    /// <param name="innerException">The credential's exception.</param>
    public AzureCredentialException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
