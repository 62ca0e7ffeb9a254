using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// The provider-specific knowledge FlexiAI's router needs and never hard-codes: how to classify a
/// provider's exceptions, how to check its credentials and what its models can do.
/// </summary>
/// <remarks>
/// The base class handles what any <see cref="IChatClient"/> over HTTP throws (<see cref="HttpRequestException"/>
/// with a status code, socket and TLS failures, timeouts). Provider adapters derive from it and add their SDK's
/// exception types, falling back to <c>base.Classify</c>.
/// </remarks>
public class ProviderAdapter
{
    /// <summary>Gets the adapter used for providers that do not supply their own.</summary>
    public static ProviderAdapter Generic { get; } = new();

    /// <summary>Classifies an exception thrown by the provider's client.</summary>
    /// <param name="exception">The exception; never a cancellation requested by the caller.</param>
    /// <returns>The classification.</returns>
    public virtual ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case ProviderException provider:
                return new ProviderFailure(provider.Category, provider.ProviderMessage)
                {
                    StatusCode = provider.StatusCode,
                    RequestId = provider.RequestId,
                    RetryAfter = provider.RetryAfter,
                };
            case HttpRequestException http when http.StatusCode is HttpStatusCode status:
                return new ProviderFailure(CategorizeStatus((int)status), SecretMasker.Redact(http.Message)) { StatusCode = (int)status };
            case HttpRequestException http:
                return new ProviderFailure(ErrorCategory.Network, SecretMasker.Redact(http.Message));
            case TimeoutException timeout:
                return new ProviderFailure(ErrorCategory.Timeout, SecretMasker.Redact(timeout.Message));
            case TaskCanceledException canceled when canceled.InnerException is TimeoutException:
                return new ProviderFailure(ErrorCategory.Timeout, "The provider's HTTP client timed out.");
            case OperationCanceledException:
                return new ProviderFailure(ErrorCategory.Timeout, "The provider's client cancelled the call without the caller asking (usually its own timeout).");
            case SocketException or IOException or AuthenticationException:
                return new ProviderFailure(ErrorCategory.Network, SecretMasker.Redact(exception.Message));
            case System.Text.Json.JsonException:
                return new ProviderFailure(ErrorCategory.ServerError, "The provider returned a malformed response: " + SecretMasker.Redact(exception.Message));
            case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                return Classify(aggregate.InnerExceptions[^1]);
            default:
                return exception.InnerException is { } inner && inner is not AggregateException
                    ? Classify(inner)
                    : new ProviderFailure(ErrorCategory.Unknown, $"{exception.GetType().Name}: {SecretMasker.Redact(exception.Message)}");
        }
    }

    /// <summary>Checks the provider's credentials with the cheapest call it has (<see cref="ProbeCredentialsAsync"/>).</summary>
    /// <param name="provider">The provider's options (name, model, key).</param>
    /// <param name="client">The provider's client.</param>
    /// <param name="cancellationToken">A token to cancel the check.</param>
    /// <returns>
    /// The verdict: <see cref="CredentialStatus.Valid"/> when the probe succeeds; <see cref="CredentialStatus.Invalid"/> when the
    /// provider rejects the credentials (authentication, permission), does not know the model or endpoint (not found), or the
    /// configuration cannot make a client; otherwise <see cref="CredentialStatus.Unknown"/>. Messages never contain a secret.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<CredentialCheckResult> ValidateCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var message = await ProbeCredentialsAsync(provider, client, cancellationToken).ConfigureAwait(false);
            return new CredentialCheckResult(provider.Name, CredentialStatus.Valid, message);
        }
        catch (ConfigurationException ex)
        {
            return new CredentialCheckResult(provider.Name, CredentialStatus.Invalid, SecretMasker.Redact(ex.Errors[0].Message), ErrorCategory.Authentication);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = Classify(ex);
            return failure.Category switch
            {
                ErrorCategory.Authentication or ErrorCategory.PermissionDenied =>
                    new CredentialCheckResult(provider.Name, CredentialStatus.Invalid, $"{failure.Category}: {failure.Message}", failure.Category),
                ErrorCategory.NotFound =>
                    new CredentialCheckResult(provider.Name, CredentialStatus.Invalid, $"NotFound: {failure.Message} Check the model '{provider.Model}' and the base URL.", failure.Category),
                _ => new CredentialCheckResult(provider.Name, CredentialStatus.Unknown, $"{failure.Category}: {failure.Message}", failure.Category),
            };
        }
    }

    /// <summary>Describes a model.</summary>
    /// <param name="model">The model name.</param>
    /// <returns>What the model can do; unknown limits are <see langword="null"/>.</returns>
    public virtual ProviderModelInfo DescribeModel(string model) => ProviderModelInfo.Unknown(model);

    /// <summary>
    /// Describes what a model of this provider can take (media types as data or URL, tools, JSON schemas); the router skips
    /// the provider for a request it cannot take and tries the next one.
    /// </summary>
    /// <param name="model">The model name.</param>
    /// <returns>The capabilities. Default: <see cref="ProviderCapabilities.Any"/>, limited by <see cref="DescribeModel"/>'s tool and JSON flags.</returns>
    /// <remarks><see cref="ProviderOptions.Capabilities"/>, when set, wins over this.</remarks>
    public virtual ProviderCapabilities DescribeCapabilities(string model) => ProviderCapabilities.Any.For(DescribeModel(model));

    /// <summary>
    /// Makes the cheapest call that proves the credentials. Throw what the provider throws: <see cref="ValidateCredentialsAsync"/>
    /// classifies the exception with <see cref="Classify"/> and turns it into a verdict.
    /// </summary>
    /// <param name="provider">The provider's options (name, model, key).</param>
    /// <param name="client">The provider's client.</param>
    /// <param name="cancellationToken">A token to cancel the probe.</param>
    /// <returns>A one-line message for the valid verdict, without secrets.</returns>
    /// <remarks>
    /// The generic probe sends a one-word prompt with a one-token limit through <paramref name="client"/>. Provider adapters
    /// override it with a cheaper call (e.g. reading the model); anything they create for it they dispose, and they send
    /// through the configured <see cref="ProviderFactoryContext.HttpMessageHandler"/>.
    /// </remarks>
    protected virtual async Task<string> ProbeCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        await client.GetResponseAsync("ping", new ChatOptions { MaxOutputTokens = 1 }, cancellationToken).ConfigureAwait(false);
        return $"The credentials are accepted and model '{provider.Model}' answered a one-token request.";
    }

    /// <summary>Maps an HTTP status code to a category, the way most providers use status codes.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <returns>The category.</returns>
    public static ErrorCategory CategorizeStatus(int statusCode) => statusCode switch
    {
        400 or 409 or 413 or 415 or 422 => ErrorCategory.InvalidRequest,
        401 => ErrorCategory.Authentication,
        402 or 403 => ErrorCategory.PermissionDenied,
        404 => ErrorCategory.NotFound,
        408 or 504 => ErrorCategory.Timeout,
        429 => ErrorCategory.RateLimited,
        499 => ErrorCategory.Cancelled,
        503 or 529 => ErrorCategory.Overloaded,
        >= 500 and < 600 => ErrorCategory.ServerError,
        _ => ErrorCategory.Unknown,
    };

    /// <summary>
    /// Reads how long a response asks the caller to wait: <c>retry-after-ms</c> (milliseconds) first, then
    /// <c>Retry-After</c> as seconds or as an HTTP date.
    /// </summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="now">The current time, for HTTP dates.</param>
    /// <returns>The delay, or <see langword="null"/> when the response says nothing usable.</returns>
    public static TimeSpan? ParseRetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? ms = headers.TryGetValues("retry-after-ms", out var msValues) ? msValues.FirstOrDefault() : null;
        string? ra = headers.TryGetValues("Retry-After", out var raValues) ? raValues.FirstOrDefault() : null;
        return ParseRetryAfter(ms, ra, now);
    }

    /// <summary>Parses <c>retry-after-ms</c> and <c>Retry-After</c> header values (either may be <see langword="null"/>).</summary>
    /// <param name="retryAfterMs">The <c>retry-after-ms</c> value.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> value: seconds or an HTTP date.</param>
    /// <param name="now">The current time, for HTTP dates.</param>
    /// <returns>The delay (never negative), or <see langword="null"/>.</returns>
    public static TimeSpan? ParseRetryAfter(string? retryAfterMs, string? retryAfter, DateTimeOffset now)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (double.TryParse(retryAfterMs, System.Globalization.NumberStyles.Float, inv, out var millis) && millis >= 0 && double.IsFinite(millis))
        {
            // A value too large for a TimeSpan (e.g. 1e300) means "wait forever": the longest delay, which is above any cap.
            return millis >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(millis);
        }

        if (string.IsNullOrWhiteSpace(retryAfter))
        {
            return null;
        }

        if (double.TryParse(retryAfter, System.Globalization.NumberStyles.Float, inv, out var seconds) && seconds >= 0 && double.IsFinite(seconds))
        {
            return seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(retryAfter, inv, System.Globalization.DateTimeStyles.AssumeUniversal, out var date))
        {
            var delay = date - now;
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }
}
