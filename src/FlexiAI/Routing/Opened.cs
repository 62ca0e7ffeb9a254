namespace FlexiAI;

/// <summary>What the loop returns when an attempt went through: the provider, its gate passes, and the attempt's value (a response, or a stream that delivered its first update).</summary>
/// <typeparam name="T">The attempt's value.</typeparam>
internal sealed record Opened<T>(RoutedProvider Provider, int Index, GatePasses Passes, int Attempt, long Started, AttemptDeadline Deadline, T Value);
