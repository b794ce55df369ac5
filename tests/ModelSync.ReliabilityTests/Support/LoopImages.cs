using System.Diagnostics;

namespace ModelSync.ReliabilityTests.Support;

/// <summary>
/// A store on a loop-mounted ext4 or xfs image that itself lives on an XFS filesystem made with
/// <c>reflink=1</c> (also a loop image), so <see cref="Snapshot"/> (<c>cp --reflink=always</c>) is an atomic
/// copy of exactly what the store's loop device had been given: the page cache of the filesystem inside (data
/// written but not yet flushed to the device) is not in it, as after a power cut. Every loop device this
/// class attaches it detaches on dispose, even after a failure; it never touches one it did not attach.
/// </summary>
internal sealed class LoopImages : IDisposable
{
    private static readonly Lazy<string?> LazyUnavailable = new(Probe);
    private readonly List<string> _devices = [];
    private readonly List<string> _mounts = [];
    private readonly string _dir;
    private readonly string _fs;

    private LoopImages(string dir, string fs) => (_dir, _fs) = (dir, fs);

    /// <summary>Why loop images cannot be used here, or null.</summary>
    public static string? Unavailable => LazyUnavailable.Value;

    /// <summary>The image the store's filesystem is on (on the reflink host filesystem).</summary>
    public string StoreImage => Path.Combine(_dir, "host", "store.img");

    /// <summary>Makes the reflink host filesystem under <paramref name="dir"/> and a <paramref name="fs"/>
    /// (ext4 or xfs) store image on it, mounted at <paramref name="storeMount"/>.</summary>
    public static LoopImages Create(string dir, string fs, string storeMount)
    {
        var images = new LoopImages(dir, fs);
        try
        {
            var host = Path.Combine(dir, "host");
            Directory.CreateDirectory(host);
            var hostImage = Path.Combine(dir, "host.img");
            Sparse(hostImage, 4L << 30);
            Must("mkfs.xfs", "-q", "-m", "reflink=1", hostImage);
            images.Mount(hostImage, host, "xfs");
            Sparse(images.StoreImage, 320L << 20); // xfs needs 300 MB at least
            Must(fs == "xfs" ? "mkfs.xfs" : "mkfs.ext4", fs == "xfs" ? ["-q", images.StoreImage] : ["-q", "-F", images.StoreImage]);
            images.Mount(images.StoreImage, storeMount, fs);
            return images;
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    /// <summary>The power cut: an atomic reflink copy of the store's image as the device has it now.</summary>
    public string Snapshot(string name)
    {
        var copy = Path.Combine(_dir, "host", name + ".img");
        Must("cp", "--reflink=always", StoreImage, copy);
        return copy;
    }

    /// <summary>"Boots" a snapshot: its own loop device and mount, so the journal or log is replayed as at boot.</summary>
    public void MountSnapshot(string image, string mountPoint) => Mount(image, mountPoint, _fs);

    public void Unmount(string mountPoint)
    {
        if (_mounts.Remove(mountPoint))
        {
            Run("umount", mountPoint);
        }
    }

    public void Dispose()
    {
        // Innermost first: mounts in reverse order, then the devices this instance attached.
        for (var i = _mounts.Count - 1; i >= 0; i--)
        {
            if (Run("umount", _mounts[i]).Code != 0)
            {
                Run("umount", "-l", _mounts[i]);
            }
        }

        _mounts.Clear();
        for (var i = _devices.Count - 1; i >= 0; i--)
        {
            Run("losetup", "-d", _devices[i]);
        }

        _devices.Clear();
    }

    private void Mount(string image, string mountPoint, string fs)
    {
        Directory.CreateDirectory(mountPoint);
        var device = Must("losetup", "--find", "--show", image).Trim();
        _devices.Add(device);
        // A snapshot of a mounted xfs has the original's UUID; nouuid lets both be mounted.
        Must("mount", fs == "xfs" ? ["-t", "xfs", "-o", "nouuid", device, mountPoint] : ["-t", fs, device, mountPoint]);
        _mounts.Add(mountPoint);
    }

    private static void Sparse(string path, long size)
    {
        using var file = new FileStream(path, FileMode.CreateNew);
        file.SetLength(size);
    }

    private static string? Probe()
    {
        if (Environment.UserName != "root")
        {
            return $"loop devices need root; running as {Environment.UserName}";
        }

        foreach (var tool in (string[])["losetup", "mkfs.xfs", "mkfs.ext4", "cp"])
        {
            if (Run("sh", "-c", $"command -v {tool}").Code != 0)
            {
                return $"{tool} is not installed (scripts/install-deps.sh installs xfsprogs)";
            }
        }

        if (!File.Exists("/dev/loop-control"))
        {
            return "no /dev/loop-control: loop devices cannot be attached here (a container without them?)";
        }

        var dir = Path.Combine(Path.GetTempPath(), "modelsync-loop-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            using var probe = Create(dir, "ext4", Path.Combine(dir, "store"));
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return $"loop images cannot be made here: {ex.Message}";
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Must(string file, params string[] args)
    {
        var (code, output) = Run(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {code}: {output.Trim()}");
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}

/// <summary>A fact skipped, saying why, where loop images cannot be made (not root, no loop devices, no xfsprogs).</summary>
internal sealed class LoopImagesFactAttribute : FactAttribute
{
    public LoopImagesFactAttribute()
    {
        if (LoopImages.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
