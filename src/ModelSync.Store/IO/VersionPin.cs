using ModelSync.Store.Layout;

namespace ModelSync.Store.IO;

/// <summary>
/// A pin on a published version (docs/store-format.md, "Pins"): <c>flock(LOCK_SH)</c> on an open fd of
/// <c>models/&lt;name&gt;/&lt;version&gt;</c>. Taking one needs no write access, so it works through a read-only
/// mount; the kernel drops it when the last fd of that open file description closes, so any death of the holder
/// (SIGKILL included) releases it. The daemon takes <c>LOCK_EX|LOCK_NB</c> on the same directory before it
/// removes or renames it (<see cref="VersionRemovalLock"/>) and keeps the version when that fails.
/// </summary>
public sealed class VersionPin : IDisposable
{
    private const int Attempts = 20;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);
    private int _fd;

    private VersionPin(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    /// <summary>The pinned version directory, absolute.</summary>
    public string Path { get; }

    /// <summary>The fd holding the lock (for the gate's exec form, which lets it survive execve).</summary>
    public int Fd => _fd;

    /// <summary>
    /// Pins <paramref name="versionDir"/>; null when it is not (or no longer) a published version: missing, its
    /// marker missing, or it kept changing under the holder. The lock is tried without blocking and retried
    /// while the daemon holds its exclusive lock for a moment (probing it, or renaming it into trash).
    /// After locking, the holder checks that the path still names the inode it locked (the directory may have
    /// been renamed into trash between the open and the lock) and that the version's marker is there.
    /// </summary>
    public static VersionPin? TryTake(string versionDir, CancellationToken ct = default)
    {
        var path = System.IO.Path.GetFullPath(versionDir);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var fd = PinNative.OpenDirectory(path);
            if (fd < 0)
            {
                return null;
            }

            var locked = false;
            try
            {
                while (!(locked = PinNative.TryFlock(fd, PinNative.LockSh)))
                {
                    if (ct.WaitHandle.WaitOne(Pause))
                    {
                        ct.ThrowIfCancellationRequested();
                    }
                }

                var held = PinNative.Identity(fd, "");
                var now = PinNative.Identity(-1, path);
                if (held is not null && held == now && File.Exists(System.IO.Path.Combine(path, StoreLayout.MarkerFileName)))
                {
                    var pin = new VersionPin(fd, path);
                    fd = -1;
                    return pin;
                }

                if (now is null)
                {
                    return null; // gone (GC renamed it into trash before we locked)
                }
            }
            finally
            {
                if (fd >= 0)
                {
                    PinNative.Close(fd);
                }
            }

            if (locked && ct.WaitHandle.WaitOne(Pause))
            {
                ct.ThrowIfCancellationRequested();
            }
        }

        return null;
    }

    /// <summary>Lets the pin survive execve(2): the new program holds it until it exits.</summary>
    public void KeepAcrossExec() => PinNative.KeepAcrossExec(_fd);

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            PinNative.Close(fd); // closing the last fd of the open file description drops the flock
        }
    }
}

/// <summary>What <see cref="VersionRemovalLock.TryTake"/> found.</summary>
public enum RemovalLockState
{
    /// <summary>The exclusive lock is held: no pin exists and none can land until it is disposed.</summary>
    Locked,

    /// <summary>A holder has it pinned (<c>EWOULDBLOCK</c>): keep the version.</summary>
    Pinned,

    /// <summary>The directory is not there (or cannot be opened as one).</summary>
    Gone,
}

/// <summary>
/// The daemon's side of a pin: <c>flock(LOCK_EX|LOCK_NB)</c> on the version directory, held while it is renamed
/// into trash so no new pin lands between the check and the rename.
/// </summary>
public sealed class VersionRemovalLock : IDisposable
{
    private int _fd;

    private VersionRemovalLock(int fd) => _fd = fd;

    public static RemovalLockState TryTake(string versionDir, out VersionRemovalLock? held)
    {
        held = null;
        var fd = PinNative.OpenDirectory(versionDir);
        if (fd < 0)
        {
            return RemovalLockState.Gone;
        }

        bool locked;
        try
        {
            locked = PinNative.TryFlock(fd, PinNative.LockEx);
        }
        catch
        {
            PinNative.Close(fd);
            throw;
        }

        if (!locked)
        {
            PinNative.Close(fd);
            return RemovalLockState.Pinned;
        }

        held = new VersionRemovalLock(fd);
        return RemovalLockState.Locked;
    }

    /// <summary>Whether a holder pins <paramref name="versionDir"/> now: the exclusive lock is tried and dropped at
    /// once. False for a directory that is not there.</summary>
    public static bool IsPinned(string versionDir)
    {
        var state = TryTake(versionDir, out var held);
        held?.Dispose();
        return state == RemovalLockState.Pinned;
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            PinNative.Close(fd);
        }
    }
}
