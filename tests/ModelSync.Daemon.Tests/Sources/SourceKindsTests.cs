using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Manifest.Yaml;
using ModelSync.Daemon.Sources;

namespace ModelSync.Daemon.Tests.Sources;

/// <summary>A source kind is a plug-in: one registration adds its scheme, model keys, sync keys and resolver.</summary>
public sealed class SourceKindsTests
{
    private static SourceKinds WithGs() =>
        new ServiceCollection().AddSources().AddSingleton<ISourceKind, GsKind>().BuildServiceProvider().GetRequiredService<SourceKinds>();

    private static ManifestLoadResult Load(SourceKinds kinds, string yaml) =>
        ManifestLoader.LoadFromText(yaml.ReplaceLineEndings("\n"), "t.yaml", kinds.Syntax);

    [Fact]
    public void Create_TheDaemonsKinds_InRegistrationOrder() =>
        Assert.Equal(["HubKind", "OciKind", "S3Kind", "ListedKind"], SourceKinds.Create().All.Select(k => k.GetType().Name));

    [Fact]
    public void Load_RegisteredKind_ReadsItsSchemeModelKeysAndSyncKeys()
    {
        var result = Load(WithGs(), "sync:\n  gs: { project: p1 }\nmodels:\n  - name: m\n    source: gs://bucket/llm/\n    generation: \"7\"");

        Assert.Empty(result.Problems);
        var model = Assert.Single(result.Manifest!.Models);
        Assert.Equal(("gs://bucket/llm/", "gs://bucket/llm/#7", "gs://"), (model.Wanted, model.SourceKey, model.Source.ListedBy));
        Assert.Equal("p1", result.Manifest.Sync.Source<GsSettings>().Project);
        Assert.IsType<GsResolver>(WithGs().Registry(new SourcePass(result.Manifest.Sync, null!, TimeProvider.System, null!)).For(model));
    }

    [Fact]
    public void Load_RegisteredKindsKeyOnAListedModel_NamesTheKindThatTakesIt() =>
        Assert.Equal(
            ["t.yaml:5:17: models[0].generation: only with source: gs://..."],
            Load(WithGs(), "models:\n  - name: m\n    version: v1\n    files: [{ path: a, size: 1, url: http://h/a, sha256: " + new string('a', 64) + " }]\n    generation: \"7\"").Problems.Select(p => p.ToString()));

    [Fact]
    public void Load_UnregisteredScheme_TheFirstKindSaysWhatItExpects() =>
        Assert.StartsWith(
            "t.yaml:3:13: models[0].source: must be hf://ORG/REPO[@REVISION], got 'gs://bucket/llm/'",
            Assert.Single(Load(SourceKinds.Create(), "models:\n  - name: m\n    source: gs://bucket/llm/").Problems).ToString(),
            StringComparison.Ordinal);

    private sealed record GsSpec(string Url, string? Generation) : SourceSpec
    {
        public override string? Key => $"{Url}#{Generation}";

        public override string Written => Url;

        public override SourceIdentity Identity(SyncSettings sync) => new(JsonSerializer.Serialize(Key), []);
    }

    private sealed record GsSettings : SourceSettings
    {
        public string? Project { get; init; }
    }

    private sealed class GsResolver : ISourceResolver
    {
        public bool Handles(ModelSpec model) => model.Source is GsSpec;

        public string? SourceKey(ModelSpec model) => model.Source.Key;

        public string UnresolvedVersion(ModelSpec model) => "unresolved";

        public Task<ResolvedModel> ResolveAsync(ModelSpec model, CancellationToken ct) => throw new NotSupportedException();
    }

    private sealed class GsKind : ISourceKind
    {
        public IReadOnlyList<string> Schemes => ["gs://"];

        public IReadOnlyList<string> ModelKeys => ["generation"];

        public SourceSettings? ReadSettings(MappingReader sync)
        {
            var gs = sync.Mapping("gs");
            var settings = new GsSettings { Project = gs?.String("project") };
            gs?.ReportUnknownKeys();
            return settings;
        }

        public ModelSpec ReadModel(MappingReader m, string name, ModelReading reading)
        {
            var spec = new GsSpec(m.String("source")!, m.String("generation"));
            m.ReportUnknownKeys();
            return new ModelSpec { Name = name, Version = "", Source = spec, Files = [] };
        }

        public ISourceResolver Resolver(SourcePass pass) => new GsResolver();
    }
}
