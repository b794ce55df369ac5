using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ModelSync.Daemon.IntegrationTests.Infrastructure;

/// <summary>What the server saw of one request, and how much of the body it managed to write.</summary>
public sealed class RecordedRequest
{
    public required DateTimeOffset At { get; init; }

    public required string Path { get; init; }

    public required string Host { get; init; }

    /// <summary>GET, or HEAD for the failure policy's cheap look at a source.</summary>
    public string Method { get; init; } = "GET";

    public string? Range { get; init; }

    public string? IfRange { get; init; }

    public string? Authorization { get; init; }

    public int Status { get; set; }

    private long _bytesSent;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    internal void AddSent(long bytes) => Interlocked.Add(ref _bytesSent, bytes);

    /// <summary>Start of <c>Range: bytes=N-</c> or <c>bytes=N-M</c>; null without a Range.</summary>
    public long? RangeStart => Range is { } r && RangeHeaderValue.TryParse(r, out var parsed) && parsed.Ranges.Count == 1
        ? parsed.Ranges.First().From
        : null;

    public override string ToString() =>
        $"{At:HH:mm:ss.fff} {Method} {Host}{Path} range={Range ?? "-"} if-range={IfRange ?? "-"} auth={(Authorization is null ? "-" : "yes")} -> {Status} ({BytesSent} bytes)";
}

/// <summary>A request as a scripted endpoint sees it: which attempt at this path it is, and helpers to answer.</summary>
public sealed class FaultRequest(HttpContext context, RecordedRequest record, int attempt)
{
    public HttpContext Context { get; } = context;

    public RecordedRequest Record { get; } = record;

    /// <summary>0 for the first request to this path, 1 for the second, ...</summary>
    public int Attempt { get; } = attempt;

    public HttpResponse Response => Context.Response;

    public CancellationToken Aborted => Context.RequestAborted;

    public Task Status(int code)
    {
        Response.StatusCode = code;
        return Task.CompletedTask;
    }

    /// <summary>Writes bytes and flushes, so they are on the wire before whatever the script does next.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        await Response.Body.WriteAsync(data, Aborted);
        await Response.Body.FlushAsync(Aborted);
        Record.AddSent(data.Length);
    }

    /// <summary>Serves <paramref name="content"/> like a static file server: ETag, single byte ranges,
    /// <c>If-Range</c> (a stale validator gets the whole file with 200). <paramref name="sendBytes"/> stops
    /// the body early (the caller then decides how the response ends); <paramref name="contentLength"/>
    /// lies about the length; <paramref name="throttle"/> waits 20 ms after each chunk of <paramref name="chunkSize"/>
    /// bytes; <paramref name="ignoreRange"/> answers every request with 200 and the whole body, as some servers do.</summary>
    public async Task ServeAsync(
        GeneratedOrBytes content,
        string? etag = null,
        long? sendBytes = null,
        long? contentLength = null,
        Func<bool>? throttle = null,
        int chunkSize = 1 << 20,
        bool ignoreRange = false)
    {
        var length = content.Length;
        long from = 0;
        var to = length - 1;
        var ifRangeOk = Record.IfRange is null || (etag is not null && Record.IfRange == etag);
        if (!ignoreRange && Record.Range is { } range && ifRangeOk && RangeHeaderValue.TryParse(range, out var parsed) && parsed.Ranges.Count == 1)
        {
            var r = parsed.Ranges.First();
            from = r.From ?? 0;
            to = Math.Min(r.To ?? length - 1, length - 1);
            if (from >= length)
            {
                Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                Response.Headers.ContentRange = $"bytes */{length}";
                return;
            }

            Response.StatusCode = StatusCodes.Status206PartialContent;
            Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {from}-{to}/{length}");
        }
        else
        {
            Response.StatusCode = StatusCodes.Status200OK;
        }

        Record.Status = Response.StatusCode;
        Response.Headers.AcceptRanges = "bytes";
        if (etag is not null)
        {
            Response.Headers.ETag = etag;
        }

        Response.ContentLength = contentLength ?? to - from + 1;
        if (HttpMethods.IsHead(Context.Request.Method))
        {
            return; // headers only, as a static file server answers HEAD
        }

        var end = sendBytes is { } limit ? Math.Min(to + 1, from + limit) : to + 1;
        var buffer = new byte[chunkSize];
        for (var offset = from; offset < end; offset += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, end - offset);
            content.Fill(offset, buffer.AsSpan(0, n));
            await WriteAsync(buffer.AsMemory(0, n));
            if (throttle?.Invoke() == true)
            {
                await Task.Delay(20, Aborted);
            }
        }
    }

    /// <summary>Drops the connection (RST) after a pause, so what was flushed reaches the client first.</summary>
    public async Task AbortAfterAsync(TimeSpan pause)
    {
        await Task.Delay(pause);
        Context.Abort();
    }
}

