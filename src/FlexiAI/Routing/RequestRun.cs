using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>What the router decides after a failed attempt.</summary>
internal enum FailureDecision
{
    /// <summary>Sleep <see cref="RequestRun.RetryDelay"/>, then try the same provider again.</summary>
    Retry,

    /// <summary>Move on to the next provider.</summary>
    NextProvider,

    /// <summary>Stop the request and throw <see cref="RequestRun.StopException"/>.</summary>
    Stop,
}

/// <summary>
/// The state of one request as it moves through providers: correlation id, timing, the attempts made,
/// the errors met. The router's loop drives it; it records, classifies and decides.
/// </summary>
internal sealed class RequestRun
{
    private readonly FailoverRouter _router;
    private readonly long _start;
    private readonly List<RouteAttempt> _attempts;
    private List<Exception>? _errors;
    private DateTimeOffset? _earliestRetryAt;
    private bool _requestTimedOut;
    private int _tried;
    private int? _continuedAt;

    public RequestRun(FailoverRouter router, IList<ChatMessage> messages, ChatOptions? options, CancellationToken callerToken)
    {
        _router = router;
        Messages = messages;
        Options = options;
        CallerToken = callerToken;
        CorrelationId = ResolveCorrelationId(options);
        _start = router.Time.GetTimestamp();
        _attempts = new List<RouteAttempt>(2);
    }

    public IList<ChatMessage> Messages { get; }

    public ChatOptions? Options { get; }

    public CancellationToken CallerToken { get; }

    public string CorrelationId { get; }

    public TimeSpan RetryDelay { get; private set; }

    public Exception? StopException { get; private set; }

    public int AttemptCount => _attempts.Count;

    /// <summary>Gets the time left before the request timeout.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var timeout = _router.Options.RequestTimeout;
            if (timeout == Timeout.InfiniteTimeSpan)
            {
                return Timeout.InfiniteTimeSpan;
            }

            var left = timeout - _router.Time.GetElapsedTime(_start);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public long Now => _router.Time.GetTimestamp();

    /// <summary>Asks the provider's breaker for a permit; records a skip when denied.</summary>
    public async ValueTask<CircuitPermit> EnterAsync(RoutedProvider provider)
    {
        var (permit, change) = await provider.Breaker.AcquireAsync(CallerToken).ConfigureAwait(false);
        if (change is { } c)
        {
            await _router.PublishCircuitChangeAsync(c, CorrelationId, CallerToken).ConfigureAwait(false);
        }

        if (!permit.Allowed)
        {
            if (_router.LogEnabled)
            {
                Log.SkippedOpenCircuit(_router.Logger, CorrelationId, provider.Name, permit.State);
            }

            _attempts.Add(new RouteAttempt(provider.Name, provider.Model, 0, AttemptOutcome.SkippedCircuitOpen, null, null, TimeSpan.Zero));
            (_errors ??= []).Add(new CircuitOpenException(provider.Name, permit.State, permit.RetryAt));
            if (permit.RetryAt is { } at && (_earliestRetryAt is null || at < _earliestRetryAt))
            {
                _earliestRetryAt = at;
            }
        }

        return permit;
    }

    /// <summary>Starts an attempt: runs before-request hooks and arms the attempt's deadline.</summary>
    public async ValueTask<AttemptDeadline> StartAttemptAsync(RoutedProvider provider, int attempt, bool streaming = false)
    {
        _tried++;
        if (_router.LogEnabled)
        {
            Log.AttemptStarting(_router.Logger, CorrelationId, provider.Name, provider.Model, attempt);
        }

        if (_router.Hooks.Has(FlexiAIHookEvent.BeforeRequest))
        {
            await _router.RunHooksAsync(FlexiAIHookEvent.BeforeRequest, new FlexiAIHookContext
            {
                Event = FlexiAIHookEvent.BeforeRequest,
                Timestamp = _router.Time.GetUtcNow(),
                CorrelationId = CorrelationId,
                Provider = provider.Name,
                Model = provider.Model,
                AttemptNumber = attempt,
                Messages = (IReadOnlyList<ChatMessage>)Messages,
                Options = Options,
            }, CallerToken).ConfigureAwait(false);
        }

        var remaining = Remaining;
        var timeout = streaming ? provider.FirstTokenTimeout : provider.AttemptTimeout;
        var description = streaming && provider.FirstTokenTimeout != provider.AttemptTimeout
            ? $"time-to-first-token timeout of {timeout.TotalSeconds:0.###} s"
            : $"attempt timeout of {timeout.TotalSeconds:0.###} s";
        if (remaining != Timeout.InfiniteTimeSpan && (timeout == Timeout.InfiniteTimeSpan || remaining < timeout))
        {
            timeout = remaining;
        }

        return new AttemptDeadline(_router.Time, timeout, description, CallerToken);
    }

