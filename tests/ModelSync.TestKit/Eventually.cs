namespace ModelSync.TestKit;

/// <summary>Polls a condition. The timeout is only a safety net against hanging: no test asserts on time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what, Func<string>? diagnostics = null, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
            {
                last = ex;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"gave up waiting for {what}{(last is null ? "" : $" (last error: {last.Message})")}\n{diagnostics?.Invoke()}");
    }

    public static Task WaitAsync(Func<Task<bool>> probe, string what, Func<string>? diagnostics = null, TimeSpan? timeout = null) =>
        WaitAsync<object>(async () => await probe() ? new object() : null, what, diagnostics, timeout);

    public static Task WaitAsync(Func<bool> probe, string what, Func<string>? diagnostics = null, TimeSpan? timeout = null) =>
        WaitAsync(() => Task.FromResult(probe()), what, diagnostics, timeout);
}
