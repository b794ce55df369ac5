using System.Diagnostics;
using ModelSync.TestKit;
using Xunit;

namespace ModelSync.Deploy.Tests;

/// <summary>
/// deploy/k3s-models.sh on overlays that change the daemon part of the base (issue 27, item 1):
/// <c>validate</c> lints the manifest of the ConfigMap each daemon DaemonSet of the rendered overlay
/// mounts, and <c>status</c>/<c>setup --wait-models</c> find the daemon pods by the base-owned label,
/// whatever the DaemonSets are called. There is no API server here: the cluster part runs against a
/// stub kubectl (offline verbs go to the real one) that records its calls and knows a few pods.
/// </summary>
public sealed class K3sModelsScriptTests : IDisposable
{
    private const string Script = "deploy/k3s-models.sh";

    /// <summary>The base's manifest with one error, at line 13, column 16.</summary>
    private static readonly string Broken = File.ReadAllText(Path.Combine(Rendered.KustomizeDir, "base", "models.yaml"))
        .Replace("  concurrency: 2\n", "  concurrency: lots\n", StringComparison.Ordinal);

    private readonly string _dir = Directory.CreateTempSubdirectory("k3s-models-script-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Validate_OverlayReplacingTheManifestWithABrokenOne_FailsNamingOverlayConfigMapAndLine()
    {
        Assert.NotEqual(File.ReadAllText(Path.Combine(Rendered.KustomizeDir, "base", "models.yaml")), Broken);
        var overlay = Overlay("broken", $"""
            configMapGenerator:
              - {"{"} name: modelsync-models, namespace: modelsync, behavior: replace, files: [models.yaml] {"}"}
            """, ("models.yaml", Broken));

        var (code, output) = RunScript("--overlay", overlay, "validate");

        Assert.True(code == 1, $"exit {code}: {output}");
        Assert.Contains($"{overlay}: ConfigMap modelsync/modelsync-models, models.yaml:13:16: sync.concurrency: must be an integer, got 'lots'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RenamedAndAddedDaemonSets_LintsTheConfigMapEachMounts()
    {
        var overlay = RenamedAndAdded(gpuManifest: Broken);

        var (code, output) = RunScript("--overlay", overlay, "validate");

        Assert.True(code == 1, $"exit {code}: {output}");
        // The renamed DaemonSet still mounts the base's (valid) ConfigMap; the added one its own, whose
        // name carries kustomize's hash: it is read from the DaemonSet, not assumed.
        Assert.Contains($"{overlay}: ConfigMap modelsync/modelsync-models, models.yaml: OK", output, StringComparison.Ordinal);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(overlay)}: ConfigMap modelsync/modelsync-models-gpu-[a-z0-9]+, gpu\.yaml:13:16: sync\.concurrency: must be an integer", output);
    }

    [Fact]
    public void Validate_PlacementExampleOverlay_Ok()
    {
        var (code, output) = RunScript("--overlay", "deploy/kustomize/overlays/placement-example", "validate");

        Assert.True(code == 0, $"exit {code}: {output}");
        Assert.Contains("models.yaml: OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExampleOverlay_Ok()
    {
        var (code, output) = RunScript("--overlay", "deploy/kustomize/overlays/k3s-example", "validate");

        Assert.True(code == 0, $"exit {code}: {output}");
        Assert.Contains("deploy/kustomize/overlays/k3s-example: ConfigMap modelsync/modelsync-models, models.yaml: OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TeamsExample_LintsTheProjectedVolumeAsOneDirectory()
    {
        var (code, output) = RunScript("--overlay", "deploy/kustomize/overlays/teams-example", "validate");

        Assert.True(code == 0, $"exit {code}: {output}");
        Assert.Contains("a manifest directory of 3 files from ConfigMaps modelsync-models, modelsync-models-team-nlp, modelsync-models-team-vision", output, StringComparison.Ordinal);
        Assert.Contains("deploy/kustomize/overlays/teams-example: /etc/modelsync: OK (3 files: 4 models", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ProjectedVolumeWithABadTeamFile_NamesItsConfigMapKeyAndLine()
    {
        var overlay = Path.Combine(_dir, "bad-team");
        Directory.CreateDirectory(overlay);
        File.WriteAllText(Path.Combine(overlay, "team-nlp.yaml"), "models:\n  - name: finbert\n    source: hf://a/b\n");
        File.WriteAllText(Path.Combine(overlay, "kustomization.yaml"), $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [{Path.GetRelativePath(overlay, Path.Combine(Rendered.KustomizeDir, "overlays", "teams-example"))}]
            configMapGenerator:
              - {"{"} name: modelsync-models-team-nlp, namespace: modelsync, behavior: replace, files: [team-nlp.yaml] {"}"}

            """);

        var (code, output) = RunScript("--overlay", overlay, "validate");

        Assert.True(code == 1, $"exit {code}: {output}");
        Assert.Contains($"{overlay}: ConfigMap modelsync/modelsync-models-team-nlp, team-nlp.yaml:2:11: models[0].name: model 'finbert' is also in /etc/modelsync/models.yaml (models[0].name, line 19); a model name may appear in one file of the directory only", output, StringComparison.Ordinal);
        Assert.Contains($"{overlay}: not valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_RenamedAndAddedDaemonSets_EveryDaemonPodFoundByTheBaseLabel()
    {
        var overlay = RenamedAndAdded(gpuManifest: File.ReadAllText(Path.Combine(Rendered.KustomizeDir, "base", "models.yaml")));

        var (code, output) = RunScript("--overlay", overlay, "status");

        Assert.True(code == 0, $"exit {code}: {output}");
        Assert.Contains("== node-1 (edge-daemon-a1)", output, StringComparison.Ordinal);
        Assert.Contains("status of edge-daemon-a1", output, StringComparison.Ordinal);
        Assert.Contains("== node-2 (modelsync-daemon-gpu-b2)", output, StringComparison.Ordinal);
        Assert.Contains("status of modelsync-daemon-gpu-b2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hub-cache-c3", output, StringComparison.Ordinal); // part-of modelsync, but no daemon
    }

    [Fact]
    public void SetupWaitModels_RenamedAndAddedDaemonSets_WaitsForEachRolloutAndEveryDaemonPod()
    {
        var overlay = RenamedAndAdded(gpuManifest: File.ReadAllText(Path.Combine(Rendered.KustomizeDir, "base", "models.yaml")));

        var (code, output) = RunScript("--overlay", overlay, "--wait-models", "setup");

        Assert.True(code == 0, $"exit {code}: {output}");
        var calls = File.ReadAllLines(Path.Combine(_dir, "kubectl.log"));
        Assert.Contains(calls, c => c.Contains("rollout status daemonset/edge-daemon ", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Contains("rollout status daemonset/modelsync-daemon-gpu ", StringComparison.Ordinal));
        Assert.Contains("pod/edge-daemon-a1 condition met", output, StringComparison.Ordinal);
        Assert.Contains("pod/modelsync-daemon-gpu-b2 condition met", output, StringComparison.Ordinal);
    }

    /// <summary>An overlay of the base (written in <see cref="_dir"/>/NAME) with extra kustomization lines and files.</summary>
    private string Overlay(string name, string extra, params (string Name, string Text)[] files)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        var resources = new[] { Path.GetRelativePath(dir, Path.Combine(Rendered.KustomizeDir, "base")) }
            .Concat(files.Where(f => f.Name.EndsWith("-daemonset.yaml", StringComparison.Ordinal)).Select(f => f.Name));
        File.WriteAllText(Path.Combine(dir, "kustomization.yaml"), $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [{string.Join(", ", resources)}]

            """ + extra + "\n");
        foreach (var (file, text) in files)
        {
            File.WriteAllText(Path.Combine(dir, file), text);
        }

        return dir;
    }

    /// <summary>The base's DaemonSet renamed to edge-daemon, and a second daemon DaemonSet with a
    /// manifest of its own (a hashed ConfigMap, key gpu.yaml, mounted at another path).</summary>
    private string RenamedAndAdded(string gpuManifest) => Overlay("renamed-added", """
        configMapGenerator:
          - { name: modelsync-models-gpu, namespace: modelsync, files: [gpu.yaml] }
        patches:
          - target: { kind: DaemonSet, name: modelsync-daemon }
            patch: |-
              - { op: replace, path: /metadata/name, value: edge-daemon }
        """, ("gpu.yaml", gpuManifest), ("gpu-daemonset.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: modelsync-daemon-gpu
          namespace: modelsync
          labels: { app.kubernetes.io/name: modelsync-daemon-gpu, app.kubernetes.io/component: daemon, app.kubernetes.io/part-of: modelsync }
        spec:
          selector:
            matchLabels: { app.kubernetes.io/name: modelsync-daemon-gpu }
          template:
            metadata:
              labels: { app.kubernetes.io/name: modelsync-daemon-gpu, app.kubernetes.io/component: daemon, app.kubernetes.io/part-of: modelsync }
            spec:
              nodeSelector: { gpu: "true" }
              containers:
                - name: daemon
                  image: localhost/modelsync-daemon
                  args: [run, --manifest, /etc/modelsync-gpu/gpu.yaml]
                  volumeMounts:
                    - { name: gpu-manifest, mountPath: /etc/modelsync-gpu, readOnly: true }
              volumes:
                - name: gpu-manifest
                  configMap: { name: modelsync-models-gpu }
        """));

    /// <summary>k3s-models.sh with the stub kubectl first on PATH and the daemon under test for validate.</summary>
    private (int Code, string Output) RunScript(params string[] args)
    {
        var bin = Path.Combine(_dir, "bin");
        Directory.CreateDirectory(bin);
        WriteExecutable(Path.Combine(bin, "kubectl"), StubKubectl);
        var daemon = Path.Combine(_dir, "ModelSync.Daemon");
        WriteExecutable(daemon, $"#!/bin/sh\nexec {DaemonBinary.ShellCommand()} \"$@\"\n");

        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoRoot.Path };
        info.ArgumentList.Add(Script);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["REAL_KUBECTL"] = FindOnPath("kubectl");
        info.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        info.Environment["STUB_LOG"] = Path.Combine(_dir, "kubectl.log");
        info.Environment["KUBECONFIG"] = Path.Combine(_dir, "no-kubeconfig");
        info.Environment["MODELSYNC_DAEMON"] = daemon;
        info.Environment["TMPDIR"] = _dir;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static void WriteExecutable(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not on PATH");

    /// <summary>
    /// kubectl without an API server: kustomize and annotate --local (offline) run the real kubectl;
    /// everything else is logged to $STUB_LOG and answered from the pods and DaemonSets below, whose
    /// labels are those the RenamedAndAdded overlay gives them (-l: equality and != terms).
    /// </summary>
    private const string StubKubectl = """
        #!/usr/bin/env bash
        set -euo pipefail
        echo "$*" >>"$STUB_LOG"
        ns=default selector="" output="" words=()
        while (($#)); do
          case $1 in
            -n) ns=$2; shift 2 ;;
            --context | --kubeconfig) shift 2 ;;
            -l) selector=$2; shift 2 ;;
            -o) output=$2; shift 2 ;;
            -o*) output=${1#-o}; shift ;;
            --local | kustomize) exec "$REAL_KUBECTL" "${words[@]}" "$@" ;;
            -*) shift ;;
            *) words+=("$1"); shift ;;
          esac
        done
        daemon=app.kubernetes.io/component=daemon,app.kubernetes.io/part-of=modelsync
        # namespace name node labels
        pods="modelsync edge-daemon-a1 node-1 app.kubernetes.io/name=modelsync-daemon,$daemon
        modelsync modelsync-daemon-gpu-b2 node-2 app.kubernetes.io/name=modelsync-daemon-gpu,$daemon
        modelsync hub-cache-c3 node-1 app.kubernetes.io/name=hub-cache,app.kubernetes.io/part-of=modelsync"
        daemonsets="modelsync edge-daemon - app.kubernetes.io/name=modelsync-daemon,$daemon
        modelsync modelsync-daemon-gpu - app.kubernetes.io/name=modelsync-daemon-gpu,$daemon"
        matches() { # LABELS: every term of $selector holds
          local labels=",$1," term terms
          [ -n "$selector" ] || return 0
          IFS=, read -ra terms <<<"$selector"
          for term in "${terms[@]}"; do
            case $term in
              *!=*) [[ $labels != *",${term%%!=*}=${term#*!=},"* ]] || return 1 ;;
              *) [[ $labels == *",$term,"* ]] || return 1 ;;
            esac
          done
        }
        # pick TABLE [NAME]: "name node" of the rows in $ns that match $selector (and NAME)
        pick() {
          local n name node labels
          while read -r n name node labels; do
            [ "$n" = "$ns" ] && matches "$labels" && { [ -z "${2:-}" ] || [ "$2" = "$name" ]; } && echo "$name $node"
          done <<<"$1"
          return 0
        }
        case ${words[0]:-} in
          version | apply) exit 0 ;;
          config) exit 0 ;;
          get)
            case ${words[1]} in pods | pod) table=$pods ;; daemonset | daemonsets | ds) table=$daemonsets ;; *) exit 1 ;; esac
            found=$(pick "$table" "${words[2]:-}")
            if [ -n "${words[2]:-}" ] && [ -z "$found" ]; then echo "Error from server (NotFound): ${words[1]} \"${words[2]}\" not found" >&2; exit 1; fi
            case $output in
              jsonpath=*) [ -z "$found" ] || echo "$found" ;;
              *) echo "NAME NODE"; [ -z "$found" ] || echo "$found" ;;
            esac ;;
          rollout)
            name=${words[2]#daemonset/}
            [ -n "$(pick "$daemonsets" "$name")" ] || { echo "Error from server (NotFound): daemonsets.apps \"$name\" not found" >&2; exit 1; }
            echo "daemon set \"$name\" successfully rolled out" ;;
          wait)
            found=$(pick "$pods")
            [ -n "$found" ] || { echo "error: no matching resources found" >&2; exit 1; }
            while read -r name _; do echo "pod/$name condition met"; done <<<"$found" ;;
          exec)
            [ -n "$(pick "$pods" "${words[1]}")" ] || { echo "Error from server (NotFound): pods \"${words[1]}\" not found" >&2; exit 1; }
            echo "status of ${words[1]}" ;;
          *) echo "stub kubectl: unexpected: ${words[*]}" >&2; exit 1 ;;
        esac
        """;
}
