using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ModelSync.Daemon.Logging;

public enum LogFormat
{
    Text,
    Json,
}

/// <summary>Serilog to stderr, so stdout stays for what a verb prints (tables, JSON).</summary>
internal static class LoggingSetup
{
    public static Serilog.Core.Logger Create(LogFormat format, LogEventLevel level = LogEventLevel.Information)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        return (format == LogFormat.Json
                ? config.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
                : config.WriteTo.Console(
                    outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: LogEventLevel.Verbose,
                    formatProvider: LogTextFormat.Instance))
            .CreateLogger();
    }
}
