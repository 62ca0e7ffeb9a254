using System.Globalization;
using System.Runtime.CompilerServices;

namespace FlexiAI;

/// <summary>
/// The budgets of one configuration: admits a provider when no hard limit would be passed by the request's estimated
/// maximum cost, and records actual spending after each billed attempt (in the <see cref="IBudgetStore"/>, in whole
/// micro-dollars). A store that fails makes budgets admit everything (fail open) and is reported once per outage.
/// </summary>
internal sealed class BudgetTracker
{
    private const decimal MicroPerDollar = 1_000_000m;
    private readonly CostAccounting _owner;
    private readonly Budget[] _budgets;
    private readonly IBudgetStore _store;
    private readonly ConditionalWeakTable<RequestState, int[]> _counts = new();
    private int _storeDown;

    public BudgetTracker(CostAccounting owner, BudgetOptions[] budgets, IBudgetStore store)
    {
        _owner = owner;
        _budgets = [.. budgets.Select(b => new Budget(b))];
        _store = store;
    }

    public IBudgetStore Store => _store;

    public bool AppliesTo(string provider) => Array.Exists(_budgets, b => b.Options.Scope != BudgetScope.Provider || string.Equals(b.Options.Name, provider, StringComparison.OrdinalIgnoreCase));

    public async ValueTask<Admission> AdmitAsync(RequestState request, RoutedProvider provider, CancellationToken cancellationToken)
    {
        var pricing = provider.Pricing;
        var now = _owner.Time.GetUtcNow();
        if (pricing?.RatesAt(now) is not { } rates)
        {
            return Admission.Allow; // an unknown price cannot be budgeted: its cost is unknown, never assumed zero
        }

        var tag = CostSubscriber.TagOf(request.Options);
        long? estimateMicro = null;
        foreach (var budget in _budgets)
        {
            if (budget.LimitMicro is not { } limit || !budget.Applies(provider.Name, tag))
            {
                continue;
            }

            estimateMicro ??= ToMicro(EstimateMaximum(request, pricing, rates));
            var period = budget.PeriodAt(now);
            if (await TryGetSpentAsync(period.Key, cancellationToken).ConfigureAwait(false) is not { } spent)
            {
                return Admission.Allow; // a store that does not answer admits (fails open)
            }

            if (spent + estimateMicro.Value > limit)
            {
                var error = new BudgetExceededException(provider.Name, budget.Options, spent / MicroPerDollar, estimateMicro.Value / MicroPerDollar, period.ResetsAt);
                CostLog.BudgetSkip(_owner.Logger, request.CorrelationId, provider.Name, budget.Options.Description, error.Spent, error.Limit, error.Estimate);
                return Admission.Skip(AttemptOutcome.Skipped, $"budget: {budget.Options.Description}", null, error);
            }
        }

        return Admission.Allow;
    }

    /// <summary>The bound on one budget-store call (as for the breaker's store): a store that hangs fails open like one that throws.</summary>
    internal static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(1);

    private ValueTask<long> Bounded(ValueTask<long> call, CancellationToken cancellationToken) =>
        call.IsCompleted ? call : new(call.AsTask().WaitAsync(StoreTimeout, _owner.Time, cancellationToken));

