using System.Diagnostics;
using ModelSync.Gate.Tests.Support;
using ModelSync.Store.Tests.Support;
using ModelSync.TestKit;
using Xunit.Abstractions;

namespace ModelSync.Gate.Tests.Commands;

/// <summary><c>--install DIR</c> brings the gate's own C library along, so it runs in an image without one.</summary>
public sealed class InstallCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly StoreBuilder _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Install_ThenInARootWithNoLibc_WaitsPinsAndExecsTheService()
    {
        _store.WriteInventory(_store.Publish("m", "1", ("weights.bin", StoreBuilder.Bytes(100))));
        var gate = Path.Combine(_store.Root, "gate");
        Directory.CreateDirectory(gate);

        var install = GateProcess.Run(log, "--install", gate);

        Assert.Equal(0, install.ExitCode);
        Assert.True(File.Exists(Path.Combine(gate, "ModelSync.Gate")));
        if (Emulator.Command.Count > 0)
        {
            return; // what qemu-user shows of /proc/self/maps is its own business, and the root below would need it too
        }

        Assert.Contains(install.Stdout, l => l.StartsWith($"installed {gate}/ModelSync.Gate with ", StringComparison.Ordinal) && l.Contains("libc.so.6", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(gate, "ld.so")) && File.Exists(Path.Combine(gate, "libc.so.6")));

        // The store's root is the whole filesystem the service sees: no /lib, no /usr, no libc but the bundle's.
        Assert.False(Directory.Exists(Path.Combine(_store.Root, "lib")));
        string[] bundle = ["/gate/ld.so", "--library-path", "/gate", "/gate/ModelSync.Gate"];
        var start = new ProcessStartInfo("chroot") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[_store.Root, .. bundle, "--root", "/", "--require", "m", "--interval", "50ms", "--", .. bundle, "--check", "--root", "/", "--require", "m"])
        {
            start.ArgumentList.Add(arg);
        }

        using var run = Process.Start(start)!;
        var stdout = run.StandardOutput.ReadToEnd();
        var stderr = run.StandardError.ReadToEnd();
        run.WaitForExit();
        log.WriteLine(stdout + stderr);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("pinned m@1 (/models/m/1)", stdout, StringComparison.Ordinal);
        Assert.Contains("with 1 pin(s) held", stdout, StringComparison.Ordinal);
        Assert.Contains("valid: 1 of 1 model", stdout, StringComparison.Ordinal); // the service: another gate, checking
    }
}
