using FlexiAI.Reliability.Support;

[assembly: AssemblyFixture(typeof(SuiteSummaryFixture))]