    /// <summary>What the store says was spent under <paramref name="key"/> (micro-dollars), or <see langword="null"/> when it failed or did not answer within the bound.</summary>
    private async ValueTask<long?> TryGetSpentAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var spent = await Bounded(_store.GetAsync(key, cancellationToken), cancellationToken).ConfigureAwait(false);
            StoreAnswered();
            return spent;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            StoreFailed(ex);
            return null;
        }
    }

    /// <summary>Adds an attempt's actual cost to every budget it falls under; raises a soft-limit warning once per period.</summary>
    public async ValueTask RecordAsync(string provider, string? tag, long pico, CancellationToken cancellationToken)
    {
        var micro = ToMicro(pico);
        if (micro == 0)
        {
            return;
        }

        var now = _owner.Time.GetUtcNow();
        foreach (var budget in _budgets)
        {
            if (!budget.Applies(provider, tag))
            {
                continue;
            }

            var period = budget.PeriodAt(now);
            long total;
            try
            {
                total = await Bounded(_store.AddAsync(period.Key, micro, period.ResetsAt, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
                StoreAnswered();
            }
#pragma warning disable CA1031 // A failing store never fails a request.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                StoreFailed(ex);
                continue;
            }

            if (budget.SoftMicro is { } soft && total >= soft)
            {
                _owner.SoftLimitReached(budget.Options, period.Key, total / MicroPerDollar, period.Start, period.ResetsAt);
            }
        }
    }

    /// <summary>Every budget with what its store says was spent in the current period (<see langword="null"/> when the store did not answer).</summary>
    public async Task<IReadOnlyList<BudgetStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        var now = _owner.Time.GetUtcNow();
        var result = new List<BudgetStatus>(_budgets.Length);
        foreach (var budget in _budgets)
        {
            var period = budget.PeriodAt(now);
            var spent = await TryGetSpentAsync(period.Key, cancellationToken).ConfigureAwait(false);
            result.Add(new BudgetStatus(budget.Options, spent / MicroPerDollar, period.ResetsAt is null ? null : period.Start, period.ResetsAt));
        }

        return result;
    }

    /// <summary>The request's most expensive outcome on this provider: its input plus the most output it may produce (pico-dollars).</summary>
    public long EstimateMaximum(RequestState request, ProviderPricing pricing, PriceRates rates)
    {
        // Counted once per request and method, however many providers and budgets ask.
        var counts = _counts.GetValue(request, static _ => [-1, -1]);
        var slot = (int)pricing.Method;
        if (Volatile.Read(ref counts[slot]) < 0)
        {
            Volatile.Write(ref counts[slot], TokenEstimator.Count(request.Messages, request.Options, pricing.Method));
        }

        long input = counts[slot];
        var output = request.Options?.MaxOutputTokens ?? pricing.MaxOutputTokens ?? 0;
        return CostAccounting.Range(rates, input, output).Max;
    }

    private static long ToMicro(long pico) => (pico + 500_000) / 1_000_000;

    private void StoreFailed(Exception ex)
    {
        if (Interlocked.Exchange(ref _storeDown, 1) == 0)
        {
            CostLog.StoreFailed(_owner.Logger, SecretMasker.Redact($"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    private void StoreAnswered()
    {
        if (Volatile.Read(ref _storeDown) != 0 && Interlocked.Exchange(ref _storeDown, 0) != 0)
        {
            CostLog.StoreRecovered(_owner.Logger);
        }
    }

    /// <summary>One budget and the key of its current period (rebuilt only when the period rolls over).</summary>
    private sealed class Budget(BudgetOptions options)
    {
        private Period? _current;

        public BudgetOptions Options { get; } = options;

        public long? LimitMicro { get; } = options.Limit is { } limit ? (long)decimal.Round(limit * MicroPerDollar) : null;

        public long? SoftMicro { get; } = options.SoftLimit is { } soft ? (long)decimal.Round(soft * MicroPerDollar) : null;

        public bool Applies(string provider, string? tag) => Options.Scope switch
        {
            BudgetScope.Provider => string.Equals(Options.Name, provider, StringComparison.OrdinalIgnoreCase),
            BudgetScope.Tag => tag is not null && string.Equals(Options.Name, tag, StringComparison.Ordinal),
            _ => true,
        };

        public Period PeriodAt(DateTimeOffset now)
        {
            var utc = now.UtcDateTime;
            var id = Options.Period switch
            {
                BudgetPeriod.Day => utc.Date.Ticks,
                BudgetPeriod.Month => (utc.Year * 12L) + utc.Month,
                _ => 0,
            };
            var current = Volatile.Read(ref _current);
            if (current is not null && current.Id == id)
            {
                return current;
            }

            var (start, resets, label) = Options.Period switch
            {
                BudgetPeriod.Day => (new DateTimeOffset(utc.Date, TimeSpan.Zero), (DateTimeOffset?)new DateTimeOffset(utc.Date.AddDays(1), TimeSpan.Zero), "day:" + utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                BudgetPeriod.Month => (new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1), "month:" + utc.ToString("yyyy-MM", CultureInfo.InvariantCulture)),
                _ => (DateTimeOffset.MinValue, null, "total"),
            };
            var scope = Options.Scope switch
            {
                BudgetScope.Provider => "provider:" + Options.Name!.ToLowerInvariant(),
                BudgetScope.Tag => "tag:" + Options.Name,
                _ => "global",
            };
            var next = new Period(id, $"flexiai:budget:{scope}:{label}", start, resets);
            Volatile.Write(ref _current, next);
            return next;
        }
    }

    private sealed record Period(long Id, string Key, DateTimeOffset Start, DateTimeOffset? ResetsAt);
}
