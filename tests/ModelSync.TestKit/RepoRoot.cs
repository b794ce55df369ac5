namespace ModelSync.TestKit;

/// <summary>The checkout the tests run from: the first directory above the test binaries holding
/// <c>ModelSync.sln</c>. Scripts, docs, deploy files and published binaries are found from here.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ModelSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no ModelSync.sln above {AppContext.BaseDirectory}");
    }
}
