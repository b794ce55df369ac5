using Microsoft.Extensions.Logging;
using ModelSync.Daemon.Downloads;
using ModelSync.Daemon.Inventory;
using ModelSync.Daemon.Logging;
using ModelSync.Daemon.Manifest;
using ModelSync.Daemon.Sources;
using ModelSync.Store.Inventory;

namespace ModelSync.Daemon.Failures;

/// <summary>What the policy says before a model's pass: go, skip it, or resolve it and ask its source.</summary>
internal enum FailureGate
{
    Attempt,
    Skip,
    AskSource,
}

/// <summary>
/// Failure economics (docs/daemon.md, "Failure policy"): a failure retrying cannot change parks the model
/// until its manifest entry, its source's validator or an operator changes something; any other failure backs
/// the model off, exponentially with jitter up to <see cref="MaxBackoff"/>. The state lives in the inventory
/// (<see cref="FailureRecord"/>), so it survives a restart. Run mode enforces it; a one-shot <c>sync</c> is
/// an operator's explicit attempt and only records it.
/// </summary>
internal sealed class FailurePolicy(IInventoryReader inventory, SourceProbe probe, TimeProvider time, SyncSettings sync, bool enforce, ILogger logger, Random random)
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    /// <summary>The wait after <paramref name="passes"/> failed passes in a row: sync.interval doubled each
    /// time up to <see cref="MaxBackoff"/>, then scaled by a random 50–100 % so a fleet does not retry in step.</summary>
    public static TimeSpan Backoff(int passes, TimeSpan interval, double random)
    {
        var doubled = interval.TotalSeconds * Math.Pow(2, Math.Clamp(passes - 1, 0, 30));
        var capped = Math.Min(doubled, Math.Max(MaxBackoff.TotalSeconds, interval.TotalSeconds));
        return TimeSpan.FromSeconds(capped * (0.5 + (0.5 * random)));
    }

    public FailureGate Before(ModelSpec spec)
    {
        if (!enforce || inventory.Find(spec.Name) is not { State: ModelState.Failed, Failure: { } failure })
        {
            return FailureGate.Attempt;
        }

        if (failure.Spec != SpecFingerprint.Of(spec, sync))
        {
            Log.ModelFailureLifted(logger, spec.Name, "its manifest entry");
            return FailureGate.Attempt;
        }

        if (failure.Parked is { Validator: not null, File: not null })
        {
            return FailureGate.AskSource;
        }

        if (failure.NotBefore is { } notBefore && notBefore > time.GetUtcNow())
        {
            Log.ModelBackoffSkipped(logger, spec.Name, notBefore);
            return FailureGate.Skip;
        }

        return FailureGate.Attempt;
    }

    /// <summary>For a model parked on a validator: true when the resolved version, the file or its
    /// validator differs from when it was parked. A source that cannot answer now leaves it parked.</summary>
    public async Task<bool> SourceChangedAsync(ResolvedModel model, CancellationToken ct)
    {
        var entry = inventory.Find(model.Name);
        if (entry?.Failure?.Parked is not { Validator: { } was, File: { } path })
        {
            return true;
        }

        var file = model.Files.FirstOrDefault(f => f.Spec.Path == path);
        if (entry.Version != model.Version || file is null)
        {
            Log.ModelFailureLifted(logger, model.Name, $"the version its source resolves to ({model.Version})");
            return true;
        }

        var now = await probe.ValidatorAsync(file, ct);
        if (now is null || now == was)
        {
            Log.ModelStillParked(logger, model.Name, path, now ?? "no answer");
            return false;
        }

        Log.ModelFailureLifted(logger, model.Name, $"{path} at the source ({was} -> {now})");
        return true;
    }

    /// <summary>The failure record after a pass failed with <paramref name="error"/>; <paramref name="file"/> is
    /// the file it is about, if any, whose validator a parking records.</summary>
    public async Task<FailureRecord> RecordAsync(ModelSpec spec, string version, DownloadException error, ResolvedFile? file, long bytesSpent, CancellationToken ct)
    {
        var fingerprint = SpecFingerprint.Of(spec, sync);
        var streak = inventory.Find(spec.Name)?.Failure is { } known && known.Spec == fingerprint ? known : null;
        var now = time.GetUtcNow();
        var record = new FailureRecord
        {
            Passes = (streak?.Passes ?? 0) + 1,
            BytesSpent = (streak?.BytesSpent ?? 0) + bytesSpent,
            Spec = fingerprint,
        };
        record = record with { NotBefore = now + Backoff(record.Passes, sync.Interval, random.NextDouble()) };
        if (FailureKinds.Parks(error))
        {
            var validator = file is null ? null : await probe.ValidatorAsync(file, ct);
            record = record with
            {
                Parked = new ParkedOn(error.Reason.ToString(), streak?.Parked?.Since ?? now, file?.Spec.Path, validator),
                NotBefore = validator is null ? record.NotBefore : null,
            };
            Log.ModelParked(logger, spec.Name, version, error.Reason.ToString(), validator ?? $"no validator: backing off until {record.NotBefore:u}");
        }
        else if (error.Reason == FailureReason.InsufficientCapacity)
        {
            record = record with { NotBefore = null };
            Log.ModelWaitingForRoom(logger, spec.Name, version, record.Passes);
        }
        else if (error.Reason == FailureReason.VersionPinned)
        {
            record = record with { NotBefore = null };
            Log.ModelWaitingForPin(logger, spec.Name, version);
        }
        else
        {
            Log.ModelBackingOff(logger, spec.Name, version, record.Passes, record.NotBefore!.Value);
        }

        return record;
    }
}
