using ModelSync.Store.Inventory;
using ModelSync.Store.Text;

namespace ModelSync.Store.Tests.Text;

public sealed class ProgressTextTests
{
    [Fact]
    public void Line_WithRateAndFile_BytesPercentRateEtaAndFile()
    {
        var p = new ModelProgress(16L << 20, 64L << 20) { BytesPerSecond = 2 << 20, CurrentFile = "weights.bin" };

        Assert.Equal("16 MiB of 64 MiB (25.0%), 2 MiB/s, ETA 24s, weights.bin", ProgressText.Line(p));
    }

    [Fact]
    public void Line_WithoutRate_NoRateNoEta()
    {
        Assert.Equal("1 KiB of 2 KiB (50.0%)", ProgressText.Line(new ModelProgress(1024, 2048)));
        Assert.Equal(("-", "-"), (ProgressText.Rate(new ModelProgress(1, 2)), ProgressText.Eta(new ModelProgress(1, 2))));
    }

    [Fact]
    public void Stopped_KeepsBytesDropsRateAndFile()
    {
        var stopped = new ModelProgress(5, 10) { BytesPerSecond = 3, CurrentFile = "a" }.Stopped();

        Assert.Equal(new ModelProgress(5, 10), stopped);
    }
}
