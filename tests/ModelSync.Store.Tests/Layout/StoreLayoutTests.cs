using ModelSync.Store.Layout;

namespace ModelSync.Store.Tests.Layout;

public sealed class StoreLayoutTests
{
    [Fact]
    public void Paths_UnderRoot_FollowTheDocumentedLayout()
    {
        var layout = new StoreLayout("/srv/models/");

        Assert.Equal("/srv/models", layout.Root);
        Assert.Equal("/srv/models/inventory.json", layout.InventoryPath);
        Assert.Equal("/srv/models/models/finbert/2024-06", layout.VersionDir("finbert", "2024-06"));
        Assert.Equal("/srv/models/models/finbert/2024-06/.modelsync.json", layout.MarkerPath("finbert", "2024-06"));
        Assert.Equal("/srv/models/current/finbert", layout.CurrentLink("finbert"));
        Assert.Equal("/srv/models/.modelsync/staging/finbert/2024-06", layout.StagingDir("finbert", "2024-06"));
        Assert.Equal("/srv/models/.modelsync/lock", layout.LockPath);
    }

    [Fact]
    public void RelativePaths_ForInventoryAndLink_AreRelativeSoTheStoreCanMoveMounts()
    {
        Assert.Equal("models/finbert/2024-06", StoreLayout.VersionRelativePath("finbert", "2024-06"));
        Assert.Equal("../models/finbert/2024-06", StoreLayout.CurrentLinkTarget("finbert", "2024-06"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Constructor_EmptyRoot_Throws(string root) =>
        Assert.ThrowsAny<ArgumentException>(() => new StoreLayout(root));
}
