namespace ModelSync.Daemon.Manifest.Directories;

/// <summary>
/// Reads a manifest directory as kubelet lays out a ConfigMap or projected volume: each key is a symlink
/// <c>NAME -> ..data/NAME</c>, <c>..data</c> a symlink to a timestamped directory (<c>..2026_12_07_...</c>)
/// that an update replaces by swapping <c>..data</c> atomically. Files are read from the one directory
/// <c>..data</c> resolved to, and the read is repeated if it was swapped meanwhile, so one look never mixes
/// two updates (a model moving between files is then seen in both or neither). Without <c>..data</c> (a
/// plain directory) the directory itself is read. Hidden entries (kubelet's own) and anything but
/// <c>*.yaml</c>/<c>*.yml</c> files are skipped; files are taken in ordinal name order.
/// </summary>
internal static class DirectoryListing
{
    public const string DataLink = "..data";

    private const int Attempts = 3;

    public static bool IsManifestFile(string name) =>
        !name.StartsWith('.')
        && (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));

    public static DirectoryRead Read(string directory)
    {
        for (var attempt = 1; ; attempt++)
        {
            var data = DataTarget(directory);
            var read = ReadOnce(directory, data ?? directory);
            // A swap during the read: read again from the new target. Past a few swaps in a row, keep the
            // last read; the next look (a swap always raises a watch event) settles it.
            if (attempt == Attempts || DataTarget(directory) == data)
            {
                return read;
            }
        }
    }

    /// <summary>The directory <c>..data</c> points to now; null when there is none (not a kubelet volume).</summary>
    private static string? DataTarget(string directory)
    {
        try
        {
            var link = new DirectoryInfo(Path.Combine(directory, DataLink));
            return link.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? (link.Exists ? link.FullName : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static DirectoryRead ReadOnce(string directory, string from)
    {
        string[] names;
        try
        {
            names = [.. Directory.EnumerateFiles(from).Select(p => Path.GetFileName(p)).Where(IsManifestFile).Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new DirectoryRead(directory, [], $"cannot list the manifest directory: {e.Message}");
        }

        var files = new List<ManifestInput>(names.Length);
        foreach (var name in names)
        {
            var path = Path.Combine(directory, name);
            try
            {
                files.Add(new ManifestInput(path, ManifestLoader.ReadBounded(Path.Combine(from, name)), null));
            }
            catch (FileNotFoundException)
            {
                // Listed, then gone (a dangling key link, a deletion): as if not listed.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                files.Add(new ManifestInput(path, null, e.Message));
            }
        }

        return new DirectoryRead(directory, files, null);
    }
}
