using ModelSync.Store.Validation;

namespace ModelSync.Store.Tests.Validation;

public sealed class NamesTests
{
    [Theory]
    [InlineData("finbert", true)]
    [InlineData("all-minilm-l6-v2", true)]
    [InlineData("a", true)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("A", false)]
    [InlineData("a.b", false)]
    [InlineData("", false)]
    public void IsDns1123Label_Value_MatchesKubernetesRule(string value, bool expected) =>
        Assert.Equal(expected, Names.IsDns1123Label(value));

    [Fact]
    public void IsDns1123Label_64Chars_IsTooLong() => Assert.False(Names.IsDns1123Label(new string('a', 64)));

    [Theory]
    [InlineData("2024-06", true)]
    [InlineData("v1.2_rc", true)]
    [InlineData(".hidden", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void IsVersion_Value_IsASafeDirectoryName(string value, bool expected) =>
        Assert.Equal(expected, Names.IsVersion(value));
}