    /// <summary>Returns whether <paramref name="exception"/> is the caller's own cancellation.</summary>
    public bool IsCallerCancellation(Exception exception) =>
        exception is OperationCanceledException && CallerToken.IsCancellationRequested;

    /// <summary>Records a success and returns the route report.</summary>
    public async ValueTask<RouteReport> SucceedAsync(RoutedProvider provider, CircuitPermit permit, int attempt, long attemptStart, UsageDetails? usage)
    {
        var latency = _router.Time.GetElapsedTime(attemptStart);
        _attempts.Add(new RouteAttempt(provider.Name, provider.Model, attempt, AttemptOutcome.Succeeded, null, null, latency, _continuedAt));
        var change = await provider.Breaker.RecordSuccessAsync(permit, CancellationToken.None).ConfigureAwait(false);
        if (change is { } c)
        {
            await _router.PublishCircuitChangeAsync(c, CorrelationId, CallerToken).ConfigureAwait(false);
        }

        _router.LastUsedProvider = provider.Name;
        if (_router.LogEnabled)
        {
            Log.AttemptSucceeded(_router.Logger, CorrelationId, provider.Name, attempt, latency.TotalMilliseconds);
        }

        return BuildRoute(provider, usage);
    }

    /// <summary>Runs the after-response hooks.</summary>
    public ValueTask AfterResponseAsync(RoutedProvider provider, int attempt, ChatResponse? response, RouteReport route)
    {
        if (!_router.Hooks.Has(FlexiAIHookEvent.AfterResponse))
        {
            return ValueTask.CompletedTask;
        }

        return _router.RunHooksAsync(FlexiAIHookEvent.AfterResponse, new FlexiAIHookContext
        {
            Event = FlexiAIHookEvent.AfterResponse,
            Timestamp = _router.Time.GetUtcNow(),
            CorrelationId = CorrelationId,
            Provider = provider.Name,
            Model = provider.Model,
            AttemptNumber = attempt,
            Messages = (IReadOnlyList<ChatMessage>)Messages,
            Options = Options,
            Response = response,
            Route = route,
        }, CallerToken);
    }

