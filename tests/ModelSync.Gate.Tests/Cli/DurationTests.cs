using ModelSync.Gate.Cli;

namespace ModelSync.Gate.Tests.Cli;

/// <summary>Duration.cs is compiled into this project (see the csproj): pure parsing needs no process.</summary>
public sealed class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1m500ms", 60_500)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    public void TryParse_GoStyle_Parses(string text, long milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("1.5h")]
    [InlineData("-1s")]
    [InlineData(" 1s")]
    [InlineData("1234567h")]
    [InlineData("597h")] // over the ~24.8 days a single wait can take
    [InlineData("999999h999999h")]
    public void TryParse_Malformed_Fails(string? text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData(200, "200ms")]
    [InlineData(2_000, "2s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(90_000_000, "25h")]
    public void Format_Value_IsTheShortGoStyle(long milliseconds, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
