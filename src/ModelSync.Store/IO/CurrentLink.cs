using ModelSync.Store.Layout;

namespace ModelSync.Store.IO;

/// <summary>The <c>current/&lt;name&gt;</c> symlinks: swapped by rename, so readers never see a missing link.</summary>
public static class CurrentLink
{
    public static void Switch(StoreLayout layout, string name, string version)
    {
        Directory.CreateDirectory(layout.CurrentDir);
        var link = layout.CurrentLink(name);
        var temp = Path.Combine(layout.CurrentDir, $".{name}.{Guid.NewGuid():N}.tmp");
        File.CreateSymbolicLink(temp, StoreLayout.CurrentLinkTarget(name, version));
        try
        {
            // rename(2) replaces the old link in one step. Not File.Move: it follows the link, sees a
            // directory and throws FileNotFoundException.
            NativeMethods.Rename(temp, link);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        NativeMethods.FsyncDirectory(layout.CurrentDir);
    }

    /// <summary>The version <c>current/&lt;name&gt;</c> points to, or null when there is no valid link.</summary>
    public static string? Read(StoreLayout layout, string name)
    {
        var info = new FileInfo(layout.CurrentLink(name));
        if (info.LinkTarget is not { } target)
        {
            return null;
        }

        var prefix = $"../{StoreLayout.ModelsDirName}/{name}/";
        if (!target.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var version = target[prefix.Length..];
        return version.Length == 0 || version.Contains('/', StringComparison.Ordinal) ? null : version;
    }

    public static void Remove(StoreLayout layout, string name)
    {
        var link = layout.CurrentLink(name);
        if (new FileInfo(link).LinkTarget is not null)
        {
            File.Delete(link);
            NativeMethods.FsyncDirectory(layout.CurrentDir);
        }
    }
}
