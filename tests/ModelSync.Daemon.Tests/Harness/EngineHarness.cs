using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ModelSync.Daemon.Content;
using ModelSync.Daemon.Hosting;
using ModelSync.Daemon.IntegrationTests.Infrastructure;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Daemon.Sync;

namespace ModelSync.Daemon.Tests.Harness;

/// <summary>
/// The engine in process, wired by the product's own composition root (<c>AddSyncEngine</c>): a temp store, the
/// real in-process Kestrel fault server, a <see cref="FakeTimeProvider"/> that a pass's retry waits step through,
/// and one <see cref="ModelLifecycle"/> kept across passes as a running daemon keeps it. Process tests are for the
/// CLI contract, exit codes, signals and crashes; the engine's behaviour is tested here.
/// </summary>
public sealed class EngineHarness : IDisposable
{
    private ModelLifecycle? _lifecycle;

    public EngineHarness(FaultServer server)
    {
        (Server, Scope) = (server, server.NewScope());
        Directory.CreateDirectory(Store.Root);
    }

    public FaultServer Server { get; }

    public string Scope { get; }

    public TestStore Store { get; } = new() { StallTimeout = "10m" };

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    /// <summary>The daemon's marker cache, kept across passes as <c>run</c> keeps it; replace it to play a restart.</summary>
    internal MarkerCache Markers { get; set; } = new();

    /// <summary>Every store change the passes raised: the models named, or null for "anything may have changed".</summary>
    internal List<IReadOnlyCollection<string>?> Raised { get; } = [];

    internal ModelLifecycle Lifecycle => _lifecycle ?? throw new InvalidOperationException("no pass ran yet");

    /// <summary>Requests the server saw for this harness's paths.</summary>
    public IReadOnlyList<RecordedRequest> Requests => Server.Requests(Scope);

    /// <summary>Serves <paramref name="files"/> under <c>SCOPE/VERSION/</c> (a script overrides a file's answer) and
    /// returns the model that lists them.</summary>
    public ManifestModel Serve(string name, string version, params (string Path, byte[] Bytes, Func<FaultRequest, Task>? Script)[] files)
    {
        foreach (var (path, bytes, script) in files)
        {
            Server.Route($"{Scope}/{name}/{version}/{path}", script ?? (r => r.ServeAsync(bytes, etag: $"\"{version}-{path}\"")));
        }

        return new ManifestModel(name, version, $"{Server.Origin}{Scope}/{name}/{version}/", [.. files.Select(f => ManifestFile.Of(f.Path, f.Bytes))]);
    }

    internal ModelManifest Load(params ManifestModel[] models)
    {
        var result = ManifestLoader.Load(Store.WriteManifest(models), SourceKinds.Create().Syntax);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Manifest!;
    }

    /// <summary>One pass, wired as <c>sync</c> and <c>run</c> wire it; the clock moves while it waits on retries.</summary>
    internal async Task<ReconcileResult> PassAsync(ModelManifest manifest, bool enforceFailurePolicy = false)
    {
        await using var provider = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(new Random(42))
            .AddSingleton(Markers)
            .AddSyncEngine(manifest, "node")
            .BuildServiceProvider();
        provider.GetRequiredService<StoreChanges>().Subscribe((_, models) =>
        {
            lock (Raised)
            {
                Raised.Add(models);
            }
        });
        _lifecycle ??= provider.GetRequiredService<Func<ModelLifecycle>>()();
        var reconciler = provider.GetRequiredService<Func<ModelLifecycle, Reconciler>>()(_lifecycle);
        var pass = reconciler.ReconcileAsync(manifest, CancellationToken.None, enforceFailurePolicy);
        while (!pass.IsCompleted)
        {
            await Task.WhenAny(pass, Task.Delay(20)); // pacing of the fake clock, not synchronisation
            Time.Advance(TimeSpan.FromMilliseconds(200));
        }

        return await pass;
    }

    /// <summary>A new process over the same store, as a second <c>sync</c> is: the next pass loads the inventory
    /// and knows no marker.</summary>
    internal void Restart()
    {
        _lifecycle = null;
        Markers = new MarkerCache();
    }

    public void Dispose() => Store.Dispose();
}
