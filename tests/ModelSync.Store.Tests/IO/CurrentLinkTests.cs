using ModelSync.Store.IO;
using ModelSync.Store.Tests.Support;

namespace ModelSync.Store.Tests.IO;

public sealed class CurrentLinkTests
{
    [Fact]
    public void Switch_ThenRead_ReturnsVersionThroughARelativeLink()
    {
        using var store = new StoreBuilder();
        Directory.CreateDirectory(store.Layout.VersionDir("finbert", "2024-06"));

        CurrentLink.Switch(store.Layout, "finbert", "2024-06");

        Assert.Equal("2024-06", CurrentLink.Read(store.Layout, "finbert"));
        Assert.Equal("../models/finbert/2024-06", new FileInfo(store.Layout.CurrentLink("finbert")).LinkTarget);
        Assert.True(Directory.Exists(store.Layout.CurrentLink("finbert")));
    }

    [Fact]
    public void Switch_Again_ReplacesTheLinkAndLeavesNoTemp()
    {
        using var store = new StoreBuilder();
        CurrentLink.Switch(store.Layout, "finbert", "1");

        CurrentLink.Switch(store.Layout, "finbert", "2");

        Assert.Equal("2", CurrentLink.Read(store.Layout, "finbert"));
        Assert.Equal(["finbert"], Directory.GetFileSystemEntries(store.Layout.CurrentDir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("../models/other/1")]
    [InlineData("../models/finbert/1/sub")]
    [InlineData("../models/finbert/")]
    public void Read_ForeignTarget_ReturnsNull(string target)
    {
        using var store = new StoreBuilder();
        Directory.CreateDirectory(store.Layout.CurrentDir);
        File.CreateSymbolicLink(store.Layout.CurrentLink("finbert"), target);

        Assert.Null(CurrentLink.Read(store.Layout, "finbert"));
    }

    [Fact]
    public void Read_NoLinkOrPlainDirectory_ReturnsNull()
    {
        using var store = new StoreBuilder();
        Assert.Null(CurrentLink.Read(store.Layout, "finbert"));

        Directory.CreateDirectory(store.Layout.CurrentLink("finbert"));
        Assert.Null(CurrentLink.Read(store.Layout, "finbert"));
    }

    [Fact]
    public void Remove_Link_DeletesOnlyTheLink()
    {
        using var store = new StoreBuilder();
        store.Publish("finbert", "1", ("a", StoreBuilder.Bytes(1)));

        CurrentLink.Remove(store.Layout, "finbert");
        CurrentLink.Remove(store.Layout, "finbert");

        Assert.Null(CurrentLink.Read(store.Layout, "finbert"));
        Assert.True(File.Exists(store.FilePath("finbert", "1", "a")));
    }
}
