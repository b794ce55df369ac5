using System.Diagnostics;

namespace ModelSync.TestKit;

/// <summary>
/// The daemon under test, for every suite that runs it as a process: <c>MODELSYNC_DAEMON_DIR</c>, else
/// the newest of <c>artifacts/daemon</c> (scripts/publish.sh: the Native AOT binary that ships) and the
/// daemon's own <c>bin/Release|Debug/net10.0</c> build, so a stale publish never hides a fresh build (or
/// the other way round). A native binary is started as it is (under <see cref="Emulator"/> if one is set);
/// a framework-dependent one as <c>dotnet ModelSync.Daemon.dll</c>.
/// </summary>
public static class DaemonBinary
{
    public const string DllName = "ModelSync.Daemon.dll";
    public const string NativeName = "ModelSync.Daemon";

    private static readonly Lazy<string> Located = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The native executable or the dll, whichever <see cref="StartInfo"/> will run.</summary>
    public static string Path => Located.Value;

    public static bool IsNative => !Path.EndsWith(".dll", StringComparison.Ordinal);

    /// <summary>How to start <paramref name="binary"/> (default <see cref="Path"/>, e.g. a copy of it) with <paramref name="args"/>.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? binary = null)
    {
        binary ??= Path;
        ProcessStartInfo info;
        if (binary.EndsWith(".dll", StringComparison.Ordinal))
        {
            info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
            info.ArgumentList.Add(binary);
        }
        else
        {
            info = Emulator.StartInfo(binary);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.UseShellExecute = false;
        return info;
    }

    /// <summary>The start of a shell command line that runs the daemon (for a tmux pane), each word quoted.</summary>
    public static string ShellCommand()
    {
        var info = StartInfo([]);
        return string.Join(' ', new[] { info.FileName }.Concat(info.ArgumentList).Select(w => "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
    }

    /// <summary>The verb of a start info made by <see cref="StartInfo"/>: the first argument after the binary, for log labels.</summary>
    public static string Verb(ProcessStartInfo info)
    {
        var args = info.ArgumentList;
        var binary = args.ToList().FindIndex(a => a == Path || a.EndsWith("/" + DllName, StringComparison.Ordinal) || a.EndsWith("/" + NativeName, StringComparison.Ordinal));
        return args.Skip(binary + 1).FirstOrDefault() ?? "";
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("MODELSYNC_DAEMON_DIR") is { Length: > 0 } dir)
        {
            return Runnable(System.IO.Path.Combine(dir, NativeName)) ?? Runnable(System.IO.Path.Combine(dir, DllName))
                ?? throw new InvalidOperationException($"MODELSYNC_DAEMON_DIR={dir} has neither a native {NativeName} nor a runnable {DllName}; run 'bash scripts/publish.sh' or unset it");
        }

        var bin = RepoRoot.Combine("src", "ModelSync.Daemon", "bin");
        string[] candidates =
        [
            RepoRoot.Combine("artifacts", "daemon", NativeName),
            RepoRoot.Combine("artifacts", "daemon", DllName),
            System.IO.Path.Combine(bin, "Release", "net10.0", DllName),
            System.IO.Path.Combine(bin, "Debug", "net10.0", DllName),
        ];
        var found = candidates.Select(Runnable).OfType<string>().OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        return found ?? throw new InvalidOperationException(
            $"no daemon binary found; looked for {string.Join(", ", candidates)}. Run 'bash scripts/publish.sh' "
            + "(or 'dotnet build src/ModelSync.Daemon'), or point MODELSYNC_DAEMON_DIR at a directory with " + NativeName);
    }

    /// <summary>
    /// A dll needs its runtimeconfig to start with 'dotnet'. A native binary has no dll beside it: the
    /// apphost of a framework-dependent build has the same name but is no AOT binary.
    /// </summary>
    private static string? Runnable(string file)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        return file.EndsWith(".dll", StringComparison.Ordinal)
            ? File.Exists(System.IO.Path.ChangeExtension(file, ".runtimeconfig.json")) ? file : null
            : File.Exists(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file)!, DllName)) ? null : file;
    }
}
