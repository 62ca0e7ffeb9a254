using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI;

// Synchronous fast paths: every ValueTask here is consumed exactly once — its Result read when it completed
// synchronously, otherwise handed to one async continuation that awaits it. CA2012 cannot see that.
#pragma warning disable CA2012

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

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var list = RequestValidator.Validate(messages, options);
        cancellationToken.ThrowIfCancellationRequested();
        var set = sets.Enter();
        try
        {
            var state = NewState(set, list, options, cancellationToken);
            var ordered = set.Ordered;
            if (ordered.Length == 0 || sink.Wants(RequestEventKinds.RequestStarted) || sink.Wants(RequestEventKinds.AttemptStarted))
            {
                return RespondAsync(set, state, new FirstAttempt<ChatResponse>(default, null, 0, default) { Begun = false }, publishStart: true);
            }

            // The common case, without async machinery until the provider call: the first provider's gates answer
            // synchronously and let it through, and the attempt starts here. Anything else — a gate that skips or must
            // wait, a failure — is the general loop's, which takes over from exactly this point.
            var provider = ordered[0];
            ValueTask<GatePasses> admission;
            try
            {
                admission = AdmitAsync(state, provider);
            }
#pragma warning disable CA1031 // A gate that throws (e.g. no provider can take the content) fails the request the loop's way.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                admission = ValueTask.FromException<GatePasses>(ex);
            }

            if (!admission.IsCompletedSuccessfully)
            {
                return RespondAsync(set, state, new FirstAttempt<ChatResponse>(admission, null, 0, default), publishStart: false);
            }

            var passes = admission.Result;
            if (!passes.Allowed || passes.All is not null || passes.IsProbe)
            {
                // A skip, several gates or a half-open probe: the general loop goes on from this admission.
                return RespondAsync(set, state, new FirstAttempt<ChatResponse>(new(passes), null, 0, default), publishStart: false);
            }

            var deadline = StartAttempt(state, provider, streaming: false);
            var started = time.GetTimestamp();
            Task<ChatResponse> call;
            try
            {
                call = provider.Client.GetResponseAsync(list, options, deadline.Token);
            }
