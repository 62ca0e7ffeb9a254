using System.Diagnostics.Tracing;
using System.Globalization;

namespace FlexiAI.Benchmarks;

/// <summary>
/// Listens to the runtime's randomized allocation samples (.NET 10 <c>AllocationSampling</c>) and adds up the bytes they stand for
/// by type into <see cref="Current"/>; shared by <c>loopback-alloc</c> and <c>obs-alloc</c>.
/// </summary>
internal sealed class AllocationSampleListener : EventListener
{
    private const double SamplingMean = 100 * 1024;
    private readonly Lock _lock = new();

    public Dictionary<string, double>? Current { get; set; }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // AllocationSampling (.NET 10): a randomized sample, on average one per 100 KB, unbiased by the allocation pattern.
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x80000000000);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName != "AllocationSampled" || Current is not { } current || eventData.PayloadNames is null)
        {
            return;
        }

        // Each sample stands for the bytes since the previous one: on average 100 KB (objects larger than that are
        // sampled with a probability below one; weight them by 1 / that probability).
        var type = Payload(eventData, "TypeName") as string ?? "?";
        var size = Convert.ToDouble(Payload(eventData, "ObjectSize") ?? 0UL, CultureInfo.InvariantCulture);
        var amount = size / -double.ExpM1(-size / SamplingMean);
        lock (_lock)
        {
            current[type] = current.GetValueOrDefault(type) + amount;
        }
    }

    private static object? Payload(EventWrittenEventArgs e, string name)
    {
        var i = e.PayloadNames!.IndexOf(name);
        return i >= 0 ? e.Payload![i] : null;
    }
}
