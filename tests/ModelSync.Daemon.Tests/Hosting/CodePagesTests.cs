using System.IO.MemoryMappedFiles;
using ModelSync.Daemon.Hosting;

namespace ModelSync.Daemon.Tests.Hosting;

public sealed class CodePagesTests
{
    [Fact]
    public void ReadOnlyFileMappings_ProcMapsLines_OnlyFilesNotWritable()
    {
        string[] maps =
        [
            "55d0c0a00000-55d0c0c00000 r--p 00000000 fd:01 1234   /app/ModelSync.Daemon",
            "55d0c0c00000-55d0c1800000 r-xp 00200000 fd:01 1234   /app/ModelSync.Daemon",
            "55d0c1800000-55d0c1900000 rw-p 00e00000 fd:01 1234   /app/ModelSync.Daemon",
            "7f00000a0000-7f00000b0000 r--s 00000000 fd:01 99     /var/lib/models/shard (deleted)",
            "55d0c2000000-55d0c2100000 rw-p 00000000 00:00 0      [heap]",
            "7f0000000000-7f0000080000 rw-p 00000000 00:00 0",
            "7ffd1000f000-7ffd10011000 r-xp 00000000 00:00 0      [vdso]",
            "7f00000c0000-7f00000d0000 ---p 00000000 fd:01 1234   /app/ModelSync.Daemon",
            "7f00000e0000-7f00000f0000 r--p 00000000 fd:01 77     /models/with space/a b.bin",
            "garbage",
        ];

        var found = CodePages.ReadOnlyFileMappings(maps);

        Assert.Equal(
            [(0x55d0c0a00000UL, 0x200000UL), (0x55d0c0c00000UL, 0xc00000UL), (0x7f00000a0000UL, 0x10000UL), (0x7f00000e0000UL, 0x10000UL)],
            found);
    }

    [Fact]
    public void PageOut_TouchedFileMapping_ItsPagesLeaveTheResidentSet()
    {
        var path = Path.Combine(DiskDirectory(), $"modelsync-codepages-{Guid.NewGuid():N}.bin");
        using var remove = new Removal(path);
        using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.Write(new byte[8 << 20].Select((_, i) => (byte)i).ToArray());
            file.Flush(flushToDisk: true);
        }

        using var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = mapped.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        var sum = 0;
        for (long offset = 0; offset < 8 << 20; offset += Environment.SystemPageSize)
        {
            sum += view.ReadByte(offset + 1);
        }

        // Only this mapping: the whole test host's would slow the tests running beside this one.
        var mine = CodePages.ReadOnlyFileMappings(File.ReadLines("/proc/self/maps").Where(line => line.EndsWith(path, StringComparison.Ordinal)));
        var before = ResidentKiB(path);
        var advised = CodePages.PageOut(mine);
        var after = ResidentKiB(path);

        Assert.Equal((8 << 20) / Environment.SystemPageSize, sum); // each page read: byte 1 of each holds 1
        Assert.True(before >= 7 << 10, $"the touched mapping is resident before: {before} KiB");
        Assert.True(advised >= 8 << 20, $"the mapping was advised: {advised} bytes");
        Assert.True(after < 1 << 10, $"after the page-out {after} KiB of the mapping's 8 MiB are still resident");
    }

    [Fact]
    public void ResidentBytes_ThisProcess_MatchesProcStatus()
    {
        var status = File.ReadLines("/proc/self/status").Single(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

        var resident = CodePages.ResidentBytes();

        // Two reads a moment apart in a process whose other tests allocate: close, not equal.
        Assert.InRange(resident, (kib << 10) / 2, (kib << 10) * 2);
    }

    /// <summary>
    /// A directory on a disk: a tmpfs page (the clean root's /tmp) lives in memory, and without swap no advice
    /// frees it. The test binaries' own directory first, then /var/tmp.
    /// </summary>
    private static string DiskDirectory()
    {
        string[] candidates = [AppContext.BaseDirectory, "/var/tmp"];
        return candidates.FirstOrDefault(dir => new DriveInfo(dir).DriveFormat is not ("tmpfs" or "ramfs"))
            ?? throw new InvalidOperationException($"none of {string.Join(", ", candidates)} is on a disk");
    }

    private sealed class Removal(string path) : IDisposable
    {
        public void Dispose() => File.Delete(path);
    }

    /// <summary>Rss of the mappings of <paramref name="path"/> in /proc/self/smaps.</summary>
    private static long ResidentKiB(string path)
    {
        long kib = 0;
        var inFile = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (!fields[0].EndsWith(':'))
            {
                inFile = line.EndsWith(path, StringComparison.Ordinal);
            }
            else if (inFile && fields[0] == "Rss:")
            {
                kib += long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return kib;
    }
}
