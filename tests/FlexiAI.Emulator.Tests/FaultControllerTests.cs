namespace FlexiAI.Emulator.Tests;

public sealed class FaultControllerTests
{
    [Fact]
    public void A_large_count_is_stored_once_not_queued_once_per_request()
    {
        var faults = new FaultController();
        var fault = Fault.Status(503);
        faults.FailNext(1, fault);
        faults.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        faults.FailNext(10_000_000, fault);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Queuing a copy per request allocated about 130 MB here.
        Assert.True(allocated < 10_000, $"FailNext(10000000) allocated {allocated} bytes.");
        Assert.Same(fault, faults.Next());
    }

    [Fact]
    public void Queued_faults_keep_their_order_and_counts_then_fall_back_to_always()
    {
        var first = Fault.Status(503);
        var second = Fault.ResetConnection();
        var always = Fault.Status(500);
        var faults = new FaultController().FailNext(2, first).FailNext(0, Fault.Stall()).FailNext(1, second).FailAlways(always);

        Assert.Equal([first, first, second, always, always], Enumerable.Range(0, 5).Select(_ => faults.Next()));
        Assert.Equal(5, faults.Injected);
        faults.Clear();
        Assert.Null(faults.Next());
    }

    [Fact]
    public void Fault_values_that_cannot_be_sent_are_rejected_when_the_fault_is_made()
    {
        Assert.Equal("statusCode", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(99999)).ParamName);
        Assert.Equal("statusCode", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(200)).ParamName);
        Assert.Equal("statusCode", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.StreamError(statusCode: 99)).ParamName);
        Assert.Equal("retryAfter", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(429, retryAfter: TimeSpan.FromSeconds(-1))).ParamName);
        Assert.Equal("retryAfterMs", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(429, retryAfterMs: TimeSpan.FromMilliseconds(-1))).ParamName);
        Assert.Equal("latency", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Delay(TimeSpan.FromMilliseconds(-1))).ParamName);
        Assert.Equal("latency", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Delay(TimeSpan.FromDays(60))).ParamName);
        Assert.Equal("afterChunks", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Stall(-1)).ParamName);
        Assert.Equal("afterChunks", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Truncate(-1)).ParamName);
        Assert.Equal("afterChunks", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.MalformedJson(-1)).ParamName);
        Assert.Equal("afterChunks", Assert.Throws<ArgumentOutOfRangeException>(() => Fault.StreamError(afterChunks: -1)).ParamName);
        Assert.Equal("ratio", Assert.Throws<ArgumentOutOfRangeException>(() => new FaultController().FailRatio(double.NaN, Fault.Status(500))).ParamName);
        Assert.Equal("ratio", Assert.Throws<ArgumentOutOfRangeException>(() => new FaultController().FailRatio(1.01, Fault.Status(500))).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => new FaultController().FailNext(-1, Fault.Status(500))).ParamName);
    }
}
