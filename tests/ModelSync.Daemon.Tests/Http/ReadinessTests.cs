using ModelSync.Daemon.Http;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Daemon.Sources.Hub;
using ModelSync.Daemon.Sources.Listed;

namespace ModelSync.Daemon.Tests.Http;

/// <summary>/readyz: every model of the manifest Ready at what the manifest asks for.</summary>
public sealed class ReadinessTests
{
    private const string Commit = "714eb0fa89d2f80546fda750413ed43d93601a13";
    private static readonly HubReference Hub = new("org/sentiment", "main");

    private static ModelManifest Manifest(params ModelSpec[] models) => new()
    {
        SourcePath = "m.yaml",
        Store = new StoreSettings { Root = "/s" },
        Sync = new SyncSettings(),
        Models = models,
    };

    private static ModelSpec Listed(string version) => new() { Name = "finbert", Version = version, Source = new ListedSpec(null, null), Files = [] };

    private static ModelSpec FromHub() => new() { Name = "sentiment", Version = "", Source = new HubSpec(Hub, null), Files = [] };

    private static StoreInventory Inventory(params ModelEntry[] entries) => new() { Models = entries };

    private static ModelEntry Ready(string name, string version, string? source = null) =>
        new() { Name = name, Version = version, Source = source, State = ModelState.Ready };

    [Fact]
    public void Check_ListedModelReadyAtItsVersion_Ready() =>
        Assert.Null(Readiness.Check(Manifest(Listed("v2")), Inventory(Ready("finbert", "v2"))));

    [Fact]
    public void Check_ListedModelReadyAtAnotherVersion_NotSyncedYet() =>
        Assert.Equal("finbert@v2: not synced yet", Readiness.Check(Manifest(Listed("v2")), Inventory(Ready("finbert", "v1"))));

    [Fact]
    public void Check_HubModelReadyAtACommitOfTheSameReference_Ready() =>
        Assert.Null(Readiness.Check(Manifest(FromHub()), Inventory(Ready("sentiment", Commit, Hub.ToString()))));

    [Fact]
    public void Check_HubModelReadyFromAnotherReference_NotSyncedYet() =>
        Assert.Equal(
            "sentiment@hf://org/sentiment@main: not synced yet",
            Readiness.Check(Manifest(FromHub()), Inventory(Ready("sentiment", Commit, "hf://org/sentiment@v1"))));

    [Fact]
    public void Check_FailedModel_NamesTheReason()
    {
        var failed = new ModelEntry { Name = "finbert", Version = "v2", State = ModelState.Failed, Error = new ModelError { Reason = "ChecksumMismatch", Message = "x" } };

        Assert.Equal("finbert@v2: Failed (ChecksumMismatch)", Readiness.Check(Manifest(Listed("v2")), Inventory(failed)));
    }

    [Fact]
    public void Check_NoInventoryYet_WaitingForTheLock() =>
        Assert.Equal("waiting for the store lock", Readiness.Check(Manifest(Listed("v2")), null));
}
