using System.Diagnostics;
using FlexiAI.Emulator;
using FlexiAI.Reliability.Support;
using Microsoft.Extensions.AI;

namespace FlexiAI.Reliability.Matrix;

/// <summary>Runs matrix cells against one emulator hosting a primary and its backup, and checks them against their expectation.</summary>
public sealed class MatrixRunner(EmulatorHost host, TextSink? canary = null)
{
    public const string Prompt = "Tell me about the weather in three short sentences";

    /// <summary>Runs a cell twice — backup healthy, then the primary alone — and returns every mismatch (empty: the cell holds).</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="mode">The breaker mode to run it under; <see langword="null"/> for <see cref="BreakerMode.Consecutive"/>.</param>
    public async Task<IReadOnlyList<string>> CheckAsync(MatrixCell cell, BreakerMode? mode = null)
    {
        mode ??= BreakerMode.Consecutive;
        var expected = MatrixExpectation.For(cell);
        var problems = new List<string>();
        foreach (var withBackup in new[] { true, false })
        {
            var observed = await RunAsync(cell, withBackup, mode).ConfigureAwait(false);
            Compare(cell, expected, withBackup, observed, problems, mode);
            SuiteSummary.AddRequests(1);
        }

        SuiteSummary.AddCell(problems.Count == 0);
        return problems;
    }

    private async Task<Observed> RunAsync(MatrixCell cell, bool withBackup, BreakerMode mode)
    {
        foreach (var instance in host.Instances)
        {
            instance.Faults.Clear();
            instance.Journal.Clear();
        }

        host[cell.Primary].Faults.FailAlways(cell.Fault.Make(cell.Primary));
        var options = Emulated.FastOptions();
        options.Retry.MaxAttempts = MatrixTable.MaxAttempts;
        options.Retry.MaxRetryAfter = MatrixTable.MaxRetryAfter;
        mode.Apply(options);
        options.Logging.Level = Microsoft.Extensions.Logging.LogLevel.Trace;
        if (cell.Mode == CallMode.StreamContinue)
        {
            options.Streaming.MidStreamPolicy = MidStreamPolicy.Continue;
        }

        var primary = Emulated.Provider(host, cell.Primary, cell.Primary, 1);
        if (cell.Fault.NeedsTimeouts)
        {
            primary.Timeout = MatrixTable.StallTimeout;
            primary.FirstTokenTimeout = MatrixTable.StallTimeout;
            primary.IdleTimeout = MatrixTable.StallTimeout;
        }

        options.Providers.Add(primary);
        if (withBackup)
        {
            options.Providers.Add(Emulated.Provider(host, cell.Backup, cell.Backup, 2));
        }

        var logFile = canary is null ? null : Path.Combine(Path.GetTempPath(), $"flexiai-reliability-{Guid.NewGuid():N}.log");
        options.Logging.File = logFile;
        var observed = new Observed();
        var client = new FlexiAIClient(options, Emulated.ClientOptions(canary?.Hooks(), canary?.LoggerFactory));
        try
        {
            await CallAsync(client, cell, observed).ConfigureAwait(false);
        }
        finally
        {
            client.Dispose();
            if (logFile is not null)
            {
                canary!.AddFile(logFile);
                File.Delete(logFile);
            }
        }

        return observed;
    }

    private async Task CallAsync(FlexiAIClient client, MatrixCell cell, Observed observed)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (cell.Mode == CallMode.Response)
            {
                var response = await client.GetResponseAsync(Prompt).ConfigureAwait(false);
                observed.Text = response.Text;
                observed.Route = response.GetRoute();
            }
            else
            {
                (observed.Text, observed.Route) = await Emulated.ReadStreamAsync(client, Prompt, piece => observed.Seen.Append(piece)).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            observed.Error = ex;
            observed.Route = (ex as FlexiAIException)?.Route;
            canary?.Add(ex.ToString());
        }

