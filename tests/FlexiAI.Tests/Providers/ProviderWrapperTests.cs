using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Providers;

/// <summary>The provider wrappers FlexiAI puts around SDK clients: what they do on every path their fast paths split.</summary>
public sealed class ProviderWrapperTests
{
    private static readonly object Raw = new();

    private static bool Extract(object raw, ref AdditionalPropertiesDictionary? properties)
    {
        if (!ReferenceEquals(raw, Raw))
        {
            return false;
        }

        (properties ??= [])["fingerprint"] = "fp_1";
        return true;
    }

    private static ChatResponse RawResponse() => new(new ChatMessage(ChatRole.Assistant, "hi")) { RawRepresentation = Raw };

    [Fact]
    public async Task Response_data_is_copied_whether_the_inner_call_completes_at_once_or_later()
    {
        var inner = new FakeChatClient("p")
            .Then(_ => Task.FromResult(RawResponse()))
            .Then(async _ =>
            {
                await Task.Yield();
                return RawResponse();
            });
        using var client = new ResponseDataChatClient(inner, Extract);

        var now = await client.GetResponseAsync("q");
        var later = await client.GetResponseAsync("q");

        Assert.Equal("fp_1", now.AdditionalProperties?["fingerprint"]);
        Assert.Equal("fp_1", later.AdditionalProperties?["fingerprint"]);
    }

    [Fact]
    public async Task Response_data_layer_passes_through_when_the_caller_copies_and_the_caller_can_copy()
    {
        var inner = new FakeChatClient("p").Then(async _ =>
        {
            await Task.Yield();
            return RawResponse();
        });
        using var client = new ResponseDataChatClient(inner, Extract) { CopiedByCaller = true };
        using var outer = new ConfigureOptionsChatClient(client, _ => { });

        var response = await outer.GetResponseAsync("q");

        Assert.Null(response.AdditionalProperties);
        Assert.Same(client, outer.GetService(typeof(ResponseDataChatClient)));
        client.CopyTo(response);
        Assert.Equal("fp_1", response.AdditionalProperties?["fingerprint"]);
    }

    [Fact]
    public async Task Response_data_failures_surface_unchanged()
    {
        var inner = new FakeChatClient("p").ThenFail(503);
        using var client = new ResponseDataChatClient(inner, Extract);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync("q"));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }
}
