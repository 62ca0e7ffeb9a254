namespace FlexiAI;

/// <summary>
/// Attribute names and bounded attribute values for FlexiAI's metrics and spans. Values are cached strings (enum names,
/// provider names and models from the configuration), never prompts, ids or keys, so cardinality stays small and
/// recording a measurement allocates nothing.
/// </summary>
internal static class TelemetryTags
{
    // OpenTelemetry GenAI semantic conventions.
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string TokenType = "gen_ai.token.type";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string ErrorType = "error.type";
    public const string StatusCode = "http.response.status_code";
    public const string Chat = "chat";
    public const string Input = "input";
    public const string Output = "output";

    // FlexiAI's own.
    public const string Provider = "flexiai.provider";
    public const string Outcome = "flexiai.outcome";
    public const string From = "flexiai.from";
    public const string To = "flexiai.to";
    public const string SkipReason = "flexiai.skip.reason";
    public const string CircuitFrom = "flexiai.circuit.from";
    public const string CircuitTo = "flexiai.circuit.to";
    public const string CircuitReason = "flexiai.circuit.reason";
    public const string Attempt = "flexiai.attempt";
    public const string Attempts = "flexiai.attempts";
    public const string Retries = "flexiai.retries";
    public const string FailedOver = "flexiai.failed_over";
    public const string Streaming = "flexiai.streaming";
    public const string CorrelationId = "flexiai.correlation_id";
    public const string Offset = "flexiai.stream.offset";
    public const string Delay = "flexiai.retry.delay_ms";

    public const string Success = "success";
    public const string Failure = "failure";
    public const string Cancelled = "cancelled";
    public const string Interrupted = "interrupted";
    public const string Abandoned = "abandoned";
    public const string CircuitOpen = "circuit_open";
    public const string CircuitHalfOpen = "circuit_half_open";
    public const string OtherGate = "gate";

    private static readonly string[] Categories = Enum.GetNames<ErrorCategory>();
    private static readonly string[] States = ["closed", "open", "half_open"];
    private static readonly string[] TransitionReasons = Enum.GetNames<CircuitTransitionReason>();

    /// <summary>Gets the category's name (e.g. <c>RateLimited</c>), as <c>error.type</c>.</summary>
    public static string Category(ErrorCategory category) => (uint)category < (uint)Categories.Length ? Categories[(int)category] : nameof(ErrorCategory.Unknown);

    /// <summary>Gets a breaker state's name: <c>closed</c>, <c>open</c> or <c>half_open</c>.</summary>
    public static string State(CircuitState state) => state switch
    {
        CircuitState.Closed => States[0],
        CircuitState.Open => States[1],
        _ => States[2],
    };

    public static string Reason(CircuitTransitionReason reason) => (uint)reason < (uint)TransitionReasons.Length ? TransitionReasons[(int)reason] : reason.ToString();

    /// <summary>Gets an attempt outcome as <c>flexiai.outcome</c>: success, failure, cancelled or interrupted.</summary>
    public static string OutcomeOf(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => Success,
        AttemptOutcome.Cancelled => Cancelled,
        AttemptOutcome.Interrupted => Interrupted,
        _ => Failure,
    };

    /// <summary>Gets the bounded skip reason of an admission: the breaker's two, or <c>gate</c> for any other gate (its words go on the span).</summary>
    public static string Skip(Admission admission) =>
        admission.SkipOutcome != AttemptOutcome.SkippedCircuitOpen ? OtherGate
        : admission.SkipError is CircuitOpenException { State: CircuitState.HalfOpen } ? CircuitHalfOpen
        : CircuitOpen;

    /// <summary>Gets <c>gen_ai.provider.name</c> for a FlexiAI provider type (the conventions' well-known values where one exists).</summary>
    public static string GenAIProvider(string type) => type switch
    {
        ProviderTypes.OpenAI => "openai",
        ProviderTypes.Anthropic => "anthropic",
        ProviderTypes.VertexAI => "gcp.vertex_ai",
        _ => type,
    };
}
