using System.Runtime.InteropServices;
using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Sources.Oci;

/// <summary>
/// Which manifest of an image index (or Docker manifest list) a model is: the only child when there is one;
/// else the first child without a platform (an artifact: a model is no binary); else the first for
/// <c>linux</c> on this node's architecture. Anything else fails the model, naming what the index holds.
/// The version is the chosen manifest's digest, so two nodes that chose the same bytes hold the same version.
/// </summary>
internal static class IndexChoice
{
    public static OciDescriptor Pick(OciManifest index, string where)
    {
        var children = (index.Manifests ?? [])
            .Where(c => c.MediaType is null or OciMediaTypes.ImageManifest or OciMediaTypes.DockerManifest)
            .ToList();
        var arch = NodeArchitecture();
        var chosen = children.Count == 1
            ? children[0]
            : children.FirstOrDefault(c => c.Platform is null)
                ?? children.FirstOrDefault(c => c.Platform is { Os: "linux" } p && p.Architecture == arch);
        return chosen ?? throw new DownloadException(FailureReason.SourceInvalid,
            $"{where} is an image index with no manifest to choose (one child, one without a platform, or linux/{arch}); it lists: "
            + (index.Manifests is { Count: > 0 } all ? string.Join(", ", all.Select(Describe)) : "nothing"), transient: false);
    }

    /// <summary>The architecture as OCI names it (GOARCH).</summary>
    public static string NodeArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static string Describe(OciDescriptor child) =>
        $"{child.Digest} ({child.MediaType ?? "no mediaType"}{(child.Platform is { } p ? $", {p.Os}/{p.Architecture}" : "")})";
}
