using ModelSync.Store.Text;

namespace ModelSync.Store.Tests.Text;

public sealed class CountTextTests
{
    [Theory]
    [InlineData(0, "0 models")]
    [InlineData(1, "1 model")]
    [InlineData(2, "2 models")]
    public void Of_Count_SingularOnlyForOne(long count, string expected) =>
        Assert.Equal(expected, CountText.Of(count, "model"));

    [Fact]
    public void Of_IrregularPlural_Used() =>
        Assert.Equal("3 copies", CountText.Of(3, "copy", "copies"));
}
