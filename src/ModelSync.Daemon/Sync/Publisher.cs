using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;
using ModelSync.Store.IO;
using ModelSync.Store.Layout;

namespace ModelSync.Daemon.Sync;

/// <summary>
/// Turns a verified staging directory into a published version: marker last, files read-only,
/// one rename into <c>models/</c>, then the <c>current</c> link flips. A reader sees all or nothing.
/// </summary>
internal static class Publisher
{
    /// <param name="signature">The verified signature, recorded in the marker; its bundle is kept beside it.</param>
    public static ModelMarker Publish(StoreLayout layout, ResolvedModel model, IReadOnlyList<FileEntry> files, DateTimeOffset now, Lock versionWrites,
        SignatureRecord? signature = null, byte[]? bundle = null)
    {
        var staging = layout.StagingDir(model.Name, model.Version);
        RemoveStrays(staging, files);

        // The daemon runs on Linux nodes; the guard only keeps the analyzer (and a dev build elsewhere) honest.
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in files)
            {
                File.SetUnixFileMode(Path.Combine(staging, file.Path), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }

        foreach (var dir in files.Select(f => Path.GetDirectoryName(Path.Combine(staging, f.Path))!).Distinct())
        {
            Durable.FsyncDirectory(dir);
        }

        if (bundle is not null)
        {
            File.WriteAllBytes(Path.Combine(staging, StoreLayout.SignatureFileName), bundle);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(staging, StoreLayout.SignatureFileName), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }

        var marker = new ModelMarker { Name = model.Name, Version = model.Version, Source = model.Source, PublishedAt = now, Files = files, Signature = signature };
        MarkerFile.Write(staging, marker);

        var target = layout.VersionDir(model.Name, model.Version);
        foreach (var dir in (string[])[layout.ModelsDir, layout.ModelDir(model.Name)])
        {
            if (new FileInfo(dir).LinkTarget is { } link)
            {
                // Renaming into it would publish outside the store; the gate refuses such a path anyway.
                throw new DownloadException(FailureReason.StorageError,
                    $"{Path.GetRelativePath(layout.Root, dir)} is a symlink to {link}, not a directory of the store; remove it to publish", transient: false);
            }
        }

        Directory.CreateDirectory(layout.ModelDir(model.Name));
        // Not while a condemnation writes this version's marker: it must land in the copy it checked.
        lock (versionWrites)
        {
            if (Directory.Exists(target))
            {
                // Same version, other content (the manifest changed it, or verify found the copy damaged): swap
                // in one step so current/<name> never points at nothing, then park the old copy for GC.
                // Moving a directory to another parent rewrites its "..", which needs the owner's rwx on it: a
                // person or a hardening chmod may have taken them from the old copy (readers never need them).
                // Not through a symlink planted as the version dir: that would chmod a directory outside the store
                // (the exchange then swaps the link itself out, as rename(2) does not follow it).
                if (!OperatingSystem.IsWindows() && new FileInfo(target).LinkTarget is null)
                {
                    File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                Durable.Exchange(staging, target);
                var trash = layout.ParkedCopy(model.Name, model.Version);
                Directory.CreateDirectory(Path.GetDirectoryName(trash)!);
                Directory.Move(staging, trash);
            }
            else
            {
                Directory.Move(staging, target);
            }
        }

        Durable.FsyncDirectory(layout.ModelDir(model.Name));
        CurrentLink.Switch(layout, model.Name, model.Version);
        return marker;
    }

    /// <summary>Only verified files are published: anything else staged (an earlier edit of the same
    /// version left it) is deleted, so the immutable version holds exactly what its marker lists.</summary>
    private static void RemoveStrays(string staging, IReadOnlyList<FileEntry> files)
    {
        var keep = files.Select(f => Path.Combine(staging, f.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Where(p => !keep.Contains(p)).ToList())
        {
            File.Delete(path);
        }
    }
}
