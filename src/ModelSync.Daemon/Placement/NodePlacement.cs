using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Kubernetes;
using ModelSync.Daemon.Lifecycle;
using ModelSync.Daemon.Manifest;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Placement;

/// <summary>
/// Which models of the manifest this node keeps (docs/manifest.md, "Placement"), decided once per pass, and the
/// warm-node labels after it. A pass and its GC get the manifest cut to this node's models, so a model not for
/// this node costs no request and no byte, and one that stops matching goes at the next GC as a model removed from
/// the manifest does. Labels are asked for only when some model's placement needs them (or labels the node).
/// </summary>
/// <param name="labels">Null when there is no node name: nothing can be asked of the API.</param>
internal sealed partial class NodePlacement(string? node, NodeLabels? labels, OnDemandBook onDemand, TimeProvider time, ILogger<NodePlacement> logger)
{
    /// <summary>A read this young is used as it is; the refresh loop reads every <see cref="KubernetesDefaults.LabelRefresh"/>.</summary>
    public static readonly TimeSpan FreshEnough = TimeSpan.FromSeconds(5);

    private PlacementView? _view;
    private string? _labelNodeError;
    private IReadOnlyDictionary<string, string>? _decidedOn;

    public string? Node => node;

    public PlacementView? View => Volatile.Read(ref _view);

    /// <summary>The manifest with this node's models only; <paramref name="held"/> says whether the node has a model
    /// (kept when its labels cannot be read).</summary>
    public async Task<ModelManifest> ForThisNodeAsync(ModelManifest manifest, Func<string, bool> held, CancellationToken ct)
    {
        if (manifest.Models.All(m => m.Placement is null) && _view is null)
        {
            return manifest; // no placement anywhere, nothing decided yet: the pass as it always was
        }

        var read = labels is not null && manifest.Models.Any(m => m.Placement?.NeedsLabels == true)
            ? await labels.ReadAsync(FreshEnough, ct)
            : null;
        if (manifest.OnDemandModels is { Count: > 0 } onDemandModels)
        {
            var layout = new StoreLayout(manifest.Store.Root);
            onDemand.Open(layout);
            onDemand.PinsSeen(OnDemandPins.Look(layout, onDemandModels));
        }

        var view = Decide(manifest, read, held);
        Volatile.Write(ref _decidedOn, read?.Labels);
        Publish(manifest, view);
        var here = view.Models.Where(m => m.OnNode).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        return manifest with { Models = [.. manifest.Models.Where(m => here.Contains(m.Name))] };
    }

    /// <summary>What the rules say of <paramref name="model"/> on this node with the labels last read (a request's answer).</summary>
    public PlacementDecision Rules(ModelSpec model) => PlacementRules.Decide(model.Name, model.Placement, node, labels?.Last?.Labels);

    /// <summary>The manifest cut by the last decisions (readiness, a live gc); models decided on since are kept in.</summary>
    public ModelManifest Filter(ModelManifest manifest)
    {
        var off = View?.Models.Where(m => !m.OnNode).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        return off is not { Count: > 0 } ? manifest : manifest with { Models = [.. manifest.Models.Where(m => !off.Contains(m.Name))] };
    }

    /// <summary>Whether the labels <paramref name="read"/> would place some model otherwise than the last pass did
    /// (verdicts compared, not texts: an API that stays down changes nothing).</summary>
    public bool Changes(ModelManifest manifest, LabelRead read)
    {
        if (View is null)
        {
            return false;
        }

        var before = Volatile.Read(ref _decidedOn);
        return manifest.Models.Where(m => m.Placement?.NeedsLabels == true).Any(m =>
            PlacementRules.Decide(m.Name, m.Placement, node, before).Verdict != PlacementRules.Decide(m.Name, m.Placement, node, read.Labels).Verdict);
    }

