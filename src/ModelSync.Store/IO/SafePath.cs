namespace ModelSync.Store.IO;

/// <summary>
/// Resolves paths read from untrusted documents (inventory, markers, manifests) under a root, refusing
/// anything that could leave it: absolute paths, <c>..</c>, empty segments, and symlinks on the way.
/// </summary>
public static class SafePath
{
    /// <summary>Returns null when <paramref name="relative"/> is a safe relative path, else why not.</summary>
    public static string? CheckRelative(string? relative)
    {
        if (string.IsNullOrEmpty(relative))
        {
            return "path is empty";
        }

        if (relative.StartsWith('/') || relative.StartsWith('\\') || Path.IsPathRooted(relative))
        {
            return $"path '{relative}' is absolute";
        }

        if (relative.Contains('\0', StringComparison.Ordinal) || relative.Contains('\\', StringComparison.Ordinal))
        {
            return $"path '{relative}' contains a forbidden character";
        }

        // Split without allocating: the gate checks every file of every model with this.
        var rest = relative.AsSpan();
        foreach (var range in rest.Split('/'))
        {
            if (rest[range] is "" or "." or "..")
            {
                return $"path '{relative}' has a '{rest[range]}' segment";
            }
        }

        return null;
    }

    /// <summary>
    /// Joins <paramref name="relative"/> to <paramref name="root"/> and checks that no existing
    /// component below the root is a symlink, so what is read is really inside the store.
    /// </summary>
    /// <returns>The full path, or null with <paramref name="problem"/> set.</returns>
    public static string? Resolve(string root, string relative, out string? problem)
    {
        problem = CheckRelative(relative);
        if (problem is not null)
        {
            return null;
        }

        var current = root;
        foreach (var segment in relative.Split('/'))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                problem = $"path '{relative}' goes through a symlink at '{Path.GetRelativePath(root, current)}'";
                return null;
            }
        }

        return current;
    }
}
