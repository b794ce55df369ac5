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
    /// <param name="exclude">Events a verb reports otherwise (run's one-line bind failure), left out of the log.</param>
    public static Serilog.Core.Logger Create(LogFormat format, LogEventLevel level = LogEventLevel.Information, Func<LogEvent, bool>? exclude = null)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        if (exclude is not null)
        {
            config = config.Filter.ByExcluding(exclude);
        }

        return (format == LogFormat.Json
                ? config.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
                : config.WriteTo.Console(
                    outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: LogEventLevel.Verbose,
                    formatProvider: LogTextFormat.Instance))
            .CreateLogger();
    }
}
