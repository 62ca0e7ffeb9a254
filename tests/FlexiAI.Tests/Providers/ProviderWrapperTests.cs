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
        using var outer = new ContentCheckingChatClient(client, "p", "openai", _ => true, "anything");

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

    public static TheoryData<string> MessageShapes => ["list", "array", "read-only list", "lazy sequence"];

    [Theory]
    [MemberData(nameof(MessageShapes))]
    public async Task Content_check_names_the_refused_content_for_every_message_shape(string shape)
    {
        var inner = FakeChatClient.Answering("p");
        using var client = new ContentCheckingChatClient(inner, "p", "openai", c => c is not DataContent { MediaType: "audio/ogg" }, "images");
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "first"),
            new(ChatRole.User, [new TextContent("look"), new DataContent(new byte[] { 1 }, "image/png"), new DataContent(new byte[] { 2 }, "audio/ogg")]),
        ];
        IEnumerable<ChatMessage> request = shape switch
        {
            "list" => messages,
            "array" => messages.ToArray(),
            "read-only list" => messages.AsReadOnly(),
            _ => messages.Select(m => m),
        };

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync(request));

        Assert.Equal("messages[1].Contents[2]", error.Parameter);
        Assert.Contains("cannot take audio/ogg content as data", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, inner.Calls);
    }

    [Fact]
    public async Task Content_check_lets_text_and_accepted_content_through()
    {
        var inner = FakeChatClient.Answering("p");
        using var client = new ContentCheckingChatClient(inner, "p", "openai", c => c is UriContent, "URLs");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("see"), new UriContent("https://example.com/a.png", "image/png")])]);

        Assert.Equal("answer from p", response.Text);
        Assert.Equal(1, inner.Calls);
    }
}
