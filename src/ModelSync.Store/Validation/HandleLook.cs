using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Store.Validation;

/// <summary>
/// The quick look of <see cref="StoreValidator"/> in size mode: <c>models/</c> is opened once, each version
/// directory once beneath it, and its marker and files are looked at relative to that handle, never through a
/// symlink (<see cref="DirectoryHandle"/>). It only ever vouches: whatever it cannot confirm (a missing or
/// resized file, a link, an unreadable marker) the validator looks at again by path, which says why, so every
/// problem is found and worded as the path look alone words it.
/// </summary>
internal sealed class HandleLook : IDisposable
{
    private const string ModelsPrefix = StoreLayout.ModelsDirName + "/";
    private readonly DirectoryHandle models;
    private byte[] buffer = new byte[16 * 1024];

    private HandleLook(DirectoryHandle models) => this.models = models;

    /// <summary>Null when the store's <c>models/</c> cannot be opened as a real directory (missing, a symlink,
    /// not Linux): then every look is by path.</summary>
    public static HandleLook? Open(StoreLayout layout)
    {
        using var root = DirectoryHandle.Open(layout.Root);
        return root?.OpenBeneath(StoreLayout.ModelsDirName) is { } models ? new HandleLook(models) : null;
    }

    /// <summary>The version directory <paramref name="modelPath"/> (<c>models/NAME/VERSION</c>) names, when each
    /// of its segments is a real directory; else null.</summary>
    public DirectoryHandle? Version(string modelPath) =>
        modelPath.StartsWith(ModelsPrefix, StringComparison.Ordinal) ? models.OpenBeneath(modelPath[ModelsPrefix.Length..]) : null;

    /// <summary>The bytes of <paramref name="version"/>'s marker (valid until the next call), or false when it
    /// cannot be opened or read through the handle.</summary>
    public bool TryReadMarker(DirectoryHandle version, out ReadOnlySpan<byte> json)
    {
        var length = version.ReadFile(StoreLayout.MarkerFileName, ref buffer);
        json = length is { } read ? buffer.AsSpan(0, read) : default;
        return length is not null;
    }

    public void Dispose() => models.Dispose();
}
