using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Tests.Manifest;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1000", 1000L)]
    [InlineData("1k", 1000L)]
    [InlineData("1Ki", 1024L)]
    [InlineData("512Mi", 512L << 20)]
    [InlineData("10Gi", 10L << 30)]
    [InlineData("2Ti", 2L << 40)]
    [InlineData("1M", 1_000_000L)]
    [InlineData("1G", 1_000_000_000L)]
    [InlineData("3T", 3_000_000_000_000L)]
    [InlineData("1.5Gi", 3L << 29)]
    [InlineData(" 7 ", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void TryParse_Valid_Bytes(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes, out var error), error);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("", "must be a size like 10Gi, 512Mi, 1G or 1000 (bytes), got ''")]
    [InlineData("-1", "must be a size like 10Gi, 512Mi, 1G or 1000 (bytes), got '-1'")]
    [InlineData("Gi", "must be a size like 10Gi, 512Mi, 1G or 1000 (bytes), got 'Gi'")]
    [InlineData("1..5G", "must be a size like 10Gi, 512Mi, 1G or 1000 (bytes), got '1..5G'")]
    [InlineData("1K", "unknown size unit 'K' in '1K': use Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000)")]
    [InlineData("1GiB", "unknown size unit 'GiB' in '1GiB': use Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000)")]
    [InlineData("1 Gi", "unknown size unit ' Gi' in '1 Gi': use Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000)")]
    [InlineData("0.5", "size '0.5' is not a whole number of bytes")]
    [InlineData("9223372036854775808", "size '9223372036854775808' is too large")]
    [InlineData("10000000Ti", "size '10000000Ti' is too large")]
    public void TryParse_Invalid_ErrorNamesTheValue(string text, string expected)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Parse_Invalid_ThrowsWithValue()
    {
        var e = Assert.Throws<FormatException>(() => ByteSize.Parse("lots"));
        Assert.Contains("'lots'", e.Message, StringComparison.Ordinal);
    }
}
