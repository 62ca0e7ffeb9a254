namespace FlexiAI;

/// <summary>
/// The request is invalid (no messages, a parameter out of range, content a provider cannot take).
/// It is thrown before any network call, and never fails over.
/// </summary>
public sealed class RequestValidationException : FlexiAIException
{
    /// <summary>Initializes a new instance of the <see cref="RequestValidationException"/> class.</summary>
    /// <param name="parameter">The request element that is wrong, e.g. <c>options.Temperature</c>.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    public RequestValidationException(string parameter, string message)
        : base($"Invalid request: {parameter}: {message}")
    {
        Parameter = parameter;
    }

    /// <summary>Gets the request element that is wrong.</summary>
    public string Parameter { get; }
}
