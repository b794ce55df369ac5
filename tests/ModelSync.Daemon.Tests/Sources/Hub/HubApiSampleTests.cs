using System.Text.Json;
using ModelSync.Daemon.Sources.Hub;
using ModelSync.Store.Digests;

namespace ModelSync.Daemon.Tests.Sources.Hub;

/// <summary>The hub's own JSON (Sources/Hub/TestData) read as ModelSync reads it, and its git blob ids recomputed.</summary>
public sealed class HubApiSampleTests
{
    private static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Sources", "Hub", "TestData", name);

    private static HubTreeEntry Entry(string name) =>
        JsonSerializer.Deserialize(File.ReadAllText(Data(name)), HubJsonContext.Default.HubTreeEntry) ?? throw new InvalidOperationException(name);

    [Fact]
    public void TreeEntry_LfsFileFromTheHub_ContentSha256InLfsOidAndPointerBlobInOid()
    {
        var entry = Entry("tree-entry-lfs.json");

        Assert.Equal("file", entry.Type);
        Assert.Equal("face_yolov8n.pt", entry.Path);
        Assert.Equal("70b640f8f60b1cf0dcc72f30caf3da9495eb2fb6509da48c53374ad6806e6a9c", entry.Lfs?.Oid);
        Assert.Equal(6230011, entry.Lfs?.Size);
        // The top-level oid names the LFS pointer, not the content: git's blob id of those 132 bytes.
        Assert.Equal(entry.Oid, GitBlobId(File.ReadAllBytes(Data("lfs-pointer.txt"))));
    }

    [Fact]
    public void TreeEntry_PlainGitFile_OidIsTheGitBlobIdOfItsContent()
    {
        var entry = Entry("tree-entry-plain.json");
        var content = File.ReadAllBytes(Data("gitattributes.txt"));

        Assert.Null(entry.Lfs);
        Assert.Equal(content.Length, entry.Size);
        Assert.Equal(entry.Oid, GitBlobId(content));
    }

    [Fact]
    public void ModelInfo_FullRevisionDocument_CommitReadFromSha()
    {
        var info = JsonSerializer.Deserialize(File.ReadAllText(Data("model-info.json")), HubJsonContext.Default.HubModelInfo);

        Assert.Equal("COMMIT", info?.Sha);
        Assert.Equal("ORG/REPO", info?.Id);
    }

    /// <summary>Fed in odd-sized pieces, as a download delivers them.</summary>
    private static string GitBlobId(byte[] content)
    {
        using var digest = new ContentDigest(DigestKind.Xxh128, content.Length);
        for (var i = 0; i < content.Length; i += 7)
        {
            digest.Append(content.AsSpan(i, Math.Min(7, content.Length - i)));
        }

        return digest.Finish().GitBlobSha1!;
    }
}
