using System.Text;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>What the caller has received from a stream so far: text, tool calls, finish reason and usage.</summary>
internal sealed class StreamText
{
    private readonly StringBuilder _text = new();
    private UsageDetails? _usage;
    private UsageDetails? _providerUsage;

    /// <summary>Gets a value indicating whether the caller has received anything a continuation would have to preserve.</summary>
    public bool Visible => _text.Length > 0 || SawToolCall;

    public bool SawToolCall { get; private set; }

    public bool SawFinishReason { get; private set; }

    public int Length => _text.Length;

    public UsageDetails? Usage => _usage;

    /// <summary>Gets the usage the current provider's stream reported (what that provider bills).</summary>
    public UsageDetails? ProviderUsage => _providerUsage;

    /// <summary>Starts reading a new provider stream: the terminal-event check applies to each provider's stream on its own.</summary>
    public void BeginProviderStream()
    {
        SawFinishReason = false;
        _providerUsage = null;
    }

    public void Observe(ChatResponseUpdate update)
    {
        if (update.FinishReason is not null)
        {
            SawFinishReason = true;
        }

        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent t:
                    _text.Append(t.Text);
                    break;
                case FunctionCallContent:
                    SawToolCall = true;
                    break;
                case UsageContent u:
                    if (_usage is null)
                    {
                        _usage = new UsageDetails();
                    }

                    _usage.Add(u.Details);
                    (_providerUsage ??= new UsageDetails()).Add(u.Details);
                    break;
            }
        }
    }

    public override string ToString() => _text.ToString();
}
