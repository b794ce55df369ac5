using System.Diagnostics;

namespace ModelSync.ReliabilityTests.Support;

/// <summary>A size-limited tmpfs mounted over a directory, so a test can fill a real filesystem to the
/// last byte. Needs root (CAP_SYS_ADMIN); <see cref="TmpfsFactAttribute"/> skips where mounting is refused.</summary>
internal sealed class Tmpfs : IDisposable
{
    private static readonly Lazy<string?> LazyUnavailable = new(Probe);

    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Null when tmpfs can be mounted here, else why not.</summary>
    public static string? Unavailable => LazyUnavailable.Value;

    public static Tmpfs Mount(string path, string size)
    {
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", path);
        return code == 0 ? new Tmpfs(path) : throw new InvalidOperationException($"mount tmpfs on {path}: {output}");
    }

    /// <summary>Writes <paramref name="name"/> until the filesystem refuses another byte, then gives back
    /// <paramref name="leave"/> bytes; returns its size.</summary>
    public long Fill(string name, long leave = 0)
    {
        var path = System.IO.Path.Combine(Path, name);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        for (var chunk = 1 << 20; chunk >= 512; chunk /= 2)
        {
            var buffer = new byte[chunk];
            try
            {
                while (true)
                {
                    stream.Write(buffer);
                }
            }
            catch (IOException)
            {
                // ENOSPC at this chunk size: go on with smaller ones until not even 512 bytes fit.
            }
        }

        stream.SetLength(Math.Max(0, stream.Length - leave));
        return stream.Length;
    }

    public void Dispose() => Run("umount", "-l", Path);

    private static string? Probe()
    {
        if (Environment.UserName != "root")
        {
            return $"mounting tmpfs needs root; running as {Environment.UserName}";
        }

        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelsync-tmpfs-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var (code, output) = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir);
            if (code != 0)
            {
                return $"mount -t tmpfs is not permitted here: {output.Trim()}";
            }

            Run("umount", dir);
            return null;
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

/// <summary>A fact that is skipped, saying why, where a tmpfs cannot be mounted.</summary>
internal sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
