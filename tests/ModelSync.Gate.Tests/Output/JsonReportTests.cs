using System.Text.Json;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Output;

public sealed class JsonReportTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Write_CheckJson_IsOneDocumentWithPerModelProblems()
    {
        _store.WriteInventory(
            _store.Publish("finbert", "2024-06", ("config.json", StoreBuilder.Bytes(10))),
            _store.Publish("minilm", "v2", ("m.bin", StoreBuilder.Bytes(10))));
        File.Delete(_store.FilePath("minilm", "v2", "m.bin"));

        var result = GateProcess.Run(log, ["--root", _store.Root, "--check", "--json", "--verify", "full"], null);

        Assert.Equal(1, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("valid").GetBoolean());
        Assert.Equal(_store.Root, root.GetProperty("root").GetString());
        Assert.Equal("full", root.GetProperty("verify").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        var models = root.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["finbert", "minilm"], models.Select(m => m.GetProperty("name").GetString()));
        Assert.True(models[0].GetProperty("valid").GetBoolean());
        Assert.Equal("2024-06", models[0].GetProperty("version").GetString());
        Assert.Equal("Ready", models[0].GetProperty("state").GetString());
        Assert.Empty(models[0].GetProperty("problems").EnumerateArray());
        var problem = Assert.Single(models[1].GetProperty("problems").EnumerateArray());
        Assert.Equal("FileMissing", problem.GetProperty("kind").GetString());
        Assert.Equal("m.bin", problem.GetProperty("file").GetString());
        Assert.Equal("missing", problem.GetProperty("message").GetString());
    }

    [Fact]
    public void Write_CheckJsonWithoutInventory_HasErrorAndExits3()
    {
        var result = GateProcess.Run(log, ["--root", _store.Root, "--check", "--json"], null);

        Assert.Equal(3, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.StartsWith("no inventory at ", doc.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(doc.RootElement.GetProperty("models").EnumerateArray());
    }
}
