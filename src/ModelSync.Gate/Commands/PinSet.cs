using System.Globalization;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;
using ModelSync.Store.Validation;

namespace ModelSync.Gate.Commands;

/// <summary>One model's pin: the name the pod required and the version directory it holds.</summary>
internal sealed record ModelPin(string Name, string Version, VersionPin Pin);

/// <summary>The pins the gate holds (docs/store-format.md, "Pins"), one version per required model.</summary>
internal sealed class PinSet : IDisposable
{
    private readonly List<ModelPin> _pins = [];

    public IReadOnlyList<ModelPin> Pins => _pins;

    /// <summary>Pins the versions a valid report validated; false (and nothing more pinned) when one of them is
    /// no longer there, so the caller looks again.</summary>
    public bool TryAddValidated(StoreLayout layout, ValidationReport report, CancellationToken ct)
    {
        foreach (var check in report.Models)
        {
            if (_pins.Any(p => p.Name == check.Requirement.Name))
            {
                continue;
            }

            var version = check.ValidVersion ?? check.Entry?.Version;
            if (version is null || !TryAdd(layout, check.Requirement.Name, version, ct))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Pins <c>models/&lt;name&gt;/&lt;version&gt;</c>; false when it is not a published version now.</summary>
    public bool TryAdd(StoreLayout layout, string name, string version, CancellationToken ct)
    {
        if (VersionPin.TryTake(layout.VersionDir(name, version), ct) is not { } pin)
        {
            return false;
        }

        _pins.Add(new ModelPin(name, version, pin));
        return true;
    }

    /// <summary><c>MODELSYNC_PATH_&lt;NAME&gt;</c>: NAME upper-cased, <c>-</c> as <c>_</c>.</summary>
    public static string Variable(string name) =>
        "MODELSYNC_PATH_" + name.ToUpperInvariant().Replace('-', '_');

    /// <summary><c>MODELSYNC_REVISION_&lt;NAME&gt;</c>: the pinned commit of an <c>hf://</c> model, for services that
    /// load it through <c>HF_HUB_CACHE</c> (<c>from_pretrained(..., revision=...)</c>): the hub view's ref moves with
    /// <c>current</c>, the pinned commit's snapshot stays while the pin holds.</summary>
    public static string RevisionVariable(string name) =>
        "MODELSYNC_REVISION_" + name.ToUpperInvariant().Replace('-', '_');

    /// <summary>The commit a pinned <c>hf://</c> version is (its version); null for other sources.</summary>
    public static string? HubRevision(ModelPin pin) =>
        MarkerFile.TryRead(pin.Pin.Path) is { Source: { } source } && source.StartsWith("hf://", StringComparison.Ordinal) ? pin.Version : null;

    /// <summary>The <c>NAME=PATH</c> lines of a paths file.</summary>
    public string PathsText() =>
        string.Concat(_pins.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Pin.Path}\n")));

    /// <summary>Reads a paths file written by an earlier holder: name → version directory. Lines that are not
    /// <c>NAME=PATH</c> are skipped.</summary>
    public static Dictionary<string, string> ReadPaths(string file)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(file))
        {
            return paths;
        }

        foreach (var line in File.ReadAllLines(file))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && eq < line.Length - 1)
            {
                paths[line[..eq]] = line[(eq + 1)..];
            }
        }

        return paths;
    }

    public void Dispose()
    {
        foreach (var p in _pins)
        {
            p.Pin.Dispose();
        }

        _pins.Clear();
    }
}
