using System.Runtime.InteropServices;

namespace ModelSync.Store.IO;

/// <summary>
/// The calls behind version pins (<see cref="VersionPin"/>, <see cref="VersionRemovalLock"/>) and the gate's
/// exec form: open a directory, flock it, compare the inode an fd has with the one a path names now, let an fd
/// survive execve, and execve with default signal dispositions and an empty signal mask. Linux only.
/// </summary>
internal static partial class PinNative
{
    public const int LockSh = 1;
    public const int LockEx = 2;
    public const int LockNb = 4;
    public const int LockUn = 8;

    private const int EIntr = 4;
    private const int EWouldBlock = 11; // EAGAIN on Linux

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FLock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatX(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    [LibraryImport("libc", EntryPoint = "sigprocmask")]
    private static unsafe partial int SigProcMask(int how, byte* set, byte* old);

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static unsafe partial int ExecVe(byte* path, byte** argv, byte** envp);

    /// <summary>open(O_RDONLY|O_DIRECTORY|O_CLOEXEC): an fd, or -errno.</summary>
    public static int OpenDirectory(string path)
    {
        var fd = Open(path, OpenFlags.Directory | OpenFlags.CloseOnExec);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    public static void Close(int fd) => _ = CloseNative(fd);

    /// <summary>flock(2) with <see cref="LockNb"/>: true when taken, false when another open file description
    /// holds a conflicting lock; throws on anything else.</summary>
    public static bool TryFlock(int fd, int operation)
    {
        while (true)
        {
            if (FLock(fd, operation | LockNb) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == EWouldBlock)
            {
                return false;
            }

            if (errno != EIntr)
            {
                throw new IOException($"flock failed (errno {errno}).");
            }
        }
    }

    public static void Unlock(int fd) => _ = FLock(fd, LockUn);

    /// <summary>(device, inode) of what <paramref name="fd"/> is open on, or of what <paramref name="path"/> names
    /// now (the final symlink not followed); null when it cannot be stat'ed.</summary>
    public static unsafe (ulong Device, ulong Inode)? Identity(int fd, string path)
    {
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const int AtEmptyPath = 0x1000;
        const uint StatxIno = 0x100;
        var buffer = stackalloc byte[256];
        var rc = fd >= 0 ? StatX(fd, "", AtEmptyPath, StatxIno, buffer) : StatX(AtFdCwd, path, AtSymlinkNoFollow, StatxIno, buffer);
        if (rc != 0 || (*(uint*)buffer & StatxIno) == 0)
        {
            return null;
        }

        return (((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140), *(ulong*)(buffer + 32));
    }

    /// <summary>Clears FD_CLOEXEC so the fd (and the lock on its open file description) survives execve.</summary>
    public static void KeepAcrossExec(int fd)
    {
        const int FSetFd = 2;
        if (Fcntl(fd, FSetFd, 0) != 0)
        {
            throw new IOException($"fcntl(F_SETFD) on fd {fd} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// execve(2) after resetting every signal to SIG_DFL (an ignored signal, such as the runtime's SIGPIPE,
    /// would otherwise stay ignored in the new program) and emptying the signal mask (a mask is inherited too).
    /// Returns the errno only when execve failed.
    /// </summary>
    public static unsafe int Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp)
    {
        var strings = new List<nint>();
        byte* Utf8(string s)
        {
            var p = Marshal.StringToCoTaskMemUTF8(s);
            strings.Add(p);
            return (byte*)p;
        }

        var args = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(nint));
        var env = (byte**)NativeMemory.AllocZeroed((nuint)(envp.Count + 1), (nuint)sizeof(nint));
        try
        {
            for (var i = 0; i < argv.Count; i++)
            {
                args[i] = Utf8(argv[i]);
            }

            for (var i = 0; i < envp.Count; i++)
            {
                env[i] = Utf8(envp[i]);
            }

            var file = Utf8(path);
            // Everything is allocated above: from here to execve no managed allocation happens. The runtime's own
            // signals (its thread-suspension one among them) are default for these few calls; the gate's other
            // threads are idle by now, so nothing is expected to raise them in this window.
            for (var signal = 1; signal <= 64; signal++)
            {
                // SIGKILL and SIGSTOP cannot be changed; 32 and 33 are glibc's own (it refuses them).
                if (signal is not (9 or 19 or 32 or 33))
                {
                    _ = Signal(signal, 0); // SIG_DFL
                }
            }

            var empty = stackalloc byte[128];
            new Span<byte>(empty, 128).Clear();
            _ = SigProcMask(2, empty, null); // SIG_SETMASK
            _ = ExecVe(file, args, env);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (var p in strings)
            {
                Marshal.FreeCoTaskMem(p);
            }

            NativeMemory.Free(args);
            NativeMemory.Free(env);
        }
    }
}

/// <summary>Replaces the gate with the service it guards (the gate's <c>-- CMD</c> form).</summary>
public static class ServiceExec
{
    /// <summary>execve(2) of <paramref name="path"/> with default signal dispositions and an empty signal mask;
    /// returns the errno only when it failed (on success it never returns).</summary>
    public static int Replace(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp) => PinNative.Exec(path, argv, envp);
}
