namespace FlexiAI;

/// <summary>The base type of every exception FlexiAI throws.</summary>
public class FlexiAIException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FlexiAIException"/> class.</summary>
    public FlexiAIException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FlexiAIException"/> class.</summary>
    /// <param name="message">The message; it must not contain secrets.</param>
    public FlexiAIException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FlexiAIException"/> class.</summary>
    /// <param name="message">The message; it must not contain secrets.</param>
    /// <param name="innerException">The underlying exception.</param>
    public FlexiAIException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the route of the request that failed, when FlexiAI's router threw this exception.</summary>
    public RouteReport? Route { get; internal set; }
}
