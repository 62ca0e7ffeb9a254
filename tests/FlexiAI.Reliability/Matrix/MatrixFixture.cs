using Microsoft.Extensions.AI;
using FlexiAI.Emulator;
using FlexiAI.Reliability.Support;

namespace FlexiAI.Reliability.Matrix;

/// <summary>An emulator with one primary and its backup, warmed up, plus a canary sink for everything the cells print.</summary>
public abstract class MatrixFixture(string primary) : IAsyncLifetime
{
    public string Primary { get; } = primary;

    public EmulatorHost Host { get; private set; } = null!;

    public TextSink Canary { get; } = new(Emulated.Canaries);

    public MatrixRunner Runner { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var backup = Emulated.BackupOf(Primary);
        Host = await Emulated.StartAsync([(Primary, Primary), (backup, backup)]);
        Runner = new MatrixRunner(Host, Canary);

        // Warm up both SDKs (JIT, connection pools) so the short stall timeouts never race a cold start.
        var options = Emulated.FastOptions();
        options.Providers.Add(Emulated.Provider(Host, Primary, Primary, 1));
        options.Providers.Add(Emulated.Provider(Host, backup, backup, 2));
        using var client = new FlexiAIClient(options, Emulated.ClientOptions());
        foreach (var name in new[] { Primary, backup })
        {
            client.SetPrimaryProvider(name);
            await client.GetResponseAsync("warm up");
            await Emulated.ReadStreamAsync(client, "warm up");
        }
    }

    public async ValueTask DisposeAsync()
    {
        SuiteSummary.AddCanaryScan(Canary.Bytes, Canary.Hits);
        await Host.DisposeAsync();
    }
}

public sealed class OpenAIMatrixFixture() : MatrixFixture("openai");

public sealed class AnthropicMatrixFixture() : MatrixFixture("anthropic");

public sealed class VertexAIMatrixFixture() : MatrixFixture("vertexai");
