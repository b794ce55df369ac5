using ModelSync.Store.Inventory;
using ModelSync.Store.Tests.Support;
using ModelSync.Store.Validation;

namespace ModelSync.Store.Tests.Validation;

/// <summary><c>requireSigned</c> (the gate's <c>--require-signed</c>): only a version the daemon verified a model signature for counts.</summary>
public sealed class StoreValidatorSignedTests
{
    private static readonly SignatureRecord Signed = new() { Method = "key", Signer = "key sha256:ab", BundleSha256 = "cd", SignedFiles = 1 };

    [Fact]
    public void Validate_RequireSignedAndAnUnsignedReadyVersion_NotValidSayingWhy()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("m", "1", ("w.bin", StoreBuilder.Bytes(10)));

        var report = StoreValidator.Validate(store.Layout, new StoreInventory { Models = [entry] }, null, VerifyMode.Size, requireSigned: true);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(ProblemKind.NotReady, problem.Kind);
        Assert.Equal("1 has no verified model signature (required: --require-signed); add a signature block to its manifest entry", problem.Message);
    }

    [Fact]
    public void Validate_RequireSignedAndASignedReadyVersion_Valid()
    {
        using var store = new StoreBuilder();
        var entry = store.Publish("m", "1", ("w.bin", StoreBuilder.Bytes(10))) with { Signature = Signed };

        var report = StoreValidator.Validate(store.Layout, new StoreInventory { Models = [entry] }, null, VerifyMode.Size, requireSigned: true);

        Assert.True(report.IsValid);
    }

    [Fact]
    public void Validate_RequireSignedWhileTheNextDownloads_OnlyASignedPreviousServes()
    {
        using var store = new StoreBuilder();
        var previous = store.Publish("m", "1", ("w.bin", StoreBuilder.Bytes(10)));
        var downloading = new ModelEntry { Name = "m", Version = "2", State = ModelState.Downloading, Previous = new PreviousVersion("1", previous.Path!, previous.Files) };

        var unsigned = StoreValidator.Validate(store.Layout, new StoreInventory { Models = [downloading] }, null, VerifyMode.Size, requireSigned: true);
        var signed = StoreValidator.Validate(store.Layout, new StoreInventory { Models = [downloading with { Previous = downloading.Previous! with { Signature = Signed } }] }, null, VerifyMode.Size, requireSigned: true);

        Assert.False(unsigned.IsValid);
        Assert.Equal("1", Assert.Single(signed.Models).ValidVersion);
    }
}
