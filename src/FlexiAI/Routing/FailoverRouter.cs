using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiAI;

/// <summary>
/// The request path of <see cref="FlexiAIClient"/>, top to bottom: validate → pick provider → breaker →
/// attempt with retries → classify → record → next. It never names a provider: everything
/// provider-specific comes through <see cref="ProviderAdapter"/>.
/// </summary>
internal sealed class FailoverRouter
{
    private readonly Random _random;
    private readonly ErrorPolicy[] _policies;
    private volatile RoutedProvider[] _ordered;

    public FailoverRouter(FlexiAIOptions options, IReadOnlyList<RoutedProvider> providers, TimeProvider time, ILogger logger, FlexiAIHooks hooks, Random? random)
    {
        Options = options;
        Providers = providers;
        Time = time;
        Logger = logger;
        LogEnabled = logger is not NullLogger;
        Hooks = hooks;
        _random = random ?? Random.Shared;
        _policies = BuildPolicies(options);
        _ordered = Order(providers, primary: null);
    }

    public event EventHandler<CircuitStateChange>? CircuitStateChanged;

    public FlexiAIOptions Options { get; }

    public IReadOnlyList<RoutedProvider> Providers { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public bool LogEnabled { get; }

    public FlexiAIHooks Hooks { get; }

    public string? LastUsedProvider { get; set; }

    /// <summary>Gets the providers in the order requests try them.</summary>
    public RoutedProvider[] Ordered => _ordered;

    public ErrorPolicy PolicyFor(ErrorCategory category) => _policies[(int)category];

    public void SetPrimary(RoutedProvider primary) => _ordered = Order(Providers, primary);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var list = RequestValidator.Validate(messages, options);
        cancellationToken.ThrowIfCancellationRequested();
        var run = new RequestRun(this, list, options, cancellationToken);
        var waitBudget = Options.WaitForRecovery;
        while (true)
        {
            var ordered = _ordered;
            RoutedProvider? previous = null;
            foreach (var provider in ordered)
            {
                var permit = await run.EnterAsync(provider).ConfigureAwait(false);
                if (!permit.Allowed)
                {
                    continue;
                }

                if (previous is not null)
                {
                    await run.FailingOverAsync(previous, provider).ConfigureAwait(false);
                }

                previous = provider;
                for (var attempt = 1; ; attempt++)
                {
                    var deadline = await run.StartAttemptAsync(provider, attempt).ConfigureAwait(false);
                    var started = Time.GetTimestamp();
                    FailureDecision decision;
                    try
                    {
                        var response = await provider.Client.GetResponseAsync(list, options, deadline.Token).ConfigureAwait(false);
                        var route = await run.SucceedAsync(provider, permit, attempt, started, response.Usage).ConfigureAwait(false);
                        (response.AdditionalProperties ??= [])[FlexiAIChatResponseExtensions.RouteKey] = route;
                        await run.AfterResponseAsync(provider, attempt, response, route).ConfigureAwait(false);
                        return response;
                    }
                    catch (Exception ex) when (run.IsCallerCancellation(ex))
                    {
                        await run.CancelledAsync(provider, permit, attempt, started).ConfigureAwait(false);
                        throw;
                    }
                    catch (RequestValidationException)
                    {
                        // The provider refused the request before any network call: the caller must change it.
                        await run.RejectedAsync(provider, permit, attempt, started).ConfigureAwait(false);
                        throw;
                    }
                    catch (Exception ex)
                    {
                        decision = await run.FailAsync(provider, permit, attempt, started, ex, deadline).ConfigureAwait(false);
                    }
                    finally
                    {
                        deadline.Dispose();
                    }

                    if (decision == FailureDecision.Stop)
                    {
                        throw run.StopException!;
                    }

                    if (decision == FailureDecision.NextProvider)
                    {
                        break;
                    }

                    await Task.Delay(run.RetryDelay, Time, cancellationToken).ConfigureAwait(false);
                }
            }

            var waitStarted = Time.GetTimestamp();
            if (!await run.WaitForRecoveryAsync(waitBudget).ConfigureAwait(false))
            {
                throw run.BuildAllFailed();
            }

            waitBudget -= Time.GetElapsedTime(waitStarted);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var list = RequestValidator.Validate(messages, options);
        cancellationToken.ThrowIfCancellationRequested();
        var run = new RequestRun(this, list, options, cancellationToken);
        var streaming = Options.Streaming;
        var ordered = _ordered;
        var request = list;
        var startAt = 0;
        var text = new StreamText();
        OpenedStream? opened = null;
        try
        {
            while (true)
            {
                // Open a stream on the first provider (from startAt) that delivers a first update; failures before it are invisible.
                try
                {
                    opened = await OpenStreamAsync(run, ordered, startAt, request, options, text.Visible).ConfigureAwait(false);
                }
                catch (FlexiAIException ex) when (text.Visible && ex is not StreamInterruptedException)
                {
                    throw Interrupted(run, text, "no provider could continue it.", ex);
                }

                if (opened is null)
                {
                    throw text.Visible ? Interrupted(run, text, "no provider could continue it.", null) : run.BuildAllFailed();
                }

                var provider = opened.Provider;
                var update = opened.Stream.Current;
                Exception? failure = null;
                while (true)
                {
                    text.Observe(update);
                    yield return update;

                    bool more;
                    opened.Deadline.Rearm(provider.IdleTimeout, provider.IdleDescription);
                    try
                    {
                        more = await opened.Stream.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (run.IsCallerCancellation(ex))
                    {
                        await run.CancelledAsync(provider, opened.Permit, opened.Attempt, opened.Started).ConfigureAwait(false);
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
                                opened.Attempt, isRetryable: true, innerException: null);
                        }

                        break;
                    }

                    update = opened.Stream.Current;
                }

                if (failure is null)
                {
                    var route = await run.SucceedAsync(provider, opened.Permit, opened.Attempt, opened.Started, text.Usage).ConfigureAwait(false);
                    await run.AfterResponseAsync(provider, opened.Attempt, null, route).ConfigureAwait(false);
                    yield return new ChatResponseUpdate
                    {
                        AdditionalProperties = new() { [FlexiAIChatResponseExtensions.RouteKey] = route },
                        ModelId = provider.Model,
                    };
                    yield break;
                }

                var outcome = text.Visible ? AttemptOutcome.Interrupted : AttemptOutcome.Failed;
                var (error, policy, _, _) = await run.RecordFailureAsync(provider, opened.Permit, opened.Attempt, opened.Started, failure, opened.Deadline, outcome).ConfigureAwait(false);
                var failedIndex = Array.IndexOf(ordered, provider);
                await opened.DisposeAsync().ConfigureAwait(false);
                opened = null;

                if (!text.Visible)
                {
                    // Nothing the caller can see yet (e.g. only a role update): fail over invisibly, from the next provider.
                    if (!policy.Failover)
                    {
                        error.Route = run.BuildRoute(null);
                        throw error;
                    }

                    startAt = failedIndex + 1;
                    continue;
                }

                if (streaming.MidStreamPolicy != MidStreamPolicy.Continue)
                {
                    throw Interrupted(run, text, "the mid-stream policy is Fail.", error);
                }

                if (text.SawToolCall)
                {
                    throw Interrupted(run, text, "a tool call was in progress, and a tool call is never continued.", error);
                }

                if (!policy.Failover)
                {
                    throw Interrupted(run, text, $"{error.Category} failures do not fail over.", error);
                }

                // Continue on the next provider from the text the caller already has, keeping the caller's messages.
                request = [.. list, new ChatMessage(ChatRole.Assistant, text.ToString()), new ChatMessage(ChatRole.User, streaming.ContinuationPrompt ?? StreamingOptions.DefaultContinuationPrompt)];
                run.MarkContinuation(text.Length);
                startAt = failedIndex + 1;
            }
        }
        finally
        {
            if (opened is not null)
            {
                // A probe stream the caller abandons gives no verdict: free the slot (a no-op when the probe already reported).
                if (opened.Permit.IsProbe)
                {
                    await opened.Provider.Breaker.ReleaseProbeAsync(CancellationToken.None).ConfigureAwait(false);
                }

                await opened.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Tries providers from <paramref name="startAt"/> in order, with retries, until one delivers a first update; returns
    /// <see langword="null"/> when none does (every breaker open, every provider failed).
    /// </summary>
    private async ValueTask<OpenedStream?> OpenStreamAsync(RequestRun run, RoutedProvider[] ordered, int startAt, IList<ChatMessage> request, ChatOptions? options, bool continuing)
    {
        var waitBudget = continuing ? TimeSpan.Zero : Options.WaitForRecovery;
        while (true)
        {
            RoutedProvider? previous = null;
            for (var index = startAt; index < ordered.Length; index++)
            {
                var provider = ordered[index];
                var permit = await run.EnterAsync(provider).ConfigureAwait(false);
                if (!permit.Allowed)
                {
                    continue;
                }

                if (previous is not null)
                {
                    await run.FailingOverAsync(previous, provider).ConfigureAwait(false);
                }

                previous = provider;
                for (var attempt = 1; ; attempt++)
                {
                    var deadline = await run.StartAttemptAsync(provider, attempt, streaming: true).ConfigureAwait(false);
                    var started = Time.GetTimestamp();
                    IAsyncEnumerator<ChatResponseUpdate>? stream = null;
                    FailureDecision decision;
                    try
                    {
                        stream = provider.Client.GetStreamingResponseAsync(request, options, deadline.Token).GetAsyncEnumerator(deadline.Token);
                        if (await stream.MoveNextAsync().ConfigureAwait(false))
                        {
                            return new OpenedStream(provider, permit, attempt, started, deadline, stream);
                        }

                        throw new ProviderException(provider.Name, provider.Model, new ProviderFailure(ErrorCategory.Network, "The stream ended before its first update."), attempt, isRetryable: true, innerException: null);
                    }
                    catch (Exception ex) when (run.IsCallerCancellation(ex))
                    {
                        await DisposeQuietlyAsync(stream).ConfigureAwait(false);
                        deadline.Dispose();
                        await run.CancelledAsync(provider, permit, attempt, started).ConfigureAwait(false);
                        throw;
                    }
                    catch (RequestValidationException)
                    {
                        await DisposeQuietlyAsync(stream).ConfigureAwait(false);
                        deadline.Dispose();
                        await run.RejectedAsync(provider, permit, attempt, started).ConfigureAwait(false);
                        throw;
                    }
                    catch (Exception ex)
                    {
                        decision = await run.FailAsync(provider, permit, attempt, started, ex, deadline).ConfigureAwait(false);
                        await DisposeQuietlyAsync(stream).ConfigureAwait(false);
                        deadline.Dispose();
                    }

                    if (decision == FailureDecision.Stop)
                    {
                        throw run.StopException!;
                    }

                    if (decision == FailureDecision.NextProvider)
                    {
                        break;
                    }

                    await Task.Delay(run.RetryDelay, Time, run.CallerToken).ConfigureAwait(false);
                }
            }

            var waitStarted = Time.GetTimestamp();
            if (!await run.WaitForRecoveryAsync(waitBudget).ConfigureAwait(false))
            {
                return null;
            }

            waitBudget -= Time.GetElapsedTime(waitStarted);
        }
    }

    private static StreamInterruptedException Interrupted(RequestRun run, StreamText text, string reason, Exception? cause) =>
        new(text.ToString(), text.Usage, run.BuildRoute(null), reason, cause);

    /// <summary>Computes the delay before retry number <paramref name="failedAttempt"/> (1 = after the first failure).</summary>
    public TimeSpan ComputeBackoff(int failedAttempt)
    {
        var retry = Options.Retry;
        var ticks = retry.InitialDelay.Ticks * Math.Pow(retry.BackoffFactor, failedAttempt - 1);
        if (double.IsNaN(ticks) || ticks > retry.MaxDelay.Ticks)
        {
            ticks = retry.MaxDelay.Ticks;
        }

        if (retry.UseJitter)
        {
            ticks *= 0.5 + (0.5 * _random.NextDouble());
        }

        return TimeSpan.FromTicks((long)ticks);
    }

    public async ValueTask PublishCircuitChangeAsync(CircuitStateChange change, string correlationId, CancellationToken cancellationToken)
    {
        if (LogEnabled)
        {
            Log.CircuitChanged(Logger, change.Provider, change.From, change.To, change.Reason, change.ConsecutiveFailures);
        }

        try
        {
            CircuitStateChanged?.Invoke(this, change);
        }
#pragma warning disable CA1031 // An event handler must never fail the request.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HookFailed(Logger, FlexiAIHookEvent.CircuitStateChange, ex);
        }

        if (Hooks.Has(FlexiAIHookEvent.CircuitStateChange))
        {
            var model = Providers.FirstOrDefault(p => p.Name == change.Provider)?.Model;
            await RunHooksAsync(FlexiAIHookEvent.CircuitStateChange, new FlexiAIHookContext
            {
                Event = FlexiAIHookEvent.CircuitStateChange,
                Timestamp = change.At,
                CorrelationId = correlationId,
                Provider = change.Provider,
                Model = model,
                CircuitChange = change,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask RunHooksAsync(FlexiAIHookEvent hookEvent, FlexiAIHookContext context, CancellationToken cancellationToken)
    {
        foreach (var hook in Hooks.Get(hookEvent))
        {
            try
            {
                await hook(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A throwing hook is logged and never fails the request.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.HookFailed(Logger, hookEvent, ex);
            }
        }
    }

    internal static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate>? stream)
    {
        if (stream is null)
        {
            return;
        }

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

    private static RoutedProvider[] Order(IReadOnlyList<RoutedProvider> providers, RoutedProvider? primary) =>
        [.. providers
            .Where(p => p.Options.Enabled)
            .OrderBy(p => ReferenceEquals(p, primary) ? 0 : 1)
            .ThenBy(p => p.Options.Priority ?? int.MaxValue)
            .ThenBy(p => p.Order)];

    private static ErrorPolicy[] BuildPolicies(FlexiAIOptions options)
    {
        var categories = Enum.GetValues<ErrorCategory>();
        var policies = new ErrorPolicy[categories.Length];
        var counted = LegacyExpectedExceptions.Map(options.CircuitBreaker.ExpectedExceptions);
        foreach (var category in categories)
        {
            var policy = options.GetErrorPolicy(category);
            if (counted is not null && !options.ErrorPolicies.ContainsKey(category))
            {
                policy = policy with { CountsTowardBreaker = counted.Contains(category) };
            }

            policies[(int)category] = policy;
        }

        return policies;
    }
}
