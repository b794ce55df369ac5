using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Commands;

/// <summary>The gate's <c>-- CMD</c> form: what the service finds in its environment (docs/gate.md).</summary>
public sealed class ExecCommandTests(ITestOutputHelper log) : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Exec_HubModel_ExportsItsPinnedPathAndRevision_OtherSourcesOnlyThePath()
    {
        _store.WriteInventory(
            _store.PublishFrom("hf://org/bert@main", "bert-base", Commit, ("config.json", StoreBuilder.Bytes(10))),
            _store.PublishFrom("https://models.example/w.bin", "rerank", "v1", ("w.bin", StoreBuilder.Bytes(20))));

        var result = GateProcess.Run(log, ["--root", _store.Root, "--require", "bert-base,rerank", "--interval", "50ms", "--",
            "/bin/sh", "-c", "echo \"path=$MODELSYNC_PATH_BERT_BASE rev=$MODELSYNC_REVISION_BERT_BASE other=${MODELSYNC_REVISION_RERANK-unset}\""], null);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"path={_store.Layout.VersionDir("bert-base", Commit)} rev={Commit} other=unset", result.Stdout);
    }
}
