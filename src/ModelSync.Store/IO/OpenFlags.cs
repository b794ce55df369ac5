using System.Runtime.InteropServices;

namespace ModelSync.Store.IO;

/// <summary>
/// The open(2) flags the native calls pass. O_DIRECTORY and O_NOFOLLOW differ by architecture: x86_64 0x10000 and
/// 0x20000; arm64 and arm (asm-generic) 0x4000 and 0x8000, where 0x10000 is O_DIRECT. Only those two families are
/// known here (<see cref="Known"/>): ppc64le, for one, has other values still.
/// </summary>
public static class OpenFlags
{
    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;

    public static readonly int Directory = Arm ? 0x4000 : 0x10000;

    public static readonly int NoFollow = Arm ? 0x8000 : 0x20000;

    /// <summary>O_CLOEXEC, the same on x86_64 and arm64.</summary>
    public const int CloseOnExec = 0x80000;

    /// <summary>O_PATH, the same on x86_64 and arm64.</summary>
    public const int Path = 0x200000;

    /// <summary>The binaries ship for these (linux-x64, linux-arm64): where a wrong flag would silently follow a
    /// symlink, a look runs only on them and goes by path elsewhere.</summary>
    public static bool Known => RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;
}
