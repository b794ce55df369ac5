using ModelSync.Daemon.Downloads;

namespace ModelSync.Daemon.Tests.Downloads;

public sealed class OriginTests
{
    [Theory]
    [InlineData("https://hf.co/a", "https://hf.co/b", true)]
    [InlineData("https://hf.co/a", "https://HF.CO/b", true)]
    [InlineData("https://hf.co/a", "https://cdn.hf.co/b", false)]
    [InlineData("https://hf.co/a", "https://hf.co:8443/b", false)]
    [InlineData("https://hf.co/a", "http://hf.co/b", false)]
    [InlineData("http://127.0.0.1:80/a", "https://127.0.0.1:80/b", true)]
    public void MayCarryToken_Redirect_OnlySameOriginNoDowngrade(string origin, string target, bool expected) =>
        Assert.Equal(expected, Origin.MayCarryToken(new Uri(origin), new Uri(target)));

    [Theory]
    [InlineData("https://hf.co/a", "https://HF.CO/b", true)]
    [InlineData("https://hf.co", "http://hf.co:443", false)]
    [InlineData("http://127.0.0.1:80/a", "https://127.0.0.1:80/b", false)]
    [InlineData("https://hf.co/a", "https://hf.co:8443/b", false)]
    public void Same_SchemeHostAndPort_AllMustAgree(string a, string b, bool expected) =>
        Assert.Equal(expected, Origin.Same(new Uri(a), new Uri(b)));
}
