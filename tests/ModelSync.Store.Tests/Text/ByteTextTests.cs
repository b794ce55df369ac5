using ModelSync.Store.Text;

namespace ModelSync.Store.Tests.Text;

/// <summary>The one byte formatter of the daemon's messages and the gate's reports.</summary>
public sealed class ByteTextTests
{
    private const long GiB = 1L << 30;

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(10L, "10 B")]
    [InlineData(758L, "758 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1024L, "1 KiB")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(10L << 30, "10 GiB")]
    [InlineData(437992753L, "417.7 MiB")]
    [InlineData(1L << 50, "1 PiB")]
    [InlineData(-1536L, "-1.5 KiB")]
    public void Format_HumanUnits(long bytes, string expected) => Assert.Equal(expected, ByteText.Format(bytes));

    [Fact]
    public void Format_GateProgress_ReadsAsTheDocsShowIt()
    {
        Assert.Equal("1.2 GiB", ByteText.Format((long)(1.2 * GiB)));
        Assert.Equal("3.4 GiB", ByteText.Format((long)(3.4 * GiB)));
        Assert.Equal("1.41 GiB", ByteText.Format((long)(1.41 * GiB)));
    }
}
