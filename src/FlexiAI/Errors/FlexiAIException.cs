namespace FlexiAI;

/// <summary>The base type of every exception FlexiAI throws.</summary>
/// <remarks>
/// Safe to print: the message has every registered API key and every key-shaped token masked, and an inner exception
/// from outside FlexiAI (a provider SDK, the network stack) is kept as a <see cref="RedactedException"/> that carries the
/// original's type name, status code and stack trace with its text scrubbed, so <see cref="Exception.ToString"/> never
/// prints a key that an error body echoed.
/// </remarks>
public class FlexiAIException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FlexiAIException"/> class.</summary>
    public FlexiAIException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FlexiAIException"/> class.</summary>
    /// <param name="message">The message; registered secrets and key-shaped tokens in it are masked.</param>
    public FlexiAIException(string message)
        : base(SecretMasker.Redact(message))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FlexiAIException"/> class.</summary>
    /// <param name="message">The message; registered secrets and key-shaped tokens in it are masked.</param>
    /// <param name="innerException">The underlying exception; anything but a FlexiAI exception is kept as a <see cref="RedactedException"/>.</param>
    public FlexiAIException(string message, Exception? innerException)
        : base(SecretMasker.Redact(message), SecretMasker.Scrub(innerException))
    {
    }

    /// <summary>Gets the route of the request that failed, when FlexiAI's router threw this exception.</summary>
    public RouteReport? Route { get; internal set; }
}
