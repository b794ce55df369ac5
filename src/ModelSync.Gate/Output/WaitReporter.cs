using ModelSync.Gate.Commands;

namespace ModelSync.Gate.Output;

/// <summary>
/// Decides when the wait prints: whenever what it waits for changes (a state, an error, a problem
/// list), or when a download moved by at least <see cref="ProgressStep"/> percentage points since the
/// line last printed for it. Polls that change nothing print nothing, so a 30-minute wait on a
/// 2 s interval writes a few dozen lines, not 900.
/// </summary>
internal sealed class WaitReporter
{
    public const int ProgressStep = 5;

    private readonly Dictionary<string, int> _printedPercent = new(StringComparer.Ordinal);
    private string? _printedKey;

    /// <summary>The line to print for this poll, or null when it would repeat the last one.</summary>
    public string? Next(ProbeResult probe)
    {
        var items = WaitStatus.Describe(probe);
        var key = string.Join('\n', items.Select(i => i.Key));
        var moved = items.Any(i => i.Percent is { } p
            && (!_printedPercent.TryGetValue(i.Label, out var last) || Math.Abs(p - last) >= ProgressStep));
        if (key == _printedKey && !moved)
        {
            return null;
        }

        _printedKey = key;
        _printedPercent.Clear();
        foreach (var item in items)
        {
            if (item.Percent is { } p)
            {
                _printedPercent[item.Label] = p;
            }
        }

        return WaitStatus.Line(items);
    }
}
