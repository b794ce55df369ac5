// The daemon, its store (symlinks, flock, file modes) and these tests are Linux-only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
