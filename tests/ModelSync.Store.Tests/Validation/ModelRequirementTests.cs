using ModelSync.Store.Validation;

namespace ModelSync.Store.Tests.Validation;

public sealed class ModelRequirementTests
{
    [Fact]
    public void ParseList_NamesAndPinnedVersions_AreParsed()
    {
        var list = ModelRequirement.ParseList(" finbert@2024-06, minilm ,,", out var error);

        Assert.Null(error);
        Assert.Equal([new ModelRequirement("finbert", "2024-06"), new ModelRequirement("minilm", null)], list);
        Assert.Equal("finbert@2024-06", list![0].ToString());
    }

    [Theory]
    [InlineData("FinBert")]
    [InlineData("finbert@")]
    [InlineData("finbert@..")]
    [InlineData("fin bert")]
    [InlineData("finbert@1/2")]
    [InlineData("-x")]
    public void ParseList_Malformed_ReturnsNullNamingTheItem(string item)
    {
        Assert.Null(ModelRequirement.ParseList($"ok,{item}", out var error));
        Assert.Contains($"'{item.Trim()}'", error, StringComparison.Ordinal);
    }
}
