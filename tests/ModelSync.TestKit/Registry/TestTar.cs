using System.Formats.Tar;
using System.IO.Compression;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>One entry of a test tar: a file with bytes, a directory, a link, or a special file.</summary>
public sealed record TarItem(string Name, TarEntryType Type, byte[]? Content = null, string? LinkName = null)
{
    public static TarItem File(string name, byte[] content) => new(name, TarEntryType.RegularFile, content);

    public static TarItem Dir(string name) => new(name, TarEntryType.Directory);

    public static TarItem Symlink(string name, string target) => new(name, TarEntryType.SymbolicLink, LinkName: target);
}

/// <summary>Tar layers as modctl and kit write them (PAX, gzip'd for <c>…tar+gzip</c>).</summary>
public static class TestTar
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static byte[] Tar(params TarItem[] items)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var item in items)
            {
                var entry = new PaxTarEntry(item.Type, item.Name) { Mode = item.Type == TarEntryType.Directory ? DirMode : FileMode };
                if (item.LinkName is not null)
                {
                    entry.LinkName = item.LinkName;
                }

                if (item.Content is not null)
                {
                    entry.DataStream = new MemoryStream(item.Content);
                }

                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    public static byte[] TarGz(params TarItem[] items)
    {
        var tar = Tar(items);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return buffer.ToArray();
    }
}