    /// <summary>After a pass: <c>modelsync.io/&lt;model&gt;=ready</c> for each <c>labelNode</c> model Ready here, removed
    /// for the others; one merge patch at most, none when the node already says so.</summary>
    public async Task LabelNodeAsync(ModelManifest placed, ModelLifecycle lifecycle, CancellationToken ct)
    {
        var mine = labels?.Last?.Labels?.Keys.Any(k => k.StartsWith(KubernetesDefaults.LabelPrefix, StringComparison.Ordinal)) == true;
        if (labels is null || (!mine && placed.Models.All(m => m.Placement?.LabelNode != true)))
        {
            return;
        }

        var read = await labels.ReadAsync(FreshEnough, ct);
        if (read.Labels is not { } current)
        {
            _labelNodeError = read.Error;
            return;
        }

        var warm = placed.Models
            .Where(m => m.Placement?.LabelNode == true && lifecycle.Find(m.Name) is { State: ModelState.Ready })
            .Select(m => KubernetesDefaults.LabelPrefix + m.Name)
            .ToHashSet(StringComparer.Ordinal);
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in warm.Where(k => !current.TryGetValue(k, out var v) || v != KubernetesDefaults.ReadyValue))
        {
            changes[key] = KubernetesDefaults.ReadyValue;
        }

        // Only labels the daemon writes go: modelsync.io/<name>=ready for a model not Ready here (any more).
        foreach (var (key, value) in current.Where(p => p.Key.StartsWith(KubernetesDefaults.LabelPrefix, StringComparison.Ordinal) && p.Value == KubernetesDefaults.ReadyValue && !warm.Contains(p.Key)))
        {
            changes[key] = null;
        }

        _labelNodeError = changes.Count == 0 ? null : await labels.PatchAsync(changes, ct);
        if (View is { } view)
        {
            Volatile.Write(ref _view, view with { LabelNodeError = _labelNodeError });
        }
    }

    private PlacementView Decide(ModelManifest manifest, LabelRead? read, Func<string, bool> held) =>
        new(node, time.GetUtcNow(), [.. manifest.Models.Select(m => Decide(m, read, held))], read?.Labels is null ? null : read.At, read?.Error, _labelNodeError);

    private PlacedModel Decide(ModelSpec model, LabelRead? read, Func<string, bool> held)
    {
        var d = PlacementRules.Decide(model.Name, model.Placement, node, read?.Labels);
        if (d.Verdict == PlacementVerdict.Here && model.Placement is { OnDemand: true } spec)
        {
            return OnDemandRules.Decide(model.Name, spec, onDemand, time.GetUtcNow());
        }

        if (d.Verdict != PlacementVerdict.Unknown)
        {
            return new PlacedModel(model.Name, d.OnNode, d.Why);
        }

        // Never removed because its labels (or the node's name) are unknown; never fetched on a guess either.
        var kept = held(model.Name);
        var error = read?.Error is { } e ? $" ({e})" : "";
        return new PlacedModel(model.Name, kept, $"{d.Why}{error}; {(kept ? "kept as it is on this node" : "not fetched")}");
    }

    /// <summary>On-demand models the last decision took off this node for disuse (they were on it before).</summary>
    public int LeftForDisuse { get; private set; }

    private void Publish(ModelManifest manifest, PlacementView view)
    {
        var before = View;
        LeftForDisuse = view.Models.Count(m => m.Disused && before?.Models.FirstOrDefault(b => b.Name == m.Name) is { OnNode: true });
        Volatile.Write(ref _view, view);
        foreach (var m in view.Models.Where(m => before?.Models.FirstOrDefault(b => b.Name == m.Name) is not { } b || b.OnNode != m.OnNode || b.Why != m.Why))
        {
            Log.Placed(logger, m.Name, m.OnNode ? "on this node" : "not on this node", m.Why);
        }

        try
        {
            var layout = new StoreLayout(manifest.Store.Root);
            Directory.CreateDirectory(layout.StateDir);
            AtomicFile.WriteJson(PlacementView.PathIn(layout), view, PlacementJsonContext.Default.PlacementView);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.FileNotWritten(logger, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2704, LogLevel.Information, "{Model}: {Where} ({Why})")]
        public static partial void Placed(ILogger logger, string model, string where, string why);

        [LoggerMessage(2705, LogLevel.Warning, "placement.json not written ({Error}); the status verb shows no placement")]
        public static partial void FileNotWritten(ILogger logger, string error);
    }
}
