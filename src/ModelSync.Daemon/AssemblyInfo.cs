// The daemon manages a Linux node's filesystem (symlinks, modes, flock): Linux only, by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
