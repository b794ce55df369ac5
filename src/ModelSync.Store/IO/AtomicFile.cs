using System.Text.Json.Serialization.Metadata;

namespace ModelSync.Store.IO;

/// <summary>
/// Replaces a file so a reader sees the old content or the new, never a mix:
/// write a temp file beside it, fsync, rename over the target, fsync the directory.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var bytes = content.ToArray(); // small files only (a commit id, a pin list); JSON goes through WriteJson
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Serialized straight into the temporary file: a 2 MB inventory written every few hundred
    /// milliseconds no longer allocates a 2 MB array (large-object heap) per write.</summary>
    /// <param name="durable">False for a file that is only a hint, rewritten every few seconds (the live file):
    /// still replaced whole, but not fsynced; after a power cut it may be old or absent, never torn.</param>
    public static void WriteJson<T>(string path, T value, JsonTypeInfo<T> typeInfo, bool durable = true) =>
        Write(path, stream => System.Text.Json.JsonSerializer.Serialize(stream, value, typeInfo), durable);

    private static void Write(string path, Action<FileStream> content, bool durable = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))
            ?? throw new ArgumentException($"'{path}' has no parent directory.", nameof(path));
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                content(stream);
                stream.Flush(flushToDisk: durable);
            }

            File.Move(temp, path, overwrite: true);
            if (durable)
            {
                NativeMethods.FsyncDirectory(directory);
            }
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The temp name is unique; a leftover is harmless and GC removes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
