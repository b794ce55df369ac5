using ModelSync.Store.Layout;

namespace ModelSync.Store.IO;

/// <summary>
/// The single-writer lock on <c>.modelsync/lock</c>. On Unix, .NET takes <c>flock(LOCK_EX)</c> for
/// <see cref="FileShare.None"/>, so the lock dies with its process, even on SIGKILL.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private readonly FileStream _stream;

    private StoreLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, or returns null when another process holds it. A reader asking
    /// <see cref="IsHeld"/> holds a shared flock for microseconds; a few quick tries ride over that.</summary>
    public static StoreLock? TryAcquire(StoreLayout layout)
    {
        Directory.CreateDirectory(layout.StateDir);
        for (var attempt = 0; ; attempt++)
        {
            if (TryAcquireOnce(layout) is { } held)
            {
                return held;
            }

            if (attempt == 3 || IsHeld(layout) != false)
            {
                return null;
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>True while a writer holds the lock, false when it is free (its holder is gone), null when
    /// no writer ever created it. Reads only: safe from the gate on a read-only mount.</summary>
    public static bool? IsHeld(StoreLayout layout) => NativeMethods.IsFlockHeld(layout.LockPath);

    private static StoreLock? TryAcquireOnce(StoreLayout layout)
    {
        try
        {
            var stream = new FileStream(layout.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
            stream.Write(pid);
            stream.Flush();
            return new StoreLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The pid written by the holder, for error messages; null if unreadable.</summary>
    public static string? ReadHolder(StoreLayout layout)
    {
        // Not a FileStream: .NET takes flock(LOCK_SH) on every open, which the holder's LOCK_EX refuses,
        // so the pid could never be read while it matters.
        var bytes = NativeMethods.ReadPrefixWithoutLock(layout.LockPath, 64);
        if (bytes is null)
        {
            return null;
        }

        var text = System.Text.Encoding.ASCII.GetString(bytes);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? (text.Length == 0 ? null : text) : text[..newline];
    }

    public void Dispose() => _stream.Dispose();
}
