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

    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    public static StoreLock? TryAcquire(StoreLayout layout)
    {
        Directory.CreateDirectory(layout.StateDir);
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
        try
        {
            // Not a FileStream on the path: its shared flock would fail against the holder's exclusive one.
            using var stream = new FileStream(NativeMethods.OpenReadWithoutLock(layout.LockPath), FileAccess.Read, 1);
            using var reader = new StreamReader(stream);
            return reader.ReadLine();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
