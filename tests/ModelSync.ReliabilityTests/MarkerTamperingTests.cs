using System.Text.Json.Nodes;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.ReliabilityTests.Support;
using ModelSync.Store.Inventory;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests;

/// <summary>
/// The marker is what vouches for a version. A damaged or edited one is not trusted: the gate refuses the
/// version, and the next sync downloads it again and swaps a good copy in. (A flipped byte in a published
/// file is <c>OpsTests.VerifyAndGcVerbTests.Verify_FlippedByte_ExitsOneAndMarksCorrupted_ThenRunRepairsIt</c>.)
/// </summary>
[Collection(FaultServerCollection.Name)]
public sealed class MarkerTamperingTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TestStore _store = new();
    private readonly PublishedModel _model;

    public MarkerTamperingTests(FaultServer server, ITestOutputHelper output)
    {
        _output = output;
        _model = new PublishedModel(server, _store, output);
    }

    public void Dispose() => _store.Dispose();

    public static TheoryData<string> Damage => ["garbage", "truncated", "deleted", "digest-edited", "other-version"];

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task GateAndSync_TamperedMarker_VersionNotTrustedThenDownloadedAgain(string damage)
    {
        var manifest = await _model.SyncAsync("v1");
        var markerPath = _store.Layout.MarkerPath("m", "v1");
        var good = File.ReadAllText(markerPath);
        File.SetUnixFileMode(markerPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        switch (damage)
        {
            case "deleted":
                File.Delete(markerPath);
                break;
            case "garbage":
                File.WriteAllText(markerPath, "{{{{");
                break;
            case "truncated":
                File.WriteAllText(markerPath, good[..(good.Length / 3)]);
                break;
            default:
                var json = JsonNode.Parse(good)!;
                if (damage == "digest-edited")
                {
                    json["files"]![0]!["xxh128"] = new string('0', 32);
                }
                else
                {
                    json["version"] = "v0";
                }

                File.WriteAllText(markerPath, json.ToJsonString());
                break;
        }

        var gate = GateCheck.CheckFull(_output, _store.Root, ["m"]);
        Assert.Equal(1, gate.ExitCode);
        Assert.Matches(@"(\.modelsync\.json|marker)", gate.Out);
        var requests = _model.Requests;

        var result = await DaemonRunner.SyncAsync(manifest, _output);

        Assert.Equal(0, result.ExitCode);
        Assert.True(_model.Requests > requests, "a version whose marker is not trusted must be downloaded again");
        _model.AssertReady("v1");
        Assert.Equal(ModelState.Ready, _store.Entry("m").State);
        Assert.Equal(0, GateCheck.CheckFull(_output, _store.Root, ["m@v1"]).ExitCode);
    }
}
