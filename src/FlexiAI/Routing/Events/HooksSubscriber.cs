using System.Collections.ObjectModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Runs the user's <see cref="FlexiAIHooks"/> from the request events, in registration order; a throwing hook is logged and never fails the request.</summary>
internal sealed class HooksSubscriber(FlexiAIHooks hooks, TimeProvider time, ILogger logger) : RequestEventSubscriber
{
    public override bool Wants(RequestEventKinds kind) => kind switch
    {
        RequestEventKinds.AttemptStarted => hooks.Has(FlexiAIHookEvent.BeforeRequest),
        RequestEventKinds.RequestCompleted => hooks.Has(FlexiAIHookEvent.AfterResponse),
        RequestEventKinds.AttemptFailed => hooks.Has(FlexiAIHookEvent.Error),
        RequestEventKinds.FailedOver => hooks.Has(FlexiAIHookEvent.Failover),
        RequestEventKinds.CircuitChanged => hooks.Has(FlexiAIHookEvent.CircuitStateChange),
        _ => false,
    };

    public override ValueTask OnAttemptStartedAsync(AttemptStarted e, CancellationToken cancellationToken) =>
        RunAsync(FlexiAIHookEvent.BeforeRequest, new FlexiAIHookContext
        {
            Event = FlexiAIHookEvent.BeforeRequest,
            Timestamp = time.GetUtcNow(),
            CorrelationId = e.Request.CorrelationId,
            Provider = e.Provider.Name,
            Model = e.Provider.Model,
            AttemptNumber = e.Attempt,
            Messages = AsReadOnly(e.Request.Messages),
            Options = e.Request.Options,
        }, cancellationToken);

    public override ValueTask OnRequestCompletedAsync(RequestCompleted e, CancellationToken cancellationToken)
    {
        if (e.Error is not null || e.Route.Attempts.Count == 0)
        {
            return default;
        }

        var answered = e.Route.Attempts[^1];
        return RunAsync(FlexiAIHookEvent.AfterResponse, new FlexiAIHookContext
        {
            Event = FlexiAIHookEvent.AfterResponse,
            Timestamp = time.GetUtcNow(),
            CorrelationId = e.Request.CorrelationId,
            Provider = answered.Provider,
            Model = answered.Model,
            AttemptNumber = answered.AttemptNumber,
            Messages = AsReadOnly(e.Request.Messages),
            Options = e.Request.Options,
            Response = e.Response,
            Route = e.Route,
            Cost = e.Route.Cost,
        }, cancellationToken);
    }

    public override ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken) =>
        RunAsync(FlexiAIHookEvent.Error, new FlexiAIHookContext
        {
            Event = FlexiAIHookEvent.Error,
            Timestamp = time.GetUtcNow(),
            CorrelationId = e.Request.CorrelationId,
            Provider = e.Provider.Name,
            Model = e.Provider.Model,
            AttemptNumber = e.Error.AttemptNumber,
            Messages = AsReadOnly(e.Request.Messages),
            Options = e.Request.Options,
            Exception = e.Error,
        }, cancellationToken);

    public override ValueTask OnFailedOverAsync(FailedOver e, CancellationToken cancellationToken) =>
        RunAsync(FlexiAIHookEvent.Failover, new FlexiAIHookContext
        {
            Event = FlexiAIHookEvent.Failover,
            Timestamp = time.GetUtcNow(),
            CorrelationId = e.Request.CorrelationId,
            Provider = e.From.Name,
            Model = e.From.Model,
            NextProvider = e.To.Name,
            Messages = AsReadOnly(e.Request.Messages),
            Options = e.Request.Options,
            Exception = e.LastError,
        }, cancellationToken);

    public override ValueTask OnCircuitChangedAsync(CircuitChanged e, CancellationToken cancellationToken) =>
        RunAsync(FlexiAIHookEvent.CircuitStateChange, new FlexiAIHookContext
        {
            Event = FlexiAIHookEvent.CircuitStateChange,
            Timestamp = e.Change.At,
            CorrelationId = e.CorrelationId,
            Provider = e.Change.Provider,
            Model = e.Model,
            CircuitChange = e.Change,
        }, cancellationToken);

    private static IReadOnlyList<ChatMessage> AsReadOnly(IList<ChatMessage> messages) =>
        messages as IReadOnlyList<ChatMessage> ?? new ReadOnlyCollection<ChatMessage>(messages);

    private async ValueTask RunAsync(FlexiAIHookEvent hookEvent, FlexiAIHookContext context, CancellationToken cancellationToken)
    {
        foreach (var hook in hooks.Get(hookEvent))
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
                // Logged scrubbed: a hook's exception may quote a provider error that echoed a key.
                Log.HookFailed(logger, hookEvent, SecretMasker.Redact($"{ex.GetType().FullName}: {ex.Message}"), SecretMasker.Scrub(ex)!);
            }
        }
    }
}