    /// <summary>Records the caller's cancellation: never retried, never failed over, never counted.</summary>
    public async ValueTask CancelledAsync(RoutedProvider provider, CircuitPermit permit, int attempt, long attemptStart)
    {
        _attempts.Add(new RouteAttempt(provider.Name, provider.Model, attempt, AttemptOutcome.Cancelled, null, null, _router.Time.GetElapsedTime(attemptStart)));
        if (permit.IsProbe)
        {
            await provider.Breaker.ReleaseProbeAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (_router.LogEnabled)
        {
            Log.CallerCancelled(_router.Logger, CorrelationId, provider.Name);
        }
    }

    /// <summary>Records an attempt a provider refused before any network call (content it cannot take); releases a probe; never counts.</summary>
    public async ValueTask RejectedAsync(RoutedProvider provider, CircuitPermit permit, int attempt, long attemptStart)
    {
        _attempts.Add(new RouteAttempt(provider.Name, provider.Model, attempt, AttemptOutcome.Failed, ErrorCategory.InvalidRequest, null, _router.Time.GetElapsedTime(attemptStart)));
        if (permit.IsProbe)
        {
            await provider.Breaker.ReleaseProbeAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Classifies a failed attempt, records it, informs the breaker and hooks, and decides what comes next.</summary>
    public async ValueTask<FailureDecision> FailAsync(RoutedProvider provider, CircuitPermit permit, int attempt, long attemptStart, Exception exception, AttemptDeadline? deadline)
    {
        var (error, policy, retryable, requestTimedOut) = await RecordFailureAsync(provider, permit, attempt, attemptStart, exception, deadline, AttemptOutcome.Failed).ConfigureAwait(false);
        if (requestTimedOut || Remaining == TimeSpan.Zero)
        {
            _requestTimedOut = true;
            StopException = BuildAllFailed($"The request timeout of {_router.Options.RequestTimeout.TotalSeconds:0.###} s elapsed after {_attempts.Count} attempt(s).");
            return FailureDecision.Stop;
        }

        if (!policy.Failover && !(retryable && attempt < provider.MaxAttempts && !permit.IsProbe))
        {
            error.Route = BuildRoute(null);
            StopException = error;
            return FailureDecision.Stop;
        }

        if (retryable && attempt < provider.MaxAttempts && !permit.IsProbe && provider.Breaker.Snapshot.State == CircuitState.Closed)
        {
            var cap = _router.Options.Retry.MaxRetryAfter;
            if (error.RetryAfter is { } retryAfter && retryAfter > cap)
            {
                if (_router.LogEnabled)
                {
                    Log.RetryAfterAboveCap(_router.Logger, CorrelationId, provider.Name, retryAfter.TotalMilliseconds, cap.TotalMilliseconds);
                }

                return policy.Failover ? FailureDecision.NextProvider : StopWith(error);
            }

            var delay = error.RetryAfter ?? _router.ComputeBackoff(attempt);
            var remaining = Remaining;
            if (remaining == Timeout.InfiniteTimeSpan || delay < remaining)
            {
                RetryDelay = delay;
                if (_router.LogEnabled)
                {
                    Log.Retrying(_router.Logger, CorrelationId, provider.Name, delay.TotalMilliseconds, attempt + 1, provider.MaxAttempts);
                }

                return FailureDecision.Retry;
            }
        }

        return policy.Failover ? FailureDecision.NextProvider : StopWith(error);
    }

    /// <summary>Classifies and records a failed attempt (route, errors, log, breaker, hooks) without deciding what comes next.</summary>
    public async ValueTask<(ProviderException Error, ErrorPolicy Policy, bool Retryable, bool RequestTimedOut)> RecordFailureAsync(
        RoutedProvider provider, CircuitPermit permit, int attempt, long attemptStart, Exception exception, AttemptDeadline? deadline, AttemptOutcome outcome)
    {
        var latency = _router.Time.GetElapsedTime(attemptStart);
        ProviderFailure failure;
        var requestTimedOut = false;
        if (deadline is { Fired: true } && exception is OperationCanceledException)
        {
            requestTimedOut = outcome == AttemptOutcome.Failed && Remaining == TimeSpan.Zero;
            failure = requestTimedOut
                ? new ProviderFailure(ErrorCategory.Timeout, $"The request timeout of {_router.Options.RequestTimeout.TotalSeconds:0.###} s elapsed during this attempt.")
                : new ProviderFailure(ErrorCategory.Timeout, $"The {deadline.Description} elapsed.");
        }
        else
        {
            failure = ClassifySafely(provider, exception);
        }

        var policy = _router.PolicyFor(failure.Category);
        var retryable = failure.ShouldRetry ?? policy.Retry;
        var error = new ProviderException(provider.Name, provider.Model, failure, attempt, retryable, exception);
        _attempts.Add(new RouteAttempt(provider.Name, provider.Model, attempt, outcome, failure.Category, failure.StatusCode, latency, _continuedAt));
        (_errors ??= []).Add(error);
        provider.NoteError(failure.Category);

        if (_router.LogEnabled)
        {
            Log.AttemptFailed(_router.Logger, CorrelationId, provider.Name, attempt, failure.Category, failure.StatusCode, latency.TotalMilliseconds, failure.Message);
        }

        // A request-timeout cut is the request's budget running out, not the provider's fault: it does not count.
        var counts = policy.CountsTowardBreaker && !requestTimedOut;
        var change = await provider.Breaker.RecordFailureAsync(permit, failure.Category, counts, CancellationToken.None).ConfigureAwait(false);
        if (change is { } c)
        {
            await _router.PublishCircuitChangeAsync(c, CorrelationId, CallerToken).ConfigureAwait(false);
        }

        if (_router.Hooks.Has(FlexiAIHookEvent.Error))
        {
            await _router.RunHooksAsync(FlexiAIHookEvent.Error, new FlexiAIHookContext
            {
                Event = FlexiAIHookEvent.Error,
                Timestamp = _router.Time.GetUtcNow(),
                CorrelationId = CorrelationId,
                Provider = provider.Name,
                Model = provider.Model,
                AttemptNumber = attempt,
                Messages = (IReadOnlyList<ChatMessage>)Messages,
                Options = Options,
                Exception = error,
            }, CallerToken).ConfigureAwait(false);
        }

        return (error, policy, retryable, requestTimedOut);
    }

    /// <summary>Marks that the attempts from now on continue a stream whose first <paramref name="offset"/> characters the caller already has.</summary>
    public void MarkContinuation(int offset) => _continuedAt = offset;

    /// <summary>Runs failover logging and hooks when the request moves from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public ValueTask FailingOverAsync(RoutedProvider from, RoutedProvider to)
    {
        var lastError = _errors is { Count: > 0 } ? _errors[^1] : null;
        var category = (lastError as ProviderException)?.Category ?? ErrorCategory.Unknown;
        if (_router.LogEnabled)
        {
            Log.FailingOver(_router.Logger, CorrelationId, from.Name, to.Name, category);
        }

        if (!_router.Hooks.Has(FlexiAIHookEvent.Failover))
        {
            return ValueTask.CompletedTask;
        }

        return _router.RunHooksAsync(FlexiAIHookEvent.Failover, new FlexiAIHookContext
        {
            Event = FlexiAIHookEvent.Failover,
            Timestamp = _router.Time.GetUtcNow(),
            CorrelationId = CorrelationId,
            Provider = from.Name,
            Model = from.Model,
            NextProvider = to.Name,
            Messages = (IReadOnlyList<ChatMessage>)Messages,
            Options = Options,
            Exception = lastError,
        }, CallerToken);
    }

    /// <summary>
    /// When every provider was skipped by an open breaker and waiting is allowed, waits for the earliest
    /// one to reach half-open. Returns <see langword="true"/> when the caller should go round again.
    /// </summary>
    public async ValueTask<bool> WaitForRecoveryAsync(TimeSpan waitBudgetLeft)
    {
        if (_requestTimedOut || _earliestRetryAt is not { } earliest || _tried > 0)
        {
            return false;
        }

        var wait = earliest - _router.Time.GetUtcNow();
        if (wait < TimeSpan.Zero)
        {
            wait = TimeSpan.Zero;
        }

        var remaining = Remaining;
        if (wait > waitBudgetLeft || (remaining != Timeout.InfiniteTimeSpan && wait >= remaining))
        {
            return false;
        }

        if (_router.LogEnabled)
        {
            Log.WaitingForRecovery(_router.Logger, CorrelationId, wait.TotalMilliseconds);
        }

        await Task.Delay(wait, _router.Time, CallerToken).ConfigureAwait(false);
        _earliestRetryAt = null;
        return true;
    }

    /// <summary>Builds the exception for a request that no provider answered.</summary>
    public AllProvidersFailedException BuildAllFailed(string? reason = null)
    {
        if (_router.LogEnabled)
        {
            Log.AllFailed(_router.Logger, CorrelationId, _attempts.Count);
        }

        return new AllProvidersFailedException(_errors is null ? [] : [.. _errors], BuildRoute(null), _earliestRetryAt, reason);
    }

    public RouteReport BuildRoute(RoutedProvider? answered, UsageDetails? usage = null) =>
        new(CorrelationId, answered?.Name, answered?.Model, [.. _attempts], _router.Time.GetElapsedTime(_start)) { Usage = usage };

    private FailureDecision StopWith(ProviderException error)
    {
        error.Route = BuildRoute(null);
        StopException = error;
        return FailureDecision.Stop;
    }

    private static ProviderFailure ClassifySafely(RoutedProvider provider, Exception exception)
    {
        try
        {
            return provider.Adapter.Classify(exception);
        }
#pragma warning disable CA1031 // A broken adapter must not turn a provider failure into a crash of the request.
        catch (Exception classifierError)
#pragma warning restore CA1031
        {
            return new ProviderFailure(ErrorCategory.Unknown, $"{exception.GetType().Name} (the provider adapter failed to classify it: {classifierError.GetType().Name})");
        }
    }

    private static string ResolveCorrelationId(ChatOptions? options)
    {
        if (options?.AdditionalProperties is { } props && props.TryGetValue(FlexiAIClient.CorrelationIdKey, out var value) && value is string { Length: > 0 } given)
        {
            return given;
        }

        return System.Diagnostics.Activity.Current is { } activity
            ? activity.TraceId.ToHexString()
            : Guid.NewGuid().ToString("N");
    }
}
