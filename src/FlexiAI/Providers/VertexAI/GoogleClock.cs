namespace FlexiAI;

/// <summary>The client's <see cref="TimeProvider"/> as <c>Google.Apis.Auth</c>'s clock, so token expiry and refresh follow FlexiAI's time (and a test's fake time).</summary>
internal sealed class GoogleClock(TimeProvider time) : Google.Apis.Util.IClock
{
    public DateTime Now => time.GetLocalNow().DateTime;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
}
