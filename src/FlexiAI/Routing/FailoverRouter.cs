using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// The request path of <see cref="FlexiAIClient"/>. One provider loop (<see cref="RunAsync"/>) serves responses and
/// streams; it reads top to bottom: order providers → admit (gates) → attempt → classify → decide → record → next.
/// Everything it observes goes to the <see cref="EventSink"/> once; it never names a provider, a gate or a subscriber.
/// </summary>
internal sealed class FailoverRouter(ProviderSetHolder sets, TimeProvider time, EventSink sink, Random random)
{
    private readonly DeadlinePool _deadlines = new(time);

    private static readonly AttemptFunc<ChatResponse> GetResponse =
        static (provider, messages, options, _, token) => new ValueTask<ChatResponse>(provider.Client.GetResponseAsync(messages, options, token));

    private static readonly AttemptFunc<IAsyncEnumerator<ChatResponseUpdate>> OpenStream = OpenStreamAsync;

    /// <summary>One attempt against one provider: get a response, or open a stream up to its first update.</summary>
    internal delegate ValueTask<T> AttemptFunc<T>(RoutedProvider provider, IList<ChatMessage> messages, ChatOptions? options, int attempt, CancellationToken token);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        GetResponseCoreAsync(messages, options, cancellationToken).AsTask();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ChatResponse> GetResponseCoreAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var list = RequestValidator.Validate(messages, options);
        cancellationToken.ThrowIfCancellationRequested();
        var set = sets.Enter();
        try
        {
            var state = await StartAsync(set, list, options, streaming: false, cancellationToken).ConfigureAwait(false);
            try
            {
                var opened = await RunAsync(set, state, set.Ordered, list, GetResponse, startAt: 0, previous: null, mayWait: true, streaming: false).ConfigureAwait(false);
                if (opened is not { } attempt)
                {
                    throw NoneAnswered(state);
                }

                attempt.Deadline.Dispose();
                var response = attempt.Value;
                var route = await SucceedAsync(state, attempt, response.Usage, response.Usage).ConfigureAwait(false);
                (response.AdditionalProperties ??= [])[FlexiAIChatResponseExtensions.RouteKey] = route;
                await CompleteAsync(state, route, response, null).ConfigureAwait(false);
                return response;
            }
            catch (Exception ex)
            {
                await FailAsync(state, ex).ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            set.Exit();
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var list = RequestValidator.Validate(messages, options);
        cancellationToken.ThrowIfCancellationRequested();
        var set = sets.Enter();
        Opened<IAsyncEnumerator<ChatResponseUpdate>>? current = null;
        RequestState? state = null;
        try
        {
            state = await StartAsync(set, list, options, streaming: true, cancellationToken).ConfigureAwait(false);
            var streaming = set.Options.Streaming;
            var ordered = set.Ordered;
            var request = list;
            var startAt = 0;
            var text = new StreamText();
            ProviderException? interruption = null;
            RoutedProvider? failedProvider = null;
            while (true)
            {
                // Open a stream on the first provider (from startAt) that delivers a first update; failures before it are invisible.
                Opened<IAsyncEnumerator<ChatResponseUpdate>>? opened;
                Exception? stop = null;
                try
                {
                    opened = await RunAsync(set, state, ordered, request, OpenStream, startAt, failedProvider, mayWait: !text.Visible, streaming: true).ConfigureAwait(false);
                }
                catch (FlexiAIException ex) when (text.Visible && ex is not StreamInterruptedException)
                {
                    opened = null;
                    stop = Interrupted(state, text, "no provider could continue it.", interruption ?? ex as ProviderException);
                }
                catch (Exception ex)
                {
                    await FailAsync(state, ex).ConfigureAwait(false);
                    throw;
                }

                if (opened is not { } attempt)
                {
                    stop ??= text.Visible ? Interrupted(state, text, "no provider could continue it.", interruption) : NoneAnswered(state);
                    await FailAsync(state, stop).ConfigureAwait(false);
                    throw stop;
                }

                current = attempt;
                text.BeginProviderStream();
                var provider = attempt.Provider;
                var stream = attempt.Value;
                var update = stream.Current;
                Exception? failure = null;
                while (true)
                {
                    text.Observe(update);
                    yield return update;

                    bool more;
                    attempt.Deadline.Rearm(provider.IdleTimeout, provider.IdleDescription);
                    try
                    {
                        more = await stream.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (IsCallerCancellation(ex, state))
                    {
                        current = null;
                        await DisposeAsync(attempt).ConfigureAwait(false);
                        await CancelledAsync(state, provider, attempt.Passes, attempt.Attempt, attempt.Started).ConfigureAwait(false);
                        await FailAsync(state, ex).ConfigureAwait(false);
                        throw;
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                        break;
                    }

                    if (!more)
                    {
                        if (streaming.RequireFinishReason && !text.SawFinishReason)
                        {
                            failure = new ProviderException(provider.Name, provider.Model,
                                new ProviderFailure(ErrorCategory.Network, "The stream ended without its terminal event (no finish reason): the response is truncated."),
                                attempt.Attempt, isRetryable: true, innerException: null);
                        }

                        break;
                    }

                    update = stream.Current;
                }

                if (failure is null)
                {
                    current = null;
                    await DisposeAsync(attempt).ConfigureAwait(false);
                    var route = await SucceedAsync(state, attempt, text.Usage, text.ProviderUsage).ConfigureAwait(false);
                    await CompleteAsync(state, route, null, null).ConfigureAwait(false);
                    yield return new ChatResponseUpdate
                    {
                        AdditionalProperties = new() { [FlexiAIChatResponseExtensions.RouteKey] = route },
                        ModelId = provider.Model,
                    };
                    yield break;
                }

                // The stream failed after its first update: record it, then decide by what the caller has already seen.
                var outcome = text.Visible ? AttemptOutcome.Interrupted : AttemptOutcome.Failed;
                var failed = await RecordFailureAsync(set, state, provider, attempt.Passes, attempt.Attempt, attempt.Started, failure, attempt.Deadline, outcome).ConfigureAwait(false);
                current = null;
                await DisposeAsync(attempt).ConfigureAwait(false);
                var (decision, reason) = DecideMidStream(failed, text, streaming, state);
                await ReportFailureAsync(set, state, provider, failed, decision, text.ProviderUsage).ConfigureAwait(false);
                if (decision.Kind == AttemptDecisionKind.Stop)
                {
                    Exception error = text.Visible
                        ? Interrupted(state, text, reason!, failed.Error)
                        : Stop(state, failed.Error, decision);
                    await FailAsync(state, error).ConfigureAwait(false);
                    throw error;
                }

                if (text.Visible)
                {
                    // Continue on the next provider from the text the caller already has, keeping the caller's messages.
                    request = [.. list, new ChatMessage(ChatRole.Assistant, text.ToString()), new ChatMessage(ChatRole.User, streaming.ContinuationPrompt ?? StreamingOptions.DefaultContinuationPrompt)];
                    state.ContinuedAt = text.Length;
                    interruption = failed.Error;
                    if (sink.Wants(RequestEventKinds.StreamContinued))
                    {
                        await sink.PublishAsync(new StreamContinued(state, provider, text.Length), state.CallerToken).ConfigureAwait(false);
                    }
                }

                startAt = attempt.Index + 1;
                failedProvider = provider;
            }
        }
        finally
        {
            if (current is { } open)
            {
                // The caller stopped reading before the stream ended: no verdict on the provider, but its gates get their
                // admission back (a half-open probe must never stay taken by a stream nobody reads).
                await DisposeAsync(open).ConfigureAwait(false);
                await ReleaseAsync(state!, open.Provider, open.Passes).ConfigureAwait(false);
            }

            set.Exit();
        }
    }

    /// <summary>
    /// The one provider loop. Tries providers from <paramref name="startAt"/> in order, each through its gates, with
    /// retries, until an attempt succeeds; returns <see langword="null"/> when none did (every provider skipped or failed
    /// over) and waiting for a breaker is not possible; throws when a decision stops the request.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Opened<T>?> RunAsync<T>(
        ProviderSet set, RequestState state, RoutedProvider[] ordered, IList<ChatMessage> request, AttemptFunc<T> attempt, int startAt, RoutedProvider? previous, bool mayWait, bool streaming)
    {
        var waitBudget = mayWait ? set.Options.WaitForRecovery : TimeSpan.Zero;
        while (true)
        {
            for (var index = startAt; index < ordered.Length; index++)
            {
                var provider = ordered[index];
                var passes = await AdmitAsync(state, provider).ConfigureAwait(false);
                if (!passes.Allowed)
                {
                    continue;
                }

                if (previous is not null && sink.Wants(RequestEventKinds.FailedOver))
                {
                    await sink.PublishAsync(new FailedOver(state, previous, provider, state.LastError), state.CallerToken).ConfigureAwait(false);
                }

                previous = provider;
                for (var number = 1; ; number++)
                {
                    var deadline = await StartAttemptAsync(state, provider, number, streaming).ConfigureAwait(false);
                    var started = time.GetTimestamp();
                    Exception failure;
                    try
                    {
                        var value = await attempt(provider, request, state.Options, number, deadline.Token).ConfigureAwait(false);
                        return new Opened<T>(provider, index, passes, number, started, deadline, value);
                    }
                    catch (Exception ex) when (IsCallerCancellation(ex, state))
                    {
                        deadline.Dispose();
                        await CancelledAsync(state, provider, passes, number, started).ConfigureAwait(false);
                        throw;
                    }
                    catch (RequestValidationException)
                    {
                        // The provider refused the request before any network call: the caller must change it.
                        deadline.Dispose();
                        state.Attempts.Add(new RouteAttempt(provider.Name, provider.Model, number, AttemptOutcome.Failed, ErrorCategory.InvalidRequest, null, time.GetElapsedTime(started)));
                        await ReleaseAsync(state, provider, passes).ConfigureAwait(false);
                        throw;
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                    }

                    var failed = await RecordFailureAsync(set, state, provider, passes, number, started, failure, deadline, AttemptOutcome.Failed).ConfigureAwait(false);
                    deadline.Dispose();
                    var decision = RetryDecision.Decide(new FailureFacts(
                        failed.Policy, failed.Error.IsRetryable, number, provider.MaxAttempts, passes.IsProbe,
                        provider.Breaker.Snapshot.State == CircuitState.Closed, failed.Error.RetryAfter, set.Options.Retry, random.NextDouble(),
                        state.Remaining(time), failed.RequestTimedOut));
                    await ReportFailureAsync(set, state, provider, failed, decision).ConfigureAwait(false);
                    if (decision.Kind == AttemptDecisionKind.Stop)
                    {
                        throw Stop(state, failed.Error, decision);
                    }

                    if (decision.Kind == AttemptDecisionKind.NextProvider)
                    {
                        break;
                    }

                    await Task.Delay(decision.Delay, time, state.CallerToken).ConfigureAwait(false);
                }
            }

            var waitStarted = time.GetTimestamp();
            if (!await WaitForRecoveryAsync(state, waitBudget).ConfigureAwait(false))
            {
                return null;
            }

            waitBudget -= time.GetElapsedTime(waitStarted);
        }
    }

    private async ValueTask<RequestState> StartAsync(ProviderSet set, IList<ChatMessage> messages, ChatOptions? options, bool streaming, CancellationToken cancellationToken)
    {
        var state = new RequestState(messages, options, ResolveCorrelationId(options), time.GetTimestamp(), set.Options.RequestTimeout, cancellationToken);
        if (sink.Wants(RequestEventKinds.RequestStarted))
        {
            await sink.PublishAsync(new RequestStarted(state, streaming), cancellationToken).ConfigureAwait(false);
        }

        return state;
    }

    /// <summary>Asks the provider's gates, in order; records a skip (never a failure) when one says no, and releases the gates that had said yes.</summary>
    private async ValueTask<GatePasses> AdmitAsync(RequestState state, RoutedProvider provider)
    {
        var gates = provider.Gates;
        Admission[]? all = gates.Length > 1 ? new Admission[gates.Length] : null;
        var first = default(Admission);
        for (var i = 0; i < gates.Length; i++)
        {
            var admission = await gates[i].AdmitAsync(state, state.CallerToken).ConfigureAwait(false);
            if (!admission.Allowed)
            {
                for (var j = 0; j < i; j++)
                {
                    await gates[j].ReleaseAsync(state, all![j]).ConfigureAwait(false);
                }

                state.Attempts.Add(new RouteAttempt(provider.Name, provider.Model, 0, admission.SkipOutcome, null, null, TimeSpan.Zero, SkipReason: admission.Reason));
                if (admission.SkipError is { } error)
                {
                    state.AddError(error);
                }

                state.NoteRetryAt(admission.RetryAt);
                if (sink.Wants(RequestEventKinds.ProviderSkipped))
                {
                    await sink.PublishAsync(new ProviderSkipped(state, provider, admission), state.CallerToken).ConfigureAwait(false);
                }

                return new GatePasses(false, admission, null);
            }

            if (i == 0)
            {
                first = admission;
            }

            if (all is not null)
            {
                all[i] = admission;
            }
        }

        return new GatePasses(true, first, all);
    }

    private async ValueTask<AttemptDeadline> StartAttemptAsync(RequestState state, RoutedProvider provider, int number, bool streaming)
    {
        state.Sent++;
        if (sink.Wants(RequestEventKinds.AttemptStarted))
        {
            await sink.PublishAsync(new AttemptStarted(state, provider, number), state.CallerToken).ConfigureAwait(false);
        }

        return streaming
            ? new AttemptDeadline(_deadlines, state, provider.FirstTokenTimeout, provider.FirstTokenDescription)
            : new AttemptDeadline(_deadlines, state, provider.AttemptTimeout, provider.AttemptDescription);
    }

    /// <summary>Records a success on the route and at every gate; returns the route report. <paramref name="billed"/> is the usage this provider reported.</summary>
    private async ValueTask<RouteReport> SucceedAsync<T>(RequestState state, Opened<T> attempt, UsageDetails? usage, UsageDetails? billed)
    {
        var provider = attempt.Provider;
        var latency = time.GetElapsedTime(attempt.Started);
        state.Attempts.Add(new RouteAttempt(provider.Name, provider.Model, attempt.Attempt, AttemptOutcome.Succeeded, null, null, latency, state.ContinuedAt));
        var gates = provider.Gates;
        for (var i = 0; i < gates.Length; i++)
        {
            await gates[i].OnSucceededAsync(state, attempt.Passes[i]).ConfigureAwait(false);
        }

        if (sink.Wants(RequestEventKinds.AttemptSucceeded))
        {
            await sink.PublishAsync(new AttemptSucceeded(state, provider, attempt.Attempt, latency, billed), state.CallerToken).ConfigureAwait(false);
        }

        return state.BuildRoute(time, provider, usage);
    }

    /// <summary>Classifies a failed attempt and records it on the route, among the errors and at every gate (without deciding what comes next).</summary>
    private async ValueTask<RecordedFailure> RecordFailureAsync(
        ProviderSet set, RequestState state, RoutedProvider provider, GatePasses passes, int number, long started, Exception exception, AttemptDeadline deadline, AttemptOutcome outcome)
    {
        var latency = time.GetElapsedTime(started);
        ProviderFailure failure;
        var requestTimedOut = false;
        if (deadline.Fired && exception is OperationCanceledException)
        {
            requestTimedOut = state.Remaining(time) == TimeSpan.Zero;
            failure = requestTimedOut
                ? new ProviderFailure(ErrorCategory.Timeout, $"The request timeout of {state.RequestTimeout.TotalSeconds:0.###} s elapsed during this attempt.")
                : new ProviderFailure(ErrorCategory.Timeout, $"The {deadline.Description} elapsed.");
        }
        else
        {
            failure = ClassifySafely(provider, exception);
        }

        var policy = set.PolicyFor(failure.Category);
        var error = new ProviderException(provider.Name, provider.Model, failure, number, failure.ShouldRetry ?? policy.Retry, exception);
        state.Attempts.Add(new RouteAttempt(provider.Name, provider.Model, number, outcome, failure.Category, failure.StatusCode, latency, state.ContinuedAt));
        state.AddError(error);
        state.RequestTimedOut |= requestTimedOut;

        // A request-timeout cut is the request's budget running out, not the provider's fault: it does not count.
        var counts = policy.CountsTowardBreaker && !requestTimedOut;
        var gates = provider.Gates;
        for (var i = 0; i < gates.Length; i++)
        {
            await gates[i].OnFailedAsync(state, passes[i], failure.Category, counts).ConfigureAwait(false);
        }

        return new RecordedFailure(error, policy, latency, outcome, requestTimedOut);
    }

    private ValueTask ReportFailureAsync(ProviderSet set, RequestState state, RoutedProvider provider, RecordedFailure failed, AttemptDecision decision, UsageDetails? billed = null) =>
        sink.Wants(RequestEventKinds.AttemptFailed)
            ? sink.PublishAsync(new AttemptFailed(state, provider, failed.Error, failed.Latency, failed.Outcome, decision, set.Options.Retry.MaxRetryAfter, billed), state.CallerToken)
            : default;

    /// <summary>What follows a stream's failure after its first update: depends on what the caller has already seen.</summary>
    private (AttemptDecision Decision, string? Reason) DecideMidStream(RecordedFailure failed, StreamText text, StreamingOptions streaming, RequestState state)
    {
        if (failed.RequestTimedOut || state.Remaining(time) == TimeSpan.Zero)
        {
            return (AttemptDecision.Stop(StopReason.RequestTimeout), $"the request timeout of {state.RequestTimeout.TotalSeconds:0.###} s elapsed.");
        }

        if (!text.Visible)
        {
            // Nothing the caller can see yet (e.g. only a role update): fail over invisibly, from the next provider.
            return failed.Policy.Failover ? (AttemptDecision.Next(), null) : (AttemptDecision.Stop(StopReason.NoFailover), null);
        }

        if (streaming.MidStreamPolicy != MidStreamPolicy.Continue)
        {
            return (AttemptDecision.Stop(StopReason.NoFailover), "the mid-stream policy is Fail.");
        }

        if (text.SawToolCall)
        {
            return (AttemptDecision.Stop(StopReason.NoFailover), "a tool call was in progress, and a tool call is never continued.");
        }

        return failed.Policy.Failover
            ? (AttemptDecision.Next(), null)
            : (AttemptDecision.Stop(StopReason.NoFailover), $"{failed.Error.Category} failures do not fail over.");
    }

    private async ValueTask CancelledAsync(RequestState state, RoutedProvider provider, GatePasses passes, int number, long started)
    {
        var latency = time.GetElapsedTime(started);
        state.Attempts.Add(new RouteAttempt(provider.Name, provider.Model, number, AttemptOutcome.Cancelled, null, null, latency));
        await ReleaseAsync(state, provider, passes).ConfigureAwait(false);
        if (sink.Wants(RequestEventKinds.AttemptCancelled))
        {
            // The caller is gone: report with no token, so subscribers still see the cancellation.
            await sink.PublishAsync(new AttemptCancelled(state, provider, number, latency), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async ValueTask ReleaseAsync(RequestState state, RoutedProvider provider, GatePasses passes)
    {
        var gates = provider.Gates;
        for (var i = 0; i < gates.Length; i++)
        {
            await gates[i].ReleaseAsync(state, passes[i]).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When every provider was skipped by a gate and waiting is allowed, waits for the earliest one to accept again.
    /// Returns <see langword="true"/> when the loop should go round again.
    /// </summary>
    private async ValueTask<bool> WaitForRecoveryAsync(RequestState state, TimeSpan budget)
    {
        if (state.RequestTimedOut || state.EarliestRetryAt is not { } earliest || state.Sent > 0)
        {
            return false;
        }

        var wait = earliest - time.GetUtcNow();
        if (wait < TimeSpan.Zero)
        {
            wait = TimeSpan.Zero;
        }

        var remaining = state.Remaining(time);
        if (wait > budget || (remaining != Timeout.InfiniteTimeSpan && wait >= remaining))
        {
            return false;
        }

        if (sink.Wants(RequestEventKinds.WaitingForRecovery))
        {
            await sink.PublishAsync(new WaitingForRecovery(state, wait), state.CallerToken).ConfigureAwait(false);
        }

        await Task.Delay(wait, time, state.CallerToken).ConfigureAwait(false);
        state.ClearRetryAt();
        return true;
    }

    private ValueTask CompleteAsync(RequestState state, RouteReport route, ChatResponse? response, Exception? error) =>
        sink.Wants(RequestEventKinds.RequestCompleted)
            ? sink.PublishAsync(new RequestCompleted(state, route, response, error), error is null ? state.CallerToken : CancellationToken.None)
            : default;

    /// <summary>Reports a request that ends with <paramref name="error"/>; its route is the exception's, or built only when someone listens.</summary>
    private ValueTask FailAsync(RequestState state, Exception error) =>
        sink.Wants(RequestEventKinds.RequestCompleted)
            ? CompleteAsync(state, (error as FlexiAIException)?.Route ?? state.BuildRoute(time, null), null, error)
            : default;

    private FlexiAIException Stop(RequestState state, ProviderException error, AttemptDecision decision)
    {
        if (decision.StopReason == StopReason.RequestTimeout)
        {
            return AllFailed(state, $"The request timeout of {state.RequestTimeout.TotalSeconds:0.###} s elapsed after {state.Attempts.Count} attempt(s).");
        }

        error.Route = state.BuildRoute(time, null);
        return error;
    }

    /// <summary>
    /// The error of a request no provider answered: a <see cref="BudgetExceededException"/> when budgets refused every
    /// provider before any call (nothing was sent), else <see cref="AllProvidersFailedException"/> with every error.
    /// </summary>
    private FlexiAIException NoneAnswered(RequestState state)
    {
        var errors = state.Errors;
        if (state.Sent == 0 && errors.Count > 0 && errors[0] is BudgetExceededException budget && errors.All(e => e is BudgetExceededException))
        {
            budget.Route = state.BuildRoute(time, null);
            return budget;
        }

        return AllFailed(state, reason: null);
    }

    private AllProvidersFailedException AllFailed(RequestState state, string? reason) =>
        new([.. state.Errors], state.BuildRoute(time, null), state.EarliestRetryAt, reason);

    private StreamInterruptedException Interrupted(RequestState state, StreamText text, string reason, ProviderException? cause) =>
        new(text.ToString(), text.Usage, state.BuildRoute(time, null), reason, cause);

    private static bool IsCallerCancellation(Exception exception, RequestState state) =>
        exception is OperationCanceledException && state.CallerToken.IsCancellationRequested;

    private static async ValueTask<IAsyncEnumerator<ChatResponseUpdate>> OpenStreamAsync(
        RoutedProvider provider, IList<ChatMessage> messages, ChatOptions? options, int attempt, CancellationToken token)
    {
        var stream = provider.Client.GetStreamingResponseAsync(messages, options, token).GetAsyncEnumerator(token);
        try
        {
            if (await stream.MoveNextAsync().ConfigureAwait(false))
            {
                return stream;
            }

            throw new ProviderException(provider.Name, provider.Model, new ProviderFailure(ErrorCategory.Network, "The stream ended before its first update."), attempt, isRetryable: true, innerException: null);
        }
        catch
        {
            await DisposeQuietlyAsync(stream).ConfigureAwait(false);
            throw;
        }
    }

    private static async ValueTask DisposeAsync(Opened<IAsyncEnumerator<ChatResponseUpdate>> opened)
    {
        await DisposeQuietlyAsync(opened.Value).ConfigureAwait(false);
        opened.Deadline.Dispose();
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate> stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Disposing a failed provider stream must not hide the failure being handled.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
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

        // A random W3C trace id, not a GUID: Guid.NewGuid reads the OS's secure random source (a system call, ~4 µs on Linux),
        // and a correlation id needs uniqueness, not secrecy.
        return (System.Diagnostics.Activity.Current?.TraceId ?? System.Diagnostics.ActivityTraceId.CreateRandom()).ToHexString();
    }

    /// <summary>A failed attempt as recorded, before the decision.</summary>
    private readonly record struct RecordedFailure(ProviderException Error, ErrorPolicy Policy, TimeSpan Latency, AttemptOutcome Outcome, bool RequestTimedOut);
}
