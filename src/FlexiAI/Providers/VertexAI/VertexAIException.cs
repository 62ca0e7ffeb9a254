namespace FlexiAI;

/// <summary>An error answered by Vertex AI (a <c>google.rpc.Status</c> body, a mid-stream error, or a blocked prompt).</summary>
public sealed class VertexAIException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="VertexAIException"/> class.</summary>
    /// <param name="statusCode">The HTTP status (or the error's <c>code</c> for a mid-stream error).</param>
    /// <param name="status">The <c>google.rpc.Code</c> name, e.g. <c>RESOURCE_EXHAUSTED</c>, or <c>PROMPT_BLOCKED</c>.</param>
    /// <param name="message">The error message (secrets already removed).</param>
    public VertexAIException(int statusCode, string? status, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Status = status;
    }

    /// <summary>Initializes a new instance of the <see cref="VertexAIException"/> class.</summary>
    public VertexAIException()
        : this(0, null, "Vertex AI returned an error.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VertexAIException"/> class.</summary>
    /// <param name="message">The message.</param>
    public VertexAIException(string message)
        : this(0, null, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VertexAIException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public VertexAIException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the HTTP status code, or the error body's <c>code</c>; 0 when unknown.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the status name (<c>INVALID_ARGUMENT</c>, <c>UNAUTHENTICATED</c>, <c>RESOURCE_EXHAUSTED</c>, <c>UNAVAILABLE</c>, …, or <c>PROMPT_BLOCKED</c>).</summary>
    public string? Status { get; }

    /// <summary>Gets the <c>promptFeedback.blockReason</c> when the prompt was blocked.</summary>
    public string? BlockReason { get; init; }

    /// <summary>Gets the delay from a <c>Retry-After</c> header, if any.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets a request id from the response headers, if any.</summary>
    public string? RequestId { get; init; }
}
