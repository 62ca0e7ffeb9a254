namespace FlexiAI.Gateway;

/// <summary>A request the gateway refuses before routing it: becomes an OpenAI-shaped error body with this status.</summary>
internal sealed class GatewayRequestException(int status, string message, string? param = null, string type = "invalid_request_error", string? code = null) : Exception(message)
{
    public int Status { get; } = status;

    public string? Param { get; } = param;

    public string Type { get; } = type;

    public string? Code { get; } = code;

    public static GatewayRequestException Invalid(string param, string message, string? code = null) => new(400, message, param, code: code);
}