#pragma warning disable CA1031 // A provider that throws instead of returning a faulted task is handled the same way.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                call = Task.FromException<ChatResponse>(ex);
            }

            return RespondFirstAsync(set, state, deadline, started, call);
        }
        catch
        {
            set.Exit();
            throw;
        }
    }

    /// <summary>
    /// The rest of a response request whose first attempt started on the fast path (one gate, a plain allow): its
    /// answer, or — when it failed — the general loop from exactly this attempt. Kept small: its state is allocated per request.
    /// </summary>
    private async Task<ChatResponse> RespondFirstAsync(ProviderSet set, RequestState state, AttemptDeadline deadline, long started, Task<ChatResponse> call)
    {
        var exited = false;
        try
        {
            ChatResponse response;
            try
            {
                response = await call.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The loop classifies the failure (it awaits the same completed call again).
            catch (Exception)
#pragma warning restore CA1031
            {
                exited = true;
                return await RespondAsync(set, state, new FirstAttempt<ChatResponse>(new(GatePasses.AllowedByOne), deadline, started, new(call)), publishStart: false).ConfigureAwait(false);
            }

            deadline.Dispose();
            var answered = AnsweredAsync(state, set.Ordered[0], GatePasses.AllowedByOne, 1, started, response);
            return answered.IsCompletedSuccessfully ? answered.Result : await answered.ConfigureAwait(false);
        }
        catch (Exception ex) when (!exited)
        {
            await FailAsync(state, ex).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (!exited)
            {
                set.Exit();
            }
        }
    }

    /// <summary>A response request on the general loop, from wherever the fast path stopped (or from the start).</summary>
    private async Task<ChatResponse> RespondAsync(ProviderSet set, RequestState state, FirstAttempt<ChatResponse> first, bool publishStart)
    {
        try
        {
            if (publishStart && sink.Wants(RequestEventKinds.RequestStarted))
            {
                await sink.PublishAsync(new RequestStarted(state, false, set.Ordered.Length > 0 ? set.Ordered[0].Model : null), state.CallerToken).ConfigureAwait(false);
            }

            var opened = await RunAsync(set, state, set.Ordered, state.Messages, GetResponse, startAt: 0, previous: null, mayWait: true, streaming: false, first).ConfigureAwait(false);
            if (opened is not { } attempt)
            {
                throw NoneAnswered(state);
            }

            attempt.Deadline.Dispose();
            return await AnsweredAsync(state, attempt.Provider, attempt.Passes, attempt.Attempt, attempt.Started, attempt.Value).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FailAsync(state, ex).ConfigureAwait(false);
            throw;
        }
        finally
        {
            set.Exit();
        }
    }

    /// <summary>Records the answer (gates, route, events) and attaches the route; synchronous when every gate and subscriber is.</summary>
    private ValueTask<ChatResponse> AnsweredAsync(RequestState state, RoutedProvider provider, GatePasses passes, int number, long started, ChatResponse response)
    {
        provider.ResponseData?.CopyTo(response);
        var succeeded = SucceedAsync(state, provider, passes, number, started, response.Usage, response.Usage, response.ModelId);
        if (!succeeded.IsCompletedSuccessfully)
        {
            return AnsweredSlowAsync(state, succeeded, response);
        }

        var route = succeeded.Result;
        (response.AdditionalProperties ??= [])[FlexiAIChatResponseExtensions.RouteKey] = route;
        var completed = CompleteAsync(state, route, response, null);
        return completed.IsCompletedSuccessfully ? new(response) : CompletedSlowAsync(completed, response);
    }

    private async ValueTask<ChatResponse> AnsweredSlowAsync(RequestState state, ValueTask<RouteReport> succeeded, ChatResponse response)
    {
        var route = await succeeded.ConfigureAwait(false);
        (response.AdditionalProperties ??= [])[FlexiAIChatResponseExtensions.RouteKey] = route;
        await CompleteAsync(state, route, response, null).ConfigureAwait(false);
        return response;
    }

    private static async ValueTask<ChatResponse> CompletedSlowAsync(ValueTask completed, ChatResponse response)
    {
        await completed.ConfigureAwait(false);
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var list = RequestValidator.Validate(messages, options);
        cancellationToken.ThrowIfCancellationRequested();
        var set = sets.Enter();
        Opened<IAsyncEnumerator<ChatResponseUpdate>>? current = null;
        RequestState? state = null;
        var abandoned = false;
        try
        {
            state = NewState(set, list, options, cancellationToken);
            if (sink.Wants(RequestEventKinds.RequestStarted))
            {
                await sink.PublishAsync(new RequestStarted(state, true, set.Ordered.Length > 0 ? set.Ordered[0].Model : null), cancellationToken).ConfigureAwait(false);
            }

            var streaming = set.Options.Streaming;
            var ordered = set.Ordered;
            var request = list;
            var startAt = 0;
            var text = new StreamText();
            ProviderException? interruption = null;
            RoutedProvider? failedProvider = null;
            var firstNumber = 1;
            while (true)
            {
                // Open a stream on the first provider (from startAt) that delivers a first update; failures before it are invisible.
                Opened<IAsyncEnumerator<ChatResponseUpdate>>? opened;
                Exception? stop = null;
                try
                {
                    opened = await RunAsync(set, state, ordered, request, OpenStream, startAt, failedProvider, mayWait: !text.Visible, streaming: true, first: default, firstNumber).ConfigureAwait(false);
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
                var timeToFirstToken = time.GetElapsedTime(attempt.Started);
                text.BeginProviderStream();
                var provider = attempt.Provider;
                var stream = attempt.Value;
                var update = stream.Current;
                Exception? failure = null;
                while (true)
                {
                    text.Observe(update);
                    abandoned = true; // until the caller asks for more: disposing the enumerator here abandons the stream
                    yield return update;
                    abandoned = false;

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
                    var route = await SucceedAsync(state, provider, attempt.Passes, attempt.Attempt, attempt.Started, text.Usage, text.ProviderUsage, responseModel: null, timeToFirstToken).ConfigureAwait(false);
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
                var perRequest = !text.Visible && provider.CountPerRequest;
                var failed = await RecordFailureAsync(set, state, provider, attempt.Passes, attempt.Attempt, attempt.Started, failure, attempt.Deadline, outcome, atGates: !perRequest).ConfigureAwait(false);
                current = null;
                await DisposeAsync(attempt).ConfigureAwait(false);
                var (decision, reason) = DecideMidStream(failed, text, streaming, set.Options.Retry, state, attempt, othersLeft: attempt.Index < ordered.Length - 1);
                if (perRequest)
                {
                    await TellGatesAsync(state, provider, attempt.Passes, failed, counts: decision.Kind != AttemptDecisionKind.Retry).ConfigureAwait(false);
                }

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

                if (decision.Kind == AttemptDecisionKind.Retry)
                {
                    // Nothing the caller could see came from this stream (e.g. only a role update): retry the same provider
                    // with its next attempt number, as for a failure before the first update.
                    await Task.Delay(decision.Delay, time, state.CallerToken).ConfigureAwait(false);
                    startAt = attempt.Index;
                    firstNumber = attempt.Attempt + 1;
                    failedProvider = null;
                    continue;
                }

                startAt = attempt.Index + 1;
                firstNumber = 1;
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
                if (abandoned && sink.Wants(RequestEventKinds.StreamAbandoned))
                {
                    // Metrics and tracing end and count the request (outcome abandoned, or cancelled when the caller's token was).
                    await sink.PublishAsync(new StreamAbandoned(state!, open.Provider, open.Attempt, time.GetElapsedTime(open.Started), cancellationToken.IsCancellationRequested), CancellationToken.None).ConfigureAwait(false);
                }
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
        ProviderSet set, RequestState state, RoutedProvider[] ordered, IList<ChatMessage> request, AttemptFunc<T> attempt, int startAt, RoutedProvider? previous, bool mayWait, bool streaming,
        FirstAttempt<T> first, int firstNumber = 1)
    {
        // The caller may have begun with the first provider already: its admission asked, perhaps its first attempt started.
        var begun = first.Begun;
        var waitBudget = mayWait ? set.Options.WaitForRecovery : TimeSpan.Zero;

        // Issue 14 — a second pass over providers put aside in the first: under failover_first, those failed over from that
        // would have been retried (come back to, in order, after their delay, when no other provider is left); under
        // all_open: panic, every provider when all were skipped by open breakers (nearest recovery first, one attempt each).
        List<SecondPass>? later = null;
        var secondPass = false;
        var held = 0;
        state.LowestPriorityPass = false; // a stream's continuation starts a new first pass
        while (true)
        {
            var count = secondPass ? later!.Count : ordered.Length;
            for (var step = secondPass ? 0 : startAt; step < count; step++)
            {
                var index = secondPass ? later![step].Index : step;
                var provider = ordered[index];
                if (secondPass && later![step].DueAt - time.GetUtcNow() is { Ticks: > 0 } due)
                {
                    await Task.Delay(due, time, state.CallerToken).ConfigureAwait(false);
                }

                var passes = await (begun ? first.Admission : AdmitAsync(state, provider)).ConfigureAwait(false);
                var inFlight = begun ? first.Deadline : null;
                begun = false;
                if (!passes.Allowed)
                {
                    if (!secondPass && provider.Breaker.Cap is not null && provider.Breaker.HeldByCap)
                    {
                        // max_open_fraction: skipped as held at the lowest priority — first in the last pass, before any come-back.
                        (later ??= []).Insert(held++, new(index, 1, time.GetUtcNow()));
                    }

                    continue;
                }

                if (previous is not null && sink.Wants(RequestEventKinds.FailedOver))
                {
                    await sink.PublishAsync(new FailedOver(state, previous, provider, state.LastError), state.CallerToken).ConfigureAwait(false);
                }

                previous = provider;
                for (var number = secondPass ? later![step].Number : step == startAt ? firstNumber : 1; ; number++)
                {
                    var resumed = inFlight is not null;
                    var deadline = inFlight ?? await StartAttemptAsync(state, provider, number, streaming).ConfigureAwait(false);
                    var started = resumed ? first.Started : time.GetTimestamp();
                    inFlight = null;
                    Exception failure;
                    try
                    {
                        // Tracing: the attempt's span (started by a subscriber) is the ambient one while the provider is called,
                        // so the SDK's and HttpClient's spans nest under it. This frame's ambient activity reverts when it returns.
                        // (An attempt already in flight from the fast path has no span: the fast path runs only when nobody traces.)
                        if (!resumed && state.AttemptSpan is { } span)
                        {
                            System.Diagnostics.Activity.Current = span;
                        }

                        var value = await (resumed ? first.Call : attempt(provider, request, state.Options, number, deadline.Token)).ConfigureAwait(false);
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
                        state.AddAttempt(new RouteAttempt(provider.Name, provider.Model, number, AttemptOutcome.Failed, ErrorCategory.InvalidRequest, null, time.GetElapsedTime(started)));
                        await ReleaseAsync(state, provider, passes).ConfigureAwait(false);
                        throw;
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                    }

                    // count_per_request: the gates hear of the failure after the decision, counted only when it is not retried in place.
                    var perRequest = provider.CountPerRequest;
                    var failed = await RecordFailureAsync(set, state, provider, passes, number, started, failure, deadline, AttemptOutcome.Failed, atGates: !perRequest).ConfigureAwait(false);
                    deadline.Dispose();
                    var decision = RetryDecision.Decide(new FailureFacts(
                        failed.Policy, failed.Error.IsRetryable, number, state.Panic ? number : provider.MaxAttempts, passes.IsProbe,
                        provider.Breaker.Snapshot.State == CircuitState.Closed, failed.Error.RetryAfter, set.Options.Retry, random.NextDouble(),
                        state.Remaining(time), failed.RequestTimedOut, OthersLeft: !secondPass && index < ordered.Length - 1));
                    if (perRequest)
                    {
                        await TellGatesAsync(state, provider, passes, failed, counts: decision.Kind != AttemptDecisionKind.Retry).ConfigureAwait(false);
                    }

                    await ReportFailureAsync(set, state, provider, failed, decision).ConfigureAwait(false);
                    if (decision.Kind == AttemptDecisionKind.Stop)
                    {
                        throw Stop(state, failed.Error, decision);
                    }

                    if (decision.Kind == AttemptDecisionKind.NextProvider)
                    {
                        if (decision.ComeBack)
                        {
                            (later ??= []).Add(new(index, number + 1, time.GetUtcNow() + decision.Delay));
                        }

                        break;
                    }

                    await Task.Delay(decision.Delay, time, state.CallerToken).ConfigureAwait(false);
                }
            }

            if (!secondPass && later is { Count: > 0 })
            {
                // failover_first: no other provider is left — come back to the ones that would have been retried.
                state.LowestPriorityPass = secondPass = true;
                continue;
            }

            if (!secondPass && !state.Panic && set.Options.CircuitBreaker.AllOpen == AllOpenPolicy.Panic && AllOpen(state, ordered, startAt))
            {
                // all_open: panic — every provider was skipped by an open breaker: try them anyway, nearest recovery first.
                later = PanicOrder(ordered, startAt, time.GetUtcNow());
                state.Panic = secondPass = true;
                continue;
            }

            state.LowestPriorityPass = secondPass = false;
            later = null;
            held = 0;
            var waitStarted = time.GetTimestamp();
            if (!await WaitForRecoveryAsync(state, waitBudget).ConfigureAwait(false))
            {
                return null;
            }

            waitBudget -= time.GetElapsedTime(waitStarted);
        }
    }

    private RequestState NewState(ProviderSet set, IList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var (given, traceId) = ResolveCorrelationId(options);
        return new RequestState(messages, options, given, traceId, time.GetTimestamp(), set.Options.RequestTimeout, cancellationToken);
    }

    /// <summary>Asks the provider's gates, in order; records a skip (never a failure) when one says no, and releases the gates that had said yes.</summary>
    private ValueTask<GatePasses> AdmitAsync(RequestState state, RoutedProvider provider)
    {
        var gates = provider.Gates;
        if (gates.Length == 1)
        {
            // One gate (the breaker) that answers synchronously with an allow: no async machinery.
            var pending = gates[0].AdmitAsync(state, state.CallerToken);
            if (pending.IsCompletedSuccessfully)
            {
                var admission = pending.Result;
                if (admission.Allowed)
                {
                    return new(new GatePasses(true, admission, null));
                }

                pending = new(admission);
            }

            return AdmitAllAsync(state, provider, pending, begun: true);
        }

        return AdmitAllAsync(state, provider, default, begun: false);
    }

    private async ValueTask<GatePasses> AdmitAllAsync(RequestState state, RoutedProvider provider, ValueTask<Admission> firstGate, bool begun)
    {
        var gates = provider.Gates;
        Admission[]? all = gates.Length > 1 ? new Admission[gates.Length] : null;
        var first = default(Admission);
        for (var i = 0; i < gates.Length; i++)
        {
            var admission = await (i == 0 && begun ? firstGate : gates[i].AdmitAsync(state, state.CallerToken)).ConfigureAwait(false);
            if (!admission.Allowed)
            {
                for (var j = 0; j < i; j++)
                {
                    await gates[j].ReleaseAsync(state, all![j]).ConfigureAwait(false);
                }

                state.AddAttempt(new RouteAttempt(provider.Name, provider.Model, 0, admission.SkipOutcome, null, null, TimeSpan.Zero, SkipReason: admission.Reason));
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

    private ValueTask<AttemptDeadline> StartAttemptAsync(RequestState state, RoutedProvider provider, int number, bool streaming)
    {
        if (sink.Wants(RequestEventKinds.AttemptStarted))
        {
            var published = sink.PublishAsync(new AttemptStarted(state, provider, number), state.CallerToken);
            if (!published.IsCompletedSuccessfully)
            {
                return StartAttemptAfterAsync(published, state, provider, streaming);
            }
        }

        return new(StartAttempt(state, provider, streaming));
    }

    private async ValueTask<AttemptDeadline> StartAttemptAfterAsync(ValueTask published, RequestState state, RoutedProvider provider, bool streaming)
    {
        await published.ConfigureAwait(false);
        return StartAttempt(state, provider, streaming);
    }

    private AttemptDeadline StartAttempt(RequestState state, RoutedProvider provider, bool streaming)
    {
        state.Sent++;
        return streaming
            ? new AttemptDeadline(_deadlines, state, provider.FirstTokenTimeout, provider.FirstTokenDescription)
            : new AttemptDeadline(_deadlines, state, provider.AttemptTimeout, provider.AttemptDescription);
    }

    /// <summary>Records a success on the route and at every gate; returns the route report. <paramref name="billed"/> is the usage this provider reported for this attempt.</summary>
    private ValueTask<RouteReport> SucceedAsync(
        RequestState state, RoutedProvider provider, GatePasses passes, int number, long started, UsageDetails? usage, UsageDetails? billed, string? responseModel = null, TimeSpan? timeToFirstToken = null)
    {
        var latency = time.GetElapsedTime(started);
        state.AddAttempt(new RouteAttempt(provider.Name, provider.Model, number, AttemptOutcome.Succeeded, null, null, latency, state.ContinuedAt));
        var gates = provider.Gates;
        for (var i = 0; i < gates.Length; i++)
        {
            var recorded = gates[i].OnSucceededAsync(state, passes[i]);
            if (!recorded.IsCompletedSuccessfully)
            {
                return SucceedSlowAsync(recorded, i, state, provider, passes, number, latency, usage, billed, responseModel, timeToFirstToken);
            }
        }

        return Succeeded(state, provider, number, latency, usage, billed, responseModel, timeToFirstToken);
    }

    private async ValueTask<RouteReport> SucceedSlowAsync(
        ValueTask recorded, int gate, RequestState state, RoutedProvider provider, GatePasses passes, int number, TimeSpan latency, UsageDetails? usage, UsageDetails? billed, string? responseModel, TimeSpan? timeToFirstToken)
    {
        await recorded.ConfigureAwait(false);
        var gates = provider.Gates;
        for (var i = gate + 1; i < gates.Length; i++)
        {
            await gates[i].OnSucceededAsync(state, passes[i]).ConfigureAwait(false);
        }

        return await Succeeded(state, provider, number, latency, usage, billed, responseModel, timeToFirstToken).ConfigureAwait(false);
    }

    private ValueTask<RouteReport> Succeeded(RequestState state, RoutedProvider provider, int number, TimeSpan latency, UsageDetails? usage, UsageDetails? billed, string? responseModel, TimeSpan? timeToFirstToken)
    {
        // Subscribers first, the route after: a subscriber may add to the request (e.g. its cost) before the route is built.
        if (sink.Wants(RequestEventKinds.AttemptSucceeded))
        {
            var published = sink.PublishAsync(new AttemptSucceeded(state, provider, number, latency, billed, responseModel, timeToFirstToken), state.CallerToken);
            if (!published.IsCompletedSuccessfully)
            {
                return ThenAsync(published, state, provider, usage, time);
            }
        }

        return new(state.BuildRoute(time, provider, usage));

        static async ValueTask<RouteReport> ThenAsync(ValueTask published, RequestState state, RoutedProvider provider, UsageDetails? usage, TimeProvider time)
        {
            await published.ConfigureAwait(false);
            return state.BuildRoute(time, provider, usage);
        }
    }

    /// <summary>Classifies a failed attempt and records it on the route, among the errors and at every gate (without deciding what comes next).</summary>
    private async ValueTask<RecordedFailure> RecordFailureAsync(
        ProviderSet set, RequestState state, RoutedProvider provider, GatePasses passes, int number, long started, Exception exception, AttemptDeadline deadline, AttemptOutcome outcome,
        bool atGates = true)
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
        state.AddAttempt(new RouteAttempt(provider.Name, provider.Model, number, outcome, failure.Category, failure.StatusCode, latency, state.ContinuedAt));
        state.AddError(error);
        state.RequestTimedOut |= requestTimedOut;

        var recorded = new RecordedFailure(error, policy, latency, outcome, requestTimedOut);
        if (atGates)
        {
            await TellGatesAsync(state, provider, passes, recorded, counts: true).ConfigureAwait(false);
        }

        return recorded;
    }

    /// <summary>Reports a failure to every gate; <paramref name="counts"/> false keeps it from counting whatever its policy says.</summary>
    private static async ValueTask TellGatesAsync(RequestState state, RoutedProvider provider, GatePasses passes, RecordedFailure failed, bool counts)
    {
        // A request-timeout cut is the request's budget running out, not the provider's fault: it does not count;
        // nor does a panic attempt (its breaker is already open).
        counts = counts && failed.Policy.CountsTowardBreaker && !failed.RequestTimedOut && !state.Panic;
        var gates = provider.Gates;
        for (var i = 0; i < gates.Length; i++)
        {
            await gates[i].OnFailedAsync(state, passes[i], failed.Error.Category, counts).ConfigureAwait(false);
        }
    }

    /// <summary>Whether nothing was sent and every provider from <paramref name="startAt"/> has a breaker that is not closed.</summary>
    private static bool AllOpen(RequestState state, RoutedProvider[] ordered, int startAt)
    {
        if (state.Sent > 0 || startAt >= ordered.Length)
        {
            return false;
        }

        for (var i = startAt; i < ordered.Length; i++)
        {
            if (ordered[i].Breaker.Snapshot.State == CircuitState.Closed)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The panic pass: every provider from <paramref name="startAt"/>, the one whose breaker lets a probe through soonest first.</summary>
    private static List<SecondPass> PanicOrder(RoutedProvider[] ordered, int startAt, DateTimeOffset now)
    {
        var order = new List<SecondPass>(ordered.Length - startAt);
        for (var i = startAt; i < ordered.Length; i++)
        {
            order.Add(new(i, 1, now));
        }

        // Stable: equal recovery times keep priority order. Half-open (no probe time) counts as now.
        var byRecovery = order.OrderBy(p => ordered[p.Index].Breaker.Snapshot.NextProbeAt ?? now).ToList();
        return byRecovery;
    }

    private ValueTask ReportFailureAsync(ProviderSet set, RequestState state, RoutedProvider provider, RecordedFailure failed, AttemptDecision decision, UsageDetails? billed = null) =>
        sink.Wants(RequestEventKinds.AttemptFailed)
            ? sink.PublishAsync(new AttemptFailed(state, provider, failed.Error, failed.Latency, failed.Outcome, decision, set.Options.Retry.MaxRetryAfter, billed), state.CallerToken)
            : default;

    /// <summary>What follows a stream's failure after its first update: depends on what the caller has already seen.</summary>
    private (AttemptDecision Decision, string? Reason) DecideMidStream<T>(RecordedFailure failed, StreamText text, StreamingOptions streaming, RetryOptions retry, RequestState state, Opened<T> attempt, bool othersLeft)
    {
        if (failed.RequestTimedOut || state.Remaining(time) == TimeSpan.Zero)
        {
            return (AttemptDecision.Stop(StopReason.RequestTimeout), $"the request timeout of {state.RequestTimeout.TotalSeconds:0.###} s elapsed.");
        }

        if (!text.Visible)
        {
            // Nothing the caller can see yet (e.g. only a role update): decided exactly as a failure before the first update —
            // retried on the same provider while its policy and attempts allow, else failed over invisibly. (failover_first's
            // come-back is not kept across a stream's restart: the stream fails over and does not return to this provider.)
            var provider = attempt.Provider;
            var decision = RetryDecision.Decide(new FailureFacts(
                failed.Policy, failed.Error.IsRetryable, attempt.Attempt, state.Panic ? attempt.Attempt : provider.MaxAttempts, attempt.Passes.IsProbe,
                provider.Breaker.Snapshot.State == CircuitState.Closed, failed.Error.RetryAfter, retry, random.NextDouble(),
                state.Remaining(time), failed.RequestTimedOut, othersLeft));
            return (decision.ComeBack ? AttemptDecision.Next() : decision, null);
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
        state.AddAttempt(new RouteAttempt(provider.Name, provider.Model, number, AttemptOutcome.Cancelled, null, null, latency));
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
            return AllFailed(state, $"The request timeout of {state.RequestTimeout.TotalSeconds:0.###} s elapsed after {state.AttemptCount} attempt(s).");
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

    private static (string? Given, System.Diagnostics.ActivityTraceId TraceId) ResolveCorrelationId(ChatOptions? options)
    {
        if (options?.AdditionalProperties is { } props && props.TryGetValue(FlexiAIClient.CorrelationIdKey, out var value) && value is string { Length: > 0 } given)
        {
            return (given, default);
        }

        // No ambient activity: none yet (default). The request state makes a random W3C trace id when first needed (not a GUID:
        // Guid.NewGuid reads the OS's secure random source, ~4 µs on Linux), or adopts its request span's when tracing listens.
        return (null, System.Diagnostics.Activity.Current?.TraceId ?? default);
    }

    /// <summary>What the caller already did with the first provider before handing the request to the loop.</summary>
    /// <param name="Admission">Its admission, asked (default: not asked).</param>
    /// <param name="Deadline">The first attempt's deadline when that attempt started (else <see langword="null"/>).</param>
    /// <param name="Started">When the first attempt started.</param>
    /// <param name="Call">The first attempt's call.</param>
    internal readonly record struct FirstAttempt<T>(ValueTask<GatePasses> Admission, AttemptDeadline? Deadline, long Started, ValueTask<T> Call)
    {
        /// <summary>Whether the first provider's admission was asked (the loop must not ask again).</summary>
        public bool Begun { get; init; } = true;
    }

    /// <summary>A failed attempt as recorded, before the decision.</summary>
    /// <summary>A provider of the loop's second pass: its index in the order, the attempt number to go on with, and when it may be tried.</summary>
    private readonly record struct SecondPass(int Index, int Number, DateTimeOffset DueAt);

    private readonly record struct RecordedFailure(ProviderException Error, ErrorPolicy Policy, TimeSpan Latency, AttemptOutcome Outcome, bool RequestTimedOut);
}
