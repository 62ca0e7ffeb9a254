using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Cost and budget log messages (event ids 300–309).</summary>
internal static partial class CostLog
{
    [LoggerMessage(300, LogLevel.Warning, "No price is known for model {Model} (provider {Provider}): its cost is reported as unknown, never zero. Add it under pricing.models in the configuration.")]
    public static partial void UnknownModel(ILogger logger, string provider, string model);

    [LoggerMessage(301, LogLevel.Warning, "The {Budget} budget reached its soft limit: spent ${Spent} of ${Soft} (hard limit {Limit}); it resets at {ResetsAt}")]
    public static partial void SoftLimitReached(ILogger logger, string budget, decimal spent, decimal soft, string limit, string resetsAt);

    [LoggerMessage(302, LogLevel.Information, "[{CorrelationId}] Skipping provider {Provider}: the {Budget} budget would be exceeded (spent ${Spent} of ${Limit}, estimate up to ${Estimate})")]
    public static partial void BudgetSkip(ILogger logger, string correlationId, string provider, string budget, decimal spent, decimal limit, decimal estimate);

    [LoggerMessage(303, LogLevel.Warning, "The budget store failed ({Error}); budgets admit every request and spending is not recorded until it answers again")]
    public static partial void StoreFailed(ILogger logger, string error);

    [LoggerMessage(304, LogLevel.Information, "The budget store answers again")]
    public static partial void StoreRecovered(ILogger logger);
}
