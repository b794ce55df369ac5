using System.Formats.Tar;
using System.IO.Compression;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Digests;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// Unpacks the verified tar layers of a model into its staging directory, so the version holds their files and
/// its marker lists each with sha256 and xxh128 (what the gate's <c>--verify full</c> checks). Each entry passes
/// <see cref="ArchiveEntryRules"/> first; one that does not fails the model, naming it. Links inside the version
/// are written as copies of their target: the store holds only files. Nothing is written but regular files below
/// staging, and no link is ever created.
/// </summary>
internal static class ArchiveUnpacker
{
    public static List<FileEntry> Unpack(string staging, IReadOnlyList<(ResolvedFile File, FileEntry Entry)> supplied, CancellationToken ct)
    {
        var entries = supplied.Where(s => s.File.Unpack is null).Select(s => s.Entry).ToList();
        var written = new Dictionary<string, FileEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            written[entry.Path] = entry;
        }

        foreach (var (file, _) in supplied.Where(s => s.File.Unpack is not null))
        {
            var archive = Path.Combine(staging, file.Spec.Path);
            var links = new List<(string Name, string Target, ArchiveUnpack Unpack)>();
            using (var stream = File.OpenRead(archive))
            using (var reader = new TarReader(file.Unpack!.Format == LayerFormat.TarGzip ? new GZipStream(stream, CompressionMode.Decompress) : stream))
            {
                while (Next(reader, file.Unpack) is { } tar)
                {
                    ct.ThrowIfCancellationRequested();
                    if (ArchiveEntryRules.Accept(tar, file.Unpack, written) is { } name)
                    {
                        if (tar.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                        {
                            links.Add((name, ArchiveEntryRules.LinkTarget(name, tar, file.Unpack), file.Unpack));
                        }
                        else
                        {
                            written[name] = Write(staging, name, tar, ct);
                        }
                    }
                }
            }

            foreach (var (name, target, unpack) in links)
            {
                var source = Follow(target, links, written) ?? throw ArchiveEntryRules.Refused(unpack, name, $"is a link to '{target}', which is no file of the version");
                var copy = Path.Combine(staging, name);
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Delete(copy);
                File.Copy(Path.Combine(staging, source.Path), copy);
                written[name] = source with { Path = name };
            }

            File.Delete(archive);
        }

        var layers = Path.Combine(staging, Sources.Oci.LayerFiles.LayerDir);
        if (Directory.Exists(layers) && !Directory.EnumerateFileSystemEntries(layers).Any())
        {
            Directory.Delete(layers);
        }

        return [.. written.Values];
    }

    private static TarEntry? Next(TarReader reader, ArchiveUnpack unpack)
    {
        try
        {
            return reader.GetNextEntry(copyData: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DownloadException(FailureReason.SourceInvalid, $"{unpack.Layer}: not a readable tar: {ex.Message}", transient: false);
        }
    }

    /// <summary>The file a (chain of) link(s) ends at; null when it ends at no file written.</summary>
    private static FileEntry? Follow(string target, List<(string Name, string Target, ArchiveUnpack Unpack)> links, Dictionary<string, FileEntry> written)
    {
        for (var hop = 0; hop < 40; hop++)
        {
            if (written.TryGetValue(target, out var file) && file.Path == target)
            {
                return file;
            }

            var next = links.FindIndex(l => l.Name == target);
            if (next < 0)
            {
                return null;
            }

            target = links[next].Target;
        }

        return null;
    }

    private static FileEntry Write(string staging, string name, TarEntry tar, CancellationToken ct)
    {
        var path = Path.Combine(staging, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A copy from an attempt cut short may be a hard link of a published file: never write into it.
        File.Delete(path);
        using var digest = new ContentDigest(DigestKind.Sha256 | DigestKind.Xxh128);
        using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            if (tar.DataStream is { } data)
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = data.Read(buffer)) > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    digest.Append(buffer.AsSpan(0, read));
                    output.Write(buffer, 0, read);
                }
            }

            output.Flush(flushToDisk: true);
        }

        var result = digest.Finish();
        return new FileEntry { Path = name, Size = result.Length, Sha256 = result.Sha256, Xxh128 = result.Xxh128 };
    }
}
