return await ModelSync.Daemon.Cli.DaemonCli.RunAsync(args);
