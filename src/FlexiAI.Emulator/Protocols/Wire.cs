using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlexiAI.Emulator;

/// <summary>JSON output settings: escape only what JSON requires, as the providers do (<c>"</c> → <c>\"</c>, not <c>\u0022</c>).</summary>
internal static class Wire
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
