namespace FlexiAI;

/// <summary>What the loop returns when an attempt went through: the provider, its gate passes, and the attempt's value (a response, or a stream that delivered its first update).</summary>
/// <remarks>A struct: the loop returns one per answered request, so it costs no allocation.</remarks>
/// <typeparam name="T">The attempt's value.</typeparam>
internal readonly record struct Opened<T>(RoutedProvider Provider, int Index, GatePasses Passes, int Attempt, long Started, AttemptDeadline Deadline, T Value);
