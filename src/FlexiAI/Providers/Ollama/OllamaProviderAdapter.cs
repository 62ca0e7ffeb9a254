using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OllamaSharp.Models.Exceptions;

namespace FlexiAI;

/// <summary>
/// Classifies Ollama's errors — a model that is not pulled (404, or "model … not found") is <see cref="ErrorCategory.NotFound"/>
/// with the <c>ollama pull MODEL</c> command as its hint; a refused connection is <see cref="ErrorCategory.Network"/> with a hint to
/// start the server — and checks the provider by listing the pulled models (<c>GET /api/tags</c>: free).
/// </summary>
/// <param name="context">The services the provider's client was created with; its HTTP handler carries the check.</param>
internal sealed class OllamaProviderAdapter(ProviderFactoryContext context) : ProviderAdapter
{
    /// <summary>The model the provider uses, for hints; set by <see cref="ForModel"/>.</summary>
    private string _model = "MODEL";

    /// <summary>Returns an adapter whose hints name <paramref name="model"/>.</summary>
    public OllamaProviderAdapter ForModel(string model)
    {
        _model = string.IsNullOrWhiteSpace(model) ? "MODEL" : model;
        return this;
    }

    /// <summary>The hint for a model the server does not have.</summary>
    public static string PullHint(string model) => $"The Ollama server has no model '{model}'. Pull it first: ollama pull {model}";

    /// <inheritdoc/>
    public override ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case HttpRequestException { StatusCode: HttpStatusCode.NotFound } notFound:
                return new ProviderFailure(ErrorCategory.NotFound, $"Ollama answered 404 for model '{_model}' ({SecretMasker.Redact(notFound.Message)}).")
                {
                    StatusCode = 404,
                    Hint = PullHint(_model),
                };
            case ModelDoesNotSupportToolsException tools:
                return new ProviderFailure(ErrorCategory.InvalidRequest, SecretMasker.Redact(tools.Message))
                {
                    StatusCode = 400,
                    Hint = $"Model '{_model}' does not take tools; use a model with tool support, or route tool requests to another provider.",
                };
            case OllamaException or ResponseError when IsModelMissing(exception.Message):
                return new ProviderFailure(ErrorCategory.NotFound, SecretMasker.Redact(exception.Message)) { Hint = PullHint(_model) };
            case ResponseError streamed:
                return new ProviderFailure(ErrorCategory.ServerError, "Ollama reported an error in the stream: " + SecretMasker.Redact(streamed.Message));
            case OllamaException invalid:
                return new ProviderFailure(ErrorCategory.InvalidRequest, SecretMasker.Redact(invalid.Message)) { StatusCode = 400 };
            case HttpRequestException { StatusCode: null, InnerException: SocketException } refused:
                return new ProviderFailure(ErrorCategory.Network, SecretMasker.Redact(refused.Message))
                {
                    Hint = "No Ollama server answered. Start it (ollama serve) and check base_url or OLLAMA_HOST (default http://localhost:11434).",
                };
            default:
                return base.Classify(exception);
        }
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => OllamaModels.Table.Describe(model);

    /// <inheritdoc/>
    /// <remarks>Ollama's chat API takes images as data (base64), nothing by URL.</remarks>
    public override ProviderCapabilities DescribeCapabilities(string model) => Capabilities.For(DescribeModel(model));

    private static ProviderCapabilities Capabilities { get; } = new() { DataMediaTypes = ["image/*"], UrlMediaTypes = [] };

    /// <inheritdoc/>
    /// <remarks>Lists the pulled models (<c>GET /api/tags</c>) and checks the configured one is among them.</remarks>
    protected override async Task<string> ProbeCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        using var http = OllamaProviderFactory.CreateHttpClient(provider, context);
        using var response = await http.GetAsync(new Uri("api/tags", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        var pulled = new List<string>();
        if (document.RootElement.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Array)
        {
            foreach (var model in models.EnumerateArray())
            {
                if (model.TryGetProperty("name", out var name) && name.GetString() is { } text)
                {
                    pulled.Add(text);
                }
            }
        }

        if (!pulled.Any(name => IsSameModel(name, provider.Model)))
        {
            throw new HttpRequestException($"{PullHint(provider.Model)} (pulled: {(pulled.Count == 0 ? "none" : string.Join(", ", pulled))}).", null, HttpStatusCode.NotFound);
        }

        return $"The Ollama server answers and model '{provider.Model}' is pulled.";
    }

    // "gemma3" names "gemma3:latest"; a tag must match exactly.
    internal static bool IsSameModel(string pulled, string configured) =>
        string.Equals(pulled, configured, StringComparison.OrdinalIgnoreCase)
        || (!configured.Contains(':', StringComparison.Ordinal) && string.Equals(pulled, configured + ":latest", StringComparison.OrdinalIgnoreCase));

    private static bool IsModelMissing(string message) =>
        message.Contains("not found", StringComparison.OrdinalIgnoreCase) && message.Contains("model", StringComparison.OrdinalIgnoreCase);
}
