using System.Text;
using System.Text.Json;
using ModelSync.Store.Inventory;
using ModelSync.Store.Validation;

namespace ModelSync.Store.Tests.Validation;

/// <summary>
/// The quick marker match may only ever say yes where parsing the marker says yes: each case checks that, and
/// whether the match is sure, from the marker the daemon writes through every way a marker can differ.
/// </summary>
public sealed class MarkerMatchTests
{
    private const string Sha = "f0063a56bbc26ef5a771af7716033fa7dc630dd3c783ee035482291b380dc6c0";
    private const string Xxh = "6e23d0332ea09acafe9823f3d33cce8f";

    private static readonly FileEntry[] Files =
    [
        new() { Path = "config.json", Size = 758, Sha256 = Sha, Xxh128 = Xxh },
        new() { Path = "onnx/model.onnx", Size = 7000, Sha256 = Sha, Xxh128 = null },
    ];

    /// <summary>The marker as the daemon writes it (indented, camelCase), the source of every case.</summary>
    private static string Written() => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(
        new ModelMarker { Name = "finbert", Version = "v1", PublishedAt = DateTimeOffset.UnixEpoch, Files = Files },
        StoreJsonContext.Default.ModelMarker));

    /// <summary>Whether parsing the marker says it vouches: what the validator decides by.</summary>
    private static bool Parsed(string json, IReadOnlyList<FileEntry> files) =>
        MarkerFile.TryParse(Encoding.UTF8.GetBytes(json)) is { Name: "finbert", Version: "v1" } marker && marker.Lists(files);

    private static void AssertMatch(string json, bool expected, IReadOnlyList<FileEntry>? files = null)
    {
        files ??= Files;
        var quick = MarkerMatch.Vouches(Encoding.UTF8.GetBytes(json), "finbert", "v1", files);

        Assert.Equal(expected, quick);
        Assert.True(!quick || Parsed(json, files), "the quick match said yes where the parse says no");
    }

    [Fact]
    public void Vouches_MarkerAsWritten_Yes()
    {
        AssertMatch(Written(), true);
        Assert.Contains("\"xxh128\": null", Written(), StringComparison.Ordinal); // the null digest case below is real
    }

    [Theory]
    [InlineData("\"name\": \"finbert\"", "\"name\": \"finbert2\"")]
    [InlineData("\"version\": \"v1\"", "\"version\": \"v2\"")]
    [InlineData("\"size\": 758", "\"size\": 759")]
    [InlineData("\"size\": 758", "\"size\": 758.0")]
    [InlineData("\"size\": 758", "\"size\": \"758\"")]
    [InlineData("\"xxh128\": \"" + Xxh + "\"", "\"xxh128\": null")]
    [InlineData("\"xxh128\": \"" + Xxh + "\"", "\"xxh128\": \"00\"")]
    [InlineData("\"sha256\": \"" + Sha + "\",\n      \"xxh128\": \"" + Xxh + "\"", "\"xxh128\": \"" + Xxh + "\"")]
    [InlineData("\"path\": \"config.json\"", "\"path\": \"Config.json\"")]
    [InlineData("\"publishedAt\": \"1970-01-01T00:00:00+00:00\"", "\"publishedAt\": \"not a time\"")]
    [InlineData("\"publishedAt\": \"1970-01-01T00:00:00+00:00\"", "\"publishedAt\": 0")]
    [InlineData("\"schemaVersion\": 1", "\"schemaVersion\": \"1\"")]
    [InlineData("\"name\": \"finbert\"", "\"name\": null")]
    [InlineData("\"name\": \"finbert\",", "")]
    [InlineData("\"name\": \"finbert\"", "\"name\": \"finbert\", \"name\": \"finbert\"")]
    [InlineData("\"files\": [", "\"files\": null, \"x\": [")]
    [InlineData("{\n  \"schemaVersion\"", "// a comment\n{\n  \"schemaVersion\"")]
    [InlineData("\"schemaVersion\": 1,", "\"schemaVersion\": 1,,")]
    public void Vouches_MarkerThatDiffers_No(string from, string to)
    {
        var json = Written();
        Assert.Contains(from, json, StringComparison.Ordinal);

        AssertMatch(json.Replace(from, to, StringComparison.Ordinal), false);
    }

    [Fact]
    public void Vouches_TrailingContentAfterTheObject_No() => AssertMatch(Written() + "}", false);

    [Fact]
    public void Vouches_TruncatedMarker_No() => AssertMatch(Written()[..^10], false);

    [Fact]
    public void Vouches_InventoryListsAFileMoreOrLess_No()
    {
        AssertMatch(Written(), false, Files[..1]);
        AssertMatch(Written(), false, [.. Files, new FileEntry { Path = "extra", Size = 1 }]);
    }

    [Fact]
    public void Vouches_InventoryWithoutDigests_YesWhatTheMarkerCarriesBeyondIsNotCompared() =>
        AssertMatch(Written(), true, [.. Files.Select(f => f with { Sha256 = null, Xxh128 = null })]);

    [Fact]
    public void Vouches_GitBlobIdOnlyInTheMarker_Yes() =>
        AssertMatch(Written().Replace("\"size\": 758", "\"size\": 758, \"gitBlobSha1\": \"abc\"", StringComparison.Ordinal), true);

    [Fact]
    public void Vouches_GitBlobIdsThatDiffer_No() =>
        AssertMatch(Written().Replace("\"size\": 758", "\"size\": 758, \"gitBlobSha1\": \"abc\"", StringComparison.Ordinal), false,
            [Files[0] with { GitBlobSha1 = "def" }, Files[1]]);

    [Fact]
    public void Vouches_EscapedNameThatReadsTheSame_Yes() =>
        AssertMatch(Written().Replace("\"finbert\"", "\"fin\\u0062ert\"", StringComparison.Ordinal), true);

    [Theory]
    [InlineData("\"name\": \"finbert\"", "\"extra\": 1, \"name\": \"finbert\"")] // a property the daemon does not write
    [InlineData("\"name\": \"finbert\"", "\"signature\": null, \"name\": \"finbert\"")] // signed versions are parsed
    public void Vouches_MarkerNotAsTheDaemonWritesIt_NotSureThoughTheParseSaysYes(string from, string to)
    {
        var json = Written().Replace(from, to, StringComparison.Ordinal);

        AssertMatch(json, false);
        Assert.True(Parsed(json, Files));
    }

    [Fact]
    public void Vouches_FilesInAnotherOrder_NotSureThoughTheParseSaysYes()
    {
        AssertMatch(Written(), false, [Files[1], Files[0]]);
        Assert.True(Parsed(Written(), [Files[1], Files[0]]));
    }

    [Fact]
    public void Vouches_InventoryListingAPathTwice_No()
    {
        FileEntry[] twice = [Files[0], Files[0]];
        var json = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(
            new ModelMarker { Name = "finbert", Version = "v1", Files = twice }, StoreJsonContext.Default.ModelMarker));

        Assert.False(MarkerMatch.Vouches(Encoding.UTF8.GetBytes(json), "finbert", "v1", twice));
    }
}
