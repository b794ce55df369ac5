using ModelSync.Store.Text;

namespace ModelSync.Store.Tests.Text;

/// <summary>The one duration grammar of the manifest and the gate's options (the daemon's error messages
/// are asserted verbatim: manifest problems quote them).</summary>
public sealed class DurationTextTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("500ms", 500L)]
    [InlineData("2s", 2_000L)]
    [InlineData("30s", 30_000L)]
    [InlineData("1.5s", 1_500L)]
    [InlineData("5m", 300_000L)]
    [InlineData("1h", 3_600_000L)]
    [InlineData("1h30m", 5_400_000L)]
    [InlineData("1m500ms", 60_500L)]
    [InlineData("1h2m3s4ms", 3_723_004L)]
    [InlineData("48h", 172_800_000L)]
    [InlineData("1.5h", 5_400_000L)] // the gate refused fractions before the grammars became one
    [InlineData(" 1s", 1_000L)] // surrounding blanks (an env var written with a space) are not part of the value
    public void TryParse_Valid_Milliseconds(string text, long ms)
    {
        Assert.True(DurationText.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(ms), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("10")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("5x")]
    [InlineData("5m5m")]
    [InlineData("999999h999999h")]
    [InlineData("30s1m")]
    [InlineData("h")]
    [InlineData("s")]
    [InlineData("1..5s")]
    public void TryParse_Invalid_ErrorNamesTheValue(string text)
    {
        Assert.False(DurationText.TryParse(text, out _, out var error));
        Assert.Equal($"must be a duration like 500ms, 30s, 5m or 1h30m, got '{text}'", error);
    }

    [Theory]
    [InlineData("1d", "days are not a unit: write 24h")]
    [InlineData("1.5d", "days are not a unit: write 36h")]
    [InlineData("7D", "days are not a unit: write 168h")]
    [InlineData("2w", "weeks are not a unit: write 336h")]
    public void TryParse_DaysOrWeeks_ErrorSaysTheHoursToWrite(string text, string hint)
    {
        Assert.False(DurationText.TryParse(text, out _, out var error));
        Assert.Equal($"must be a duration like 500ms, 30s, 5m or 1h30m, got '{text}'; {hint}", error);
    }

    [Fact]
    public void TryParse_Null_Refused()
    {
        Assert.False(DurationText.TryParse(null, out _, out var error));
        Assert.Equal("must be a duration like 500ms, 30s, 5m or 1h30m, got ''", error);
    }

    [Fact]
    public void TryParse_Huge_TooLarge()
    {
        Assert.False(DurationText.TryParse("99999999999h", out _, out var error));
        Assert.Equal("duration '99999999999h' is too large", error);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(200L, "200ms")]
    [InlineData(500L, "500ms")]
    [InlineData(2_000L, "2s")]
    [InlineData(90_000L, "1m30s")]
    [InlineData(5_400_000L, "1h30m")]
    [InlineData(90_000_000L, "25h")]
    [InlineData(90_061_001L, "25h1m1s1ms")]
    public void Format_RoundTrips(long ms, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromMilliseconds(ms)));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), DurationText.Parse(expected));
    }

    [Fact]
    public void Parse_Invalid_ThrowsWithTheMessage()
    {
        var e = Assert.Throws<FormatException>(() => DurationText.Parse("5m5m"));
        Assert.Equal("must be a duration like 500ms, 30s, 5m or 1h30m, got '5m5m'", e.Message);
    }
}
