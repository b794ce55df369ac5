using ModelSync.Gate.Cli;

namespace ModelSync.Gate.Commands;

/// <summary>
/// <c>--install DIR</c>: copies this executable to <c>DIR/ModelSync.Gate</c> together with the C library it runs
/// on (the dynamic loader as <c>DIR/ld.so</c>, and every shared object this process mapped: libc, libm), so a
/// service container whose image has another libc, or none, runs it as
/// <c>DIR/ld.so --library-path DIR DIR/ModelSync.Gate …</c> (docs/gate.md, "The gate in any image"). The
/// libraries are found in <c>/proc/self/maps</c>, so they are the ones this very build was loaded with, whatever
/// the image or the architecture. Every file goes in by temp file + rename. 0, or 1 with one line on stderr.
/// </summary>
internal static class InstallCommand
{
    public const string Loader = "ld.so";

    public static int Run(string dir)
    {
        try
        {
            var self = Environment.ProcessPath ?? throw new IOException("cannot tell this executable's path");
            var libraries = MappedLibraries();
            Copy(self, Path.Combine(dir, "ModelSync.Gate"));
            foreach (var library in libraries)
            {
                var name = Path.GetFileName(library);
                Copy(library, Path.Combine(dir, name));
                if (name.StartsWith("ld-", StringComparison.Ordinal))
                {
                    Copy(library, Path.Combine(dir, Loader));
                }
            }

            Console.Out.WriteLine($"installed {Path.Combine(dir, "ModelSync.Gate")} with {string.Join(", ", libraries.Select(Path.GetFileName))}");
            Console.Out.WriteLine($"run it in an image with glibc as {Path.Combine(dir, "ModelSync.Gate")}, in any other as {Path.Combine(dir, Loader)} --library-path {dir} {Path.Combine(dir, "ModelSync.Gate")}");
            return ExitCodes.Valid;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"ModelSync.Gate: --install {dir}: {ex.Message}");
            return ExitCodes.NotValid;
        }
    }

    /// <summary>The shared objects mapped into this process (<c>/proc/self/maps</c>: libc, libm, the loader).</summary>
    private static List<string> MappedLibraries() =>
        [.. File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..] : null)
            .OfType<string>()
            .Where(path => Path.GetFileName(path).Contains(".so", StringComparison.Ordinal) && File.Exists(path))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private static void Copy(string from, string to)
    {
        var temp = Path.Combine(Path.GetDirectoryName(to)!, $".{Path.GetFileName(to)}.{Environment.ProcessId}.tmp");
        File.Copy(from, temp, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        File.Move(temp, to, overwrite: true);
    }
}
