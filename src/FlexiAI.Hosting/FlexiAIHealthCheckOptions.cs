namespace FlexiAI.Hosting;

/// <summary>Options of the FlexiAI health check (<see cref="Microsoft.Extensions.DependencyInjection.FlexiAIHealthChecksBuilderExtensions.AddFlexiAI"/>).</summary>
public sealed class FlexiAIHealthCheckOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether each health check also checks every provider's credentials with the cheapest call each
    /// provider has (<see cref="FlexiAIClient.ValidateCredentialsAsync"/>). Default <see langword="false"/>: a probe costs a provider call
    /// per check. When on, a provider whose credentials are invalid makes the result Degraded (Unhealthy when every provider's are).
    /// </summary>
    public bool CheckCredentials { get; set; }
}
