using System.Diagnostics;

namespace ModelSync.TestKit;

/// <summary>
/// <c>MODELSYNC_TEST_EMULATOR</c>: a command line that native binaries under test are started under, e.g.
/// <c>qemu-aarch64-static -L /usr/aarch64-linux-gnu</c> to run the linux-arm64 gate and daemon on an x64
/// host (scripts/test.sh, scripts/arm64-check.sh). Unset: binaries start as they are.
/// </summary>
public static class Emulator
{
    public const string Variable = "MODELSYNC_TEST_EMULATOR";

    public static IReadOnlyList<string> Command { get; } =
        (Environment.GetEnvironmentVariable(Variable) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Starts <paramref name="binary"/> directly, or as the emulator's first argument after its own.</summary>
    public static ProcessStartInfo StartInfo(string binary)
    {
        if (Command.Count == 0)
        {
            return new ProcessStartInfo(binary);
        }

        var info = new ProcessStartInfo(Command[0]);
        foreach (var arg in Command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add(binary);
        return info;
    }
}
