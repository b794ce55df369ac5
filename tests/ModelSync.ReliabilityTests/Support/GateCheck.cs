using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Inventory;
using Xunit.Abstractions;

namespace ModelSync.ReliabilityTests.Support;

/// <summary>The real AOT gate, as a service pod's init container would run it, once.</summary>
internal static class GateCheck
{
    /// <summary><c>--check --verify full</c> for <paramref name="requirements"/> (NAME or NAME@VERSION).</summary>
    public static GateResult CheckFull(ITestOutputHelper log, string root, IEnumerable<string> requirements) =>
        GateProcess.Run(log, ["--root", root, "--check", "--verify", "full", "--require", string.Join(',', requirements)]);

    /// <summary>What the inventory promises: a Ready entry exactly at its version, else its previous version
    /// (unpinned, as a gate that did not pin one passes on it). Null entries promise nothing.</summary>
    public static string? Promise(ModelEntry entry) =>
        entry.State == ModelState.Ready ? $"{entry.Name}@{entry.Version}"
        : entry.Previous is not null ? entry.Name
        : null;
}
