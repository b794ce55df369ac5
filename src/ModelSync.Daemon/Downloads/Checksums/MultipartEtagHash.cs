using System.Security.Cryptography;
using ModelSync.Daemon.Manifest;

namespace ModelSync.Daemon.Downloads.Checksums;

/// <summary>
/// S3's multipart ETag, <c>hex(MD5(MD5(part 1) ‖ … ‖ MD5(part N)))-N</c>: the bytes are cut where the upload
/// cut them (<see cref="SourceChecksum.PartSizes"/>), each part's MD5 is kept, and the MD5 of those is the value.
/// </summary>
internal sealed class MultipartEtagHash(SourceChecksum expected) : SourceHash(expected)
{
    private readonly IReadOnlyList<long> _parts = expected.PartSizes;
#pragma warning disable CA5351 // MD5 is what S3 put in the ETag: it is compared, not trusted for security.
    private readonly IncrementalHash _part = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
    private readonly List<byte> _partDigests = [];
    private int _index;
    private long _leftInPart = expected.PartSizes.Count > 0 ? expected.PartSizes[0] : 0;

    public override void Append(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_index >= _parts.Count)
            {
                // More bytes than the parts add up to: the value can only be wrong; counted so it is.
                _part.AppendData(data);
                _leftInPart = -1;
                return;
            }

            var take = (int)Math.Min(data.Length, _leftInPart);
            _part.AppendData(data[..take]);
            data = data[take..];
            _leftInPart -= take;
            if (_leftInPart == 0)
            {
                EndPart();
            }
        }
    }

    public override void Dispose() => _part.Dispose();

    protected override string Finish()
    {
        if (_index < _parts.Count && _leftInPart != _parts[_index])
        {
            EndPart(); // a short last part: the file was shorter than the parts say, so the value will differ
        }

        return $"{Convert.ToHexStringLower(MD5.HashData([.. _partDigests]))}-{_parts.Count}";
    }

    private void EndPart()
    {
        _partDigests.AddRange(_part.GetHashAndReset());
        _index++;
        _leftInPart = _index < _parts.Count ? _parts[_index] : 0;
    }
}
