using ModelSync.Store.Digests;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.Digests;

public sealed class FileHasherTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(FileHasher.BufferSize)]
    [InlineData((3 * FileHasher.BufferSize) + 17)]
    public void Hash_File_EqualsDigestOfItsBytes(int size)
    {
        using var store = new StoreBuilder();
        var path = Path.Combine(store.Root, "f.bin");
        var content = StoreBuilder.Bytes(size);
        File.WriteAllBytes(path, content);
        using var expected = new ContentDigest(DigestKind.Both);
        expected.Append(content);

        var actual = FileHasher.Hash(path, DigestKind.Both);

        Assert.Equal(expected.Finish(), actual);
        Assert.Equal(size, actual.Length);
    }

    [Fact]
    public void Hash_MissingFile_Throws()
    {
        using var store = new StoreBuilder();

        Assert.Throws<FileNotFoundException>(() => FileHasher.Hash(Path.Combine(store.Root, "nope"), DigestKind.Xxh128));
    }
}
