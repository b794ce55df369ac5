using Xunit;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

// xunit finds collection definitions only in the test assembly itself, so each suite using the kit's
// fixtures declares them; the names are the same in every suite.

[CollectionDefinition(Name)]
public sealed class NginxCollection : ICollectionFixture<NginxFixture>
{
    public const string Name = "nginx";
}

[CollectionDefinition(Name)]
public sealed class FaultServerCollection : ICollectionFixture<FaultServer>
{
    public const string Name = "fault server";
}

[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}
