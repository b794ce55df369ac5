using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Failures;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.Layout;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Tests.Failures;

/// <summary>
/// A parked model of every source kind is attempted at once when any field of its entry, a <c>sync</c> setting
/// its source reads, or the content of a credential file it names changes; and stays parked when nothing did.
/// </summary>
public sealed class SpecFingerprintTests : IDisposable
{
    private const string Sha = "0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e";
    private readonly string _dir = Directory.CreateTempSubdirectory("fingerprint-").FullName;

    public SpecFingerprintTests()
    {
        File.WriteAllText(Path.Combine(_dir, "token"), "secret-1");
        File.WriteAllText(Path.Combine(_dir, "config.json"), "{}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Dictionary<string, string> Baselines = new()
    {
        ["http"] = """
            models:
              - name: m
                version: "1"
                baseUrl: http://127.0.0.1:1/m/
                auth: { bearerTokenFile: DIR/token }
                files:
                  - { path: a.bin, size: 10, sha256: SHA }
            """,
        ["hf"] = """
            sync:
              hfEndpoint: http://127.0.0.1:1
            models:
              - name: m
                source: hf://org/repo@main
                include: ["*.json"]
                exclude: ["onnx/*"]
                auth: { bearerTokenFile: DIR/token }
            """,
        ["oci"] = """
            sync:
              insecureRegistries: ["127.0.0.1:5000"]
            models:
              - name: m
                source: oci://127.0.0.1:5000/models/bert:v1
                include: ["*.json"]
                exclude: ["*.onnx"]
                auth: { dockerConfigFile: DIR/config.json }
            """,
        ["s3"] = """
            sync:
              s3: { endpoint: "http://127.0.0.1:9000", region: eu-west-1, forcePathStyle: true }
            models:
              - name: m
                source: s3://models/llm/
                exclude: ["*.onnx"]
                digests:
                  - { path: config.json, sha256: SHA }
                verify: size
            """,
    };

    public static TheoryData<string, string, string> Edits => new()
    {
        { "http", "version", "version: \"2\"" },
        { "http", "baseUrl", "baseUrl: http://127.0.0.1:2/m/" },
        { "http", "auth", "auth: { bearerTokenFile: DIR/other-token }" },
        { "http", "path", "- { path: a.bin, size: 11, sha256: SHA }" },
        { "hf", "source", "source: hf://org/repo@v2" },
        { "hf", "include", "include: [\"*.bin\"]" },
        { "hf", "exclude", "exclude: [\"tf/*\"]" },
        { "hf", "hfEndpoint", "hfEndpoint: http://127.0.0.1:2" },
        { "oci", "source", "source: oci://127.0.0.1:5000/models/bert:v2" },
        { "oci", "include", "include: [\"*.bin\"]" },
        { "oci", "exclude", "exclude: [\"*.txt\"]" },
        { "oci", "auth", "auth: { dockerConfigFile: DIR/other.json }" },
        { "oci", "insecureRegistries", "insecureRegistries: [\"127.0.0.1:5001\"]" },
        { "s3", "source", "source: s3://models/llm-v2/" },
        { "s3", "source", "source: s3://other/llm/" },
        { "s3", "exclude", "exclude: [\"*.bin\"]" },
        { "s3", "path", "- { path: config.json, sha256: 1f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e0f1e }" },
        { "s3", "verify", "" },
        { "s3", "s3", "s3: { endpoint: \"http://127.0.0.1:9001\", region: eu-west-1, forcePathStyle: true }" },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void Before_ParkedModelWhoseFieldChanged_AttemptedAtOnce(string kind, string field, string editedLine)
    {
        var baseline = Baselines[kind];
        var lines = baseline.Split('\n');
        var at = Array.FindIndex(lines, l => l.TrimStart('-', ' ', '{').StartsWith(field + ":", StringComparison.Ordinal));
        Assert.True(at >= 0, $"{kind}: no line for {field}");
        var indent = lines[at][..(lines[at].Length - lines[at].TrimStart().Length)];
        lines[at] = editedLine.Length == 0 ? "" : indent + editedLine; // empty: the field is left out
        File.WriteAllText(Path.Combine(_dir, "other-token"), "secret-1");
        File.WriteAllText(Path.Combine(_dir, "other.json"), "{}");

        var inventory = ParkedOn(Load(baseline));

        Assert.Equal(FailureGate.Skip, Before(inventory, Load(baseline)));
        Assert.Equal(FailureGate.Attempt, Before(inventory, Load(string.Join('\n', lines))));
    }

    [Theory]
    [InlineData("http", "token")]
    [InlineData("hf", "token")]
    [InlineData("oci", "config.json")]
    public void Before_ParkedModelWhoseCredentialFileWasRewritten_AttemptedAtOnce(string kind, string file)
    {
        var inventory = ParkedOn(Load(Baselines[kind]));
        Assert.Equal(FailureGate.Skip, Before(inventory, Load(Baselines[kind])));

        File.WriteAllText(Path.Combine(_dir, file), "rotated");

        Assert.Equal(FailureGate.Attempt, Before(inventory, Load(Baselines[kind])));
    }

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    /// <summary>A pass's policy is made with the manifest in force, as the reconciler makes it.</summary>
    private FailureGate Before(InventoryState inventory, (ModelSpec Spec, SyncSettings Sync) model)
    {
        using var http = new HttpClient();
        var policy = new FailurePolicy(inventory, new SourceProbe(new HttpSource(http), TimeSpan.FromSeconds(1)), _time, model.Sync, enforce: true, NullLogger.Instance, new Random(7));
        return policy.Before(model.Spec);
    }

    private InventoryState ParkedOn((ModelSpec Spec, SyncSettings Sync) model)
    {
        var time = _time;
        var layout = new StoreLayout(Path.Combine(_dir, "store"));
        Directory.CreateDirectory(layout.Root);
        var inventory = new InventoryState(layout, "node", time, NullLogger<InventoryState>.Instance);
        var failure = new FailureRecord
        {
            Passes = 1,
            Spec = SpecFingerprint.Of(model.Spec, model.Sync),
            Parked = new ParkedOn("Unauthorized", time.GetUtcNow(), null, null),
            NotBefore = time.GetUtcNow() + TimeSpan.FromHours(1),
        };
        inventory.Set(ModelEntries.Failed("m", "1", null, 10, null, null, "Unauthorized", "denied", null, attempts: null, failure));
        return inventory;
    }

    private (ModelSpec Spec, SyncSettings Sync) Load(string yaml)
    {
        var text = $"store: {{ root: {_dir}/store }}\n" + yaml.Replace("DIR", _dir, StringComparison.Ordinal).Replace("SHA", Sha, StringComparison.Ordinal);
        var result = ManifestLoader.LoadFromText(text.ReplaceLineEndings("\n"), "t.yaml", SourceKinds.Create().Syntax);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return (result.Manifest!.Models[0], result.Manifest.Sync);
    }
}
