using System.Globalization;
using System.IO.Hashing;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads.Checksums;

/// <summary>S3's full-object CRC-32C or CRC-64/NVME. S3 sends them big-endian (base64); System.IO.Hashing
/// writes its bytes little-endian, so the value is compared as a number, printed big-endian.</summary>
internal sealed class CrcHash(SourceChecksum expected) : SourceHash(expected)
{
    private readonly Crc32? _crc32 = expected.Kind == SourceChecksumKind.Crc32C ? new Crc32(Crc32ParameterSet.Crc32C) : null;
    private readonly Crc64? _crc64 = expected.Kind == SourceChecksumKind.Crc64Nvme ? new Crc64(Crc64ParameterSet.Nvme) : null;

    public override void Append(ReadOnlySpan<byte> data)
    {
        _crc32?.Append(data);
        _crc64?.Append(data);
    }

    protected override string Finish() => _crc32 is not null
        ? _crc32.GetCurrentHashAsUInt32().ToString("x8", CultureInfo.InvariantCulture)
        : _crc64!.GetCurrentHashAsUInt64().ToString("x16", CultureInfo.InvariantCulture);
}
