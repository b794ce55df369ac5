namespace ModelSync.Daemon.Sources;

/// <summary>How a resolved file's bytes become files of the version: as they are, or unpacked from a (gzip'd) tar.</summary>
internal enum LayerFormat
{
    Raw,
    Tar,
    TarGzip,
}

/// <summary>A fetched blob that is unpacked into the version, not published itself: <paramref name="Selected"/> says
/// which entries the model's include/exclude keep; <paramref name="Layer"/> names it in messages.</summary>
internal sealed record ArchiveUnpack(LayerFormat Format, Func<string, bool> Selected, string Layer);
