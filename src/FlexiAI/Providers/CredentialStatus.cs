namespace FlexiAI;

/// <summary>The verdict of a credential check.</summary>
public enum CredentialStatus
{
    /// <summary>The provider accepted the credentials.</summary>
    Valid,

    /// <summary>The provider rejected the credentials (authentication or permission).</summary>
    Invalid,

    /// <summary>The check could not decide (network failure, outage, unsupported).</summary>
    Unknown,
}
