using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Tests.Manifest;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("500ms", 500L)]
    [InlineData("30s", 30_000L)]
    [InlineData("1.5s", 1_500L)]
    [InlineData("5m", 300_000L)]
    [InlineData("1h30m", 5_400_000L)]
    [InlineData("1h2m3s4ms", 3_723_004L)]
    [InlineData("48h", 172_800_000L)]
    public void TryParse_Valid_Milliseconds(string text, long ms)
    {
        Assert.True(DurationText.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(ms), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("1d")]
    [InlineData("5m5m")]
    [InlineData("30s1m")]
    [InlineData("h")]
    [InlineData("1..5s")]
    public void TryParse_Invalid_ErrorNamesTheValue(string text)
    {
        Assert.False(DurationText.TryParse(text, out _, out var error));
        Assert.Equal($"must be a duration like 500ms, 30s, 5m or 1h30m, got '{text}'", error);
    }

    [Fact]
    public void TryParse_Huge_TooLarge()
    {
        Assert.False(DurationText.TryParse("99999999999h", out _, out var error));
        Assert.Equal("duration '99999999999h' is too large", error);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(500L, "500ms")]
    [InlineData(5_400_000L, "1h30m")]
    [InlineData(90_061_001L, "25h1m1s1ms")]
    public void Format_RoundTrips(long ms, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromMilliseconds(ms)));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), DurationText.Parse(expected));
    }
}