        observed.Elapsed = clock.Elapsed;
        observed.PrimaryCalls = host[cell.Primary].Journal.Count;
        observed.BackupCalls = host[cell.Backup].Journal.Count;
        observed.Status = client.GetProviderStatus().Single(s => s.Name == cell.Primary);
        canary?.Add(observed.Route?.ToString());
        canary?.Add(client.ExportConfiguration());
        canary?.Add(string.Join("\n", client.GetProviderStatus()));
    }

    private static void Compare(MatrixCell cell, MatrixExpectation expected, bool withBackup, Observed o, List<string> problems, BreakerMode mode)
    {
        var phase = withBackup ? $"with backup, {mode.Name}" : $"primary alone, {mode.Name}";

        // failover_first (docs/routing.md, Retries): a failure that would be retried in place goes to the healthy backup at once
        // instead — one call to the primary, no wait for its backoff or Retry-After; with the primary alone it is retried as before.
        var failsOverFirst = withBackup && mode.FailoverFirst && expected.Retried && expected.FailsOver;
        if (failsOverFirst)
        {
            expected = expected with { PrimaryCalls = 1, Retried = false };
        }

        var minWait = failsOverFirst ? TimeSpan.Zero : cell.Fault.MinWait;

        // A ratio breaker keeps its count in its window while closed; the store's consecutive tally stays 0.
        var tally = expected.Counts && !mode.Ratio ? expected.PrimaryCalls : 0;
        void Check(bool ok, string what)
        {
            if (!ok)
            {
                problems.Add($"[{cell}] ({phase}) {what}");
            }
        }

        var answers = withBackup && expected.FailsOver;
        var expectedError = withBackup ? expected.ErrorWithBackup : expected.ErrorWithoutBackup;
        Check(o.PrimaryCalls == expected.PrimaryCalls, $"primary upstream calls: expected {expected.PrimaryCalls}, journal shows {o.PrimaryCalls}");
        Check(o.BackupCalls == (answers ? 1 : 0), $"backup upstream calls: expected {(answers ? 1 : 0)}, journal shows {o.BackupCalls}");
        Check(o.Status!.ConsecutiveFailures == tally,
            $"primary breaker tally: expected {tally} (counts toward breaker: {expected.Counts}), got {o.Status.ConsecutiveFailures}");
        Check(o.Elapsed >= minWait - TimeSpan.FromMilliseconds(20), $"took {o.Elapsed.TotalMilliseconds:F0} ms; the provider's retry hint asked for at least {minWait.TotalMilliseconds:F0} ms");
        if (expectedError is null)
        {
            Check(o.Error is null, $"expected an answer from {cell.Backup}, got {o.Error?.GetType().Name}: {o.Error?.Message}");
            var reply = Emulated.Reply(cell.Backup, Prompt);
            if (cell.Mode == CallMode.StreamContinue && expected.Interrupted)
            {
                // The caller's text: exactly the primary's partial reply, then the backup's continuation — nothing repeated or dropped.
                var partial = Emulated.Reply(cell.Primary, Prompt);
                var continuedAt = o.Route?.Attempts.LastOrDefault()?.ContinuedAt ?? -1;
                Check(continuedAt > 0 && o.Text is not null && o.Text.Length > continuedAt && partial.StartsWith(o.Text[..continuedAt], StringComparison.Ordinal)
                    && o.Text[continuedAt..] == Emulated.Continuation(cell.Backup),
                    $"continued text is not the primary's partial text then the backup's continuation: \"{o.Text}\" (continued at {continuedAt})");
            }
            else
            {
                Check(o.Text == reply, $"expected the backup's deterministic reply, got \"{o.Text}\"");
            }

            Check(o.Route?.Provider == cell.Backup, $"route names {o.Route?.Provider ?? "nobody"}, expected {cell.Backup}");
        }
        else
        {
            Check(o.Error?.GetType() == expectedError, $"expected {expectedError.Name}, got {(o.Error is null ? "an answer: " + o.Text : o.Error.GetType().Name + ": " + o.Error.Message)}");
            if (o.Error is ProviderException provider)
            {
                Check(provider.Category == expected.Category, $"exception category {provider.Category}, expected {expected.Category}");
            }

            if (o.Error is StreamInterruptedException interrupted)
            {
                Check(interrupted.PartialText == o.Seen.ToString(), $"PartialText \"{interrupted.PartialText}\" differs from what the caller received \"{o.Seen}\"");
                Check(interrupted.PartialText.Length > 0 && Emulated.Reply(cell.Primary, Prompt).StartsWith(interrupted.PartialText, StringComparison.Ordinal),
                    $"PartialText \"{interrupted.PartialText}\" is not a prefix of the primary's reply");
                Check(interrupted.Category == expected.Category, $"interruption category {interrupted.Category}, expected {expected.Category}");
            }

            if (o.Error is AllProvidersFailedException all)
            {
                Check(all.Errors.Count == expected.PrimaryCalls, $"AllProvidersFailedException.Errors has {all.Errors.Count}, expected {expected.PrimaryCalls}");
            }
        }

        // The route lists every upstream call: the primary's failed attempts (each with the expected category), then the answer.
        var route = o.Route;
        Check(route is not null, "no route report");
        if (route is not null)
        {
            var primaryAttempts = route.Attempts.Where(a => a.Provider == cell.Primary).ToList();
            Check(primaryAttempts.Count == o.PrimaryCalls, $"route lists {primaryAttempts.Count} primary attempts, journal shows {o.PrimaryCalls} calls");
            var outcome = expected.Interrupted ? AttemptOutcome.Interrupted : AttemptOutcome.Failed;
            Check(primaryAttempts.All(a => a.Outcome == outcome && a.Category == expected.Category),
                $"primary attempts {string.Join(", ", primaryAttempts.Select(a => $"{a.Outcome}:{a.Category}"))}; expected {outcome}:{expected.Category}");
            Check(route.Attempts.Count(a => a.Provider == cell.Backup) == o.BackupCalls, "route and journal disagree on the backup's calls");
        }

        Check(o.Status.LastErrorCategory == expected.Category || !expected.Counts, $"primary's last error category {o.Status.LastErrorCategory}, expected {expected.Category}");
    }

    private sealed class Observed
    {
        public string? Text { get; set; }

        public System.Text.StringBuilder Seen { get; } = new();

        public RouteReport? Route { get; set; }

        public Exception? Error { get; set; }

        public TimeSpan Elapsed { get; set; }

        public int PrimaryCalls { get; set; }

        public int BackupCalls { get; set; }

        public ProviderStatus? Status { get; set; }
    }
}
