namespace ModelSync.Store.Digests;

[Flags]
public enum DigestKind
{
    None = 0,
    Sha256 = 1,
    Xxh128 = 2,
    Both = Sha256 | Xxh128,
}

public static class DigestFormat
{
    public const int Sha256HexLength = 64;
    public const int Xxh128HexLength = 32;

    public static bool IsSha256(string? value) => Hex.IsLowerHex(value, Sha256HexLength);

    public static bool IsXxh128(string? value) => Hex.IsLowerHex(value, Xxh128HexLength);
}
