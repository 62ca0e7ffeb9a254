namespace FlexiAI;

/// <summary>Placeholder.</summary>
public static class Placeholder
{
}
