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
                        var route = await run.SucceedAsync(provider, permit, attempt, started).ConfigureAwait(false);
                        (response.AdditionalProperties ??= [])[FlexiAIChatResponseExtensions.RouteKey] = route;
                        await run.AfterResponseAsync(provider, attempt, response, route).ConfigureAwait(false);
                        return response;
                    }
                    catch (Exception ex) when (run.IsCallerCancellation(ex))
                    {
                        await run.CancelledAsync(provider, permit, attempt, started).ConfigureAwait(false);
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
        var waitBudget = Options.WaitForRecovery;
        IAsyncEnumerator<ChatResponseUpdate>? stream = null;
        AttemptDeadline? deadline = null;
        RoutedProvider? answering = null;
        CircuitPermit answeringPermit = default;
        var answeringAttempt = 0;
        var started = 0L;
        try
        {
            while (answering is null)
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
                        deadline = await run.StartAttemptAsync(provider, attempt).ConfigureAwait(false);
                        started = Time.GetTimestamp();
                        FailureDecision decision;
                        try
                        {
                            stream = provider.Client.GetStreamingResponseAsync(list, options, deadline.Token).GetAsyncEnumerator(deadline.Token);
                            if (await stream.MoveNextAsync().ConfigureAwait(false))
                            {
                                // The first update reached us: failover is no longer invisible; the deadline stops here.
                                deadline.Disarm();
                                answering = provider;
                                answeringPermit = permit;
                                answeringAttempt = attempt;
                                break;
                            }

                            throw new ProviderException(provider.Name, provider.Model, new ProviderFailure(ErrorCategory.ServerError, "The stream ended before its first update."), attempt, isRetryable: true, innerException: null);
                        }
                        catch (Exception ex) when (run.IsCallerCancellation(ex))
                        {
                            await run.CancelledAsync(provider, permit, attempt, started).ConfigureAwait(false);
                            throw;
                        }
                        catch (Exception ex)
                        {
                            decision = await run.FailAsync(provider, permit, attempt, started, ex, deadline).ConfigureAwait(false);
                        }

                        await DisposeQuietlyAsync(stream).ConfigureAwait(false);
                        stream = null;
                        deadline.Dispose();
                        deadline = null;
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

                    if (answering is not null)
                    {
                        break;
                    }
                }

                if (answering is null)
                {
                    var waitStarted = Time.GetTimestamp();
                    if (!await run.WaitForRecoveryAsync(waitBudget).ConfigureAwait(false))
                    {
                        throw run.BuildAllFailed();
                    }

                    waitBudget -= Time.GetElapsedTime(waitStarted);
                }
            }

            yield return stream!.Current;
            while (true)
            {
                bool more;
                try
                {
                    more = await stream.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (run.IsCallerCancellation(ex))
                {
                    await run.CancelledAsync(answering, answeringPermit, answeringAttempt, started).ConfigureAwait(false);
                    throw;
                }
                catch (Exception ex)
                {
                    // After the first update the caller has seen output: no invisible failover is possible.
                    await run.FailAsync(answering, answeringPermit, answeringAttempt, started, ex, null).ConfigureAwait(false);
                    var error = run.BuildAllFailed($"The stream from provider '{answering.Name}' failed after output reached the caller.");
                    throw error;
                }

                if (!more)
                {
                    break;
                }

                yield return stream.Current;
            }

            var route = await run.SucceedAsync(answering, answeringPermit, answeringAttempt, started).ConfigureAwait(false);
            await run.AfterResponseAsync(answering, answeringAttempt, null, route).ConfigureAwait(false);
            yield return new ChatResponseUpdate
            {
                AdditionalProperties = new() { [FlexiAIChatResponseExtensions.RouteKey] = route },
            };
        }
        finally
        {
            await DisposeQuietlyAsync(stream).ConfigureAwait(false);
            deadline?.Dispose();
        }
    }

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

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate>? stream)
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
