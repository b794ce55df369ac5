using System.Text;
using System.Text.Json;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Tests.Inventory;

/// <summary>
/// The gate's quick inventory reader must read exactly what the serializer reads, or give up: each case compares
/// the two through the serializer's own output (every field, nested records included).
/// </summary>
public sealed class InventoryQuickReaderTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 8, 1, 2, 3, TimeSpan.Zero);
    private readonly string root = Directory.CreateTempSubdirectory("quickinv-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static FileEntry[] Files(string prefix) =>
    [
        new() { Path = $"{prefix}config.json", Size = 758, Sha256 = new string('a', 64), Xxh128 = new string('b', 32), GitBlobSha1 = "c0ffee" },
        new() { Path = $"{prefix}onnx/model.onnx", Size = 0, Sha256 = null, Xxh128 = new string('d', 32) },
    ];

    private static readonly SignatureRecord Signature = new()
    {
        Method = "key", Signer = "key sha256:12", BundleSha256 = new string('e', 64), VerifiedAt = At, SignedFiles = 2, Subset = true, Ignored = [".gitattributes"],
    };

    /// <summary>Every field of every record the inventory holds, set at least once.</summary>
    private static StoreInventory Rich() => new()
    {
        Generation = 1_796_686_554_627,
        WrittenAt = At,
        Node = "node-a",
        Writer = new WriterInfo { Pid = 42, Host = "h", Mode = "run", StartedAt = At, HeartbeatAt = At, StoppedAt = At },
        Models =
        [
            new ModelEntry
            {
                Name = "finbert", Version = "v1", Source = "hf://org/finbert@main", State = ModelState.Ready, Path = "models/finbert/v1",
                Bytes = 758, ReadyAt = At, VerifiedAt = At, Files = Files(""), Signature = Signature, OnDemand = true,
            },
            new ModelEntry
            {
                Name = "minilm", Version = "v3", State = ModelState.Downloading, Bytes = 10,
                Progress = new ModelProgress(5, 10) { BytesPerSecond = 1.5, CurrentFile = "a.bin" },
                Previous = new PreviousVersion("v2", "models/minilm/v2", Files("old/")) { Signature = Signature },
                Error = new ModelError { Reason = "HttpStatus", Message = "503", Attempts = 2, NextRetryAt = At, File = "a.bin" },
                Failure = new FailureRecord { Passes = 3, BytesSpent = 99, Spec = "spec", NotBefore = At, Parked = new ParkedOn("ChecksumMismatch", At, "a.bin", null) },
            },
            new ModelEntry { Name = "empty", Version = "0", State = ModelState.Pending },
        ],
    };

    private static string Written(StoreInventory inventory) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(inventory, StoreJsonContext.Default.StoreInventory));

    [Fact]
    public void TryRead_InventoryAsWritten_ReadsWhatTheSerializerReads()
    {
        var json = Written(Rich());

        var quick = InventoryQuickReader.TryRead(Encoding.UTF8.GetBytes(json));

        Assert.NotNull(quick);
        Assert.Equal(json, Written(quick));
        Assert.Equal(Written(InventoryFile.Parse(Encoding.UTF8.GetBytes(json), "x").Inventory!), Written(quick));
    }

    [Theory]
    [InlineData("""{ "schemaVersion": 1, "models": [ { "name": "m", "version": "v", "files": [ { "path": "f" } ] } ] }""")]
    [InlineData("""{ "models": [ { "name": "m", "version": "v" } ] }""")]
    [InlineData("""{ }""")]
    public void TryRead_FieldsLeftOut_WhatTheSerializerMakesOfThem(string json)
    {
        var quick = InventoryQuickReader.TryRead(Encoding.UTF8.GetBytes(json));
        var parsed = JsonSerializer.Deserialize(json, StoreJsonContext.Default.StoreInventory)!;

        // The serializer leaves a field it did not see at default(T), not at the record's initializer.
        Assert.NotNull(quick);
        Assert.Equal((parsed.SchemaVersion, parsed.Generation, parsed.WrittenAt, parsed.Node, parsed.Writer), (quick.SchemaVersion, quick.Generation, quick.WrittenAt, quick.Node, quick.Writer));
        Assert.Equal(parsed.Models?.Count, quick.Models?.Count);
        for (var i = 0; i < (parsed.Models?.Count ?? 0); i++)
        {
            Assert.Equal(parsed.Models![i] with { Files = [] }, quick.Models![i] with { Files = [] });
            Assert.Equal(parsed.Models[i].Files?.Count, quick.Models[i].Files?.Count);
            Assert.Equal(parsed.Models[i].Files?.FirstOrDefault(), quick.Models[i].Files?.FirstOrDefault());
        }
    }

    [Theory]
    [InlineData("\"node\": \"node-a\"", "\"node\": \"node-a\", \"extra\": 1")] // a field this reader does not know
    [InlineData("\"name\": \"finbert\"", "\"name\": \"finbert\", \"name\": \"finbert\"")]
    [InlineData("\"name\": \"finbert\"", "\"name\": null")]
    [InlineData("\"name\": \"finbert\",", "")]
    [InlineData("\"path\": \"config.json\"", "\"path\": null")]
    [InlineData("\"size\": 758", "\"size\": \"758\"")]
    [InlineData("\"size\": 758", "\"size\": 758.5")]
    [InlineData("\"bytes\": 758", "\"bytes\": null")]
    [InlineData("\"onDemand\": true", "\"onDemand\": 1")]
    [InlineData("\"state\": \"Ready\"", "\"state\": \"Shiny\"")]
    [InlineData("\"readyAt\": \"2026-12-08T01:02:03+00:00\"", "\"readyAt\": \"yesterday\"")]
    [InlineData("\"generation\": 1796686554627", "\"generation\": 1796686554627 /* a comment */")]
    [InlineData("\"models\": [", "\"models\": null, \"x\": [")]
    [InlineData("\"signedFiles\": 2", "\"signedFiles\": \"2\"")]
    public void TryRead_DocumentNotAsWritten_GivesUpAndTheSerializerDecides(string from, string to)
    {
        var written = Written(Rich());
        Assert.Contains(from, written, StringComparison.Ordinal);
        var json = Encoding.UTF8.GetBytes(written.Replace(from, to, StringComparison.Ordinal));

        Assert.Null(InventoryQuickReader.TryRead(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{ \"models\": [] } {}")]
    [InlineData("{ \"models\": [], }")]
    public void TryRead_NotAnInventory_GivesUp(string json) => Assert.Null(InventoryQuickReader.TryRead(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("{ \"schemaVersion\": 2, \"models\": [] }")]
    [InlineData("{ \"models\": [ { \"name\": \"m\" } ] }")]
    [InlineData("{ \"models\": [")]
    [InlineData("{ \"models\": [], \"writer\": { \"pid\": \"x\" } }")]
    public void Read_Quick_SameResultAndWordsAsTheSerializer(string json)
    {
        var layout = new StoreLayout(root);
        File.WriteAllText(layout.InventoryPath, json);

        var quick = InventoryFile.Read(layout, quick: true);
        var parsed = InventoryFile.Read(layout);

        Assert.Null(quick.Inventory);
        Assert.Equal(parsed.Error, quick.Error);
    }
}