/// <summary>Either a byte array or a generated stream; both can fill any range.</summary>
public sealed class GeneratedOrBytes
{
    private readonly byte[]? _bytes;
    private readonly GeneratedContent? _generated;

    public GeneratedOrBytes(byte[] bytes) => _bytes = bytes;

    public GeneratedOrBytes(GeneratedContent generated) => _generated = generated;

    public long Length => _bytes?.LongLength ?? _generated!.Length;

    public void Fill(long offset, Span<byte> destination)
    {
        if (_bytes is not null)
        {
            _bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
        }
        else
        {
            _generated!.Fill(offset, destination);
        }
    }

    public static implicit operator GeneratedOrBytes(byte[] bytes) => new(bytes);

    public static implicit operator GeneratedOrBytes(GeneratedContent generated) => new(generated);
}

/// <summary>
/// An in-test Kestrel server on 127.0.0.1 with scripted endpoints. Each test claims its own path
/// prefix (<see cref="NewScope"/>), so one server serves every test of the collection.
/// </summary>
public sealed class FaultServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Func<FaultRequest, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private WebApplication? _app;
    private int _scopes;

    public int Port { get; private set; }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Origin => $"http://127.0.0.1:{Port}";

    /// <summary>The same server under another host name: another origin for the token rules.</summary>
    public string OtherHostOrigin => $"http://localhost:{Port}";

    /// <summary>The same server on a second loopback address: another host a proxy reaches by IP, with no
    /// name to resolve (a CDN behind a hub, for nginx following a redirect).</summary>
    public string SecondHostOrigin => $"http://{SecondHost}:{Port}";

    public const string SecondHost = "127.0.0.2";

    public async Task InitializeAsync()
    {
        // One port on both addresses; a port taken between probe and bind is tried again.
        for (var attempt = 1; ; attempt++)
        {
            var port = ModelSync.TestKit.Ports.Free();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}", $"http://{SecondHost}:{port}");
            builder.WebHost.ConfigureKestrel(k => k.Limits.MinResponseDataRate = null);
            var app = builder.Build();
            app.Run(HandleAsync);
            try
            {
                await app.StartAsync();
                _app = app;
                Port = port;
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A fresh path prefix like <c>/s7</c> for one test.</summary>
    public string NewScope() => $"/s{Interlocked.Increment(ref _scopes)}";

    public void Route(string path, Func<FaultRequest, Task> handler) => _routes[path] = handler;

    public IReadOnlyList<RecordedRequest> Requests(string pathPrefix) =>
        [.. _requests.Where(r => r.Path.StartsWith(pathPrefix + "/", StringComparison.Ordinal))];

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var record = new RecordedRequest
        {
            At = DateTimeOffset.UtcNow,
            Path = request.Path.Value ?? "",
            Host = request.Host.Value ?? "",
            Method = request.Method,
            Range = request.Headers.Range.FirstOrDefault(),
            IfRange = request.Headers.IfRange.FirstOrDefault(),
            Authorization = request.Headers.Authorization.FirstOrDefault(),
        };
        _requests.Enqueue(record);
        var attempt = _attempts.AddOrUpdate(record.Path, 0, (_, n) => n + 1);
        if (!_routes.TryGetValue(record.Path, out var handler))
        {
            record.Status = context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        try
        {
            await handler(new FaultRequest(context, record, attempt));
            if (record.Status == 0)
            {
                record.Status = context.Response.StatusCode;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away (it was killed, or gave up on a stall): part of the script.
            record.Status = record.Status == 0 ? -1 : record.Status;
        }
    }
}
