namespace FlexiAI.Redis.Tests.Fleet;

/// <summary>The fleet tests run one at a time over the same three host processes.</summary>
[CollectionDefinition(nameof(FleetTests))]
public sealed class FleetCollection : ICollectionFixture<FleetHosts>;
