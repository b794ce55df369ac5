#!/usr/bin/env bash
# Offline end-to-end of the K3s pod flow with podman kube play (no cluster, no registry):
#   - a throttled HTTP server on 127.0.0.1 serves the model files (so a download takes seconds);
#   - the k3s-example overlay is rendered with a manifest pointing at it, then
#     the daemon's DaemonSet pod template is played as a Pod (podman has no DaemonSet) with the
#     store hostPath moved to a temp dir; its chown init container runs first;
#   - the sentiment-service pod is played while the models download: its gate init container must
#     block (observed), then exit 0; the service container then reads /app/models and fails to write it;
#   - a pod that requires a model nobody publishes fails its gate (timeout) and never starts;
#   - an on-demand model is fetched only when a pod's gate asks for it on the request socket, and leaves after;
#   - the store is a non-default node directory (a temp dir), set once through the modelsync-store
#     ConfigMap and components/store-path: the rendered DaemonSet and PV must carry it as they are;
#   - `k3s-models.sh uninstall --purge`'s DaemonSet, played as a Pod, deletes that store.
# Modes: --mode daemon   (default) the real daemon downloads in its pod; fails if the image's daemon has no
#                        `run` verb: the script never picks a weaker mode by itself (CI runs this one);
#        --mode manual   only when asked: no daemon, the script publishes the store by hand, as the daemon
#                        would, while the gate waits (tests the gate, the images and the pod specs).
# Needs: podman, kubectl, python3 with PyYAML (python3-yaml), curl; images from scripts/deploy-images.sh
# (built here with --no-test if missing). usage: scripts/deploy-e2e.sh [--mode M] [--keep] [--tag TAG]
set -euo pipefail
# shellcheck source=deploy-lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-lib.sh"
cd "$deploy_repo"

mode=daemon
keep=0
tag=dev
rate=$((1024 * 1024)) # bytes/s per connection of the test server: finbert (8 MiB) takes ~8 s
while (($#)); do
  case $1 in
    --mode) mode=${2:-}; shift 2 ;;
    --keep) keep=1; shift ;;
    --tag) tag=$2; shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
done
case $mode in daemon | manual) ;; *) die "--mode must be daemon or manual, got '$mode' (there is no auto: a weaker mode is never picked by itself)" ;; esac
need podman kubectl python3 curl sha256sum
python3 -c 'import yaml' 2>/dev/null || die "python3-yaml is missing (apt-get install -y python3-yaml)"

gate_image=localhost/modelsync-gate:$tag
daemon_image=localhost/modelsync-daemon:$tag
service_image=localhost/modelsync-e2e-service:$tag
if ! podman image exists "$gate_image" || ! podman image exists "$daemon_image"; then
  bash scripts/deploy-images.sh --tag "$tag" --no-test
fi
if [ "$mode" = daemon ]; then
  # Read whole, not piped into grep -q: grep quits at the match, podman dies of SIGPIPE and pipefail
  # turned a daemon with a run verb into a failure (seen: every auto run was manual).
  daemon_help=$(podman run --rm --network=none "$daemon_image" --help 2>&1 || true)
  grep -qE '^\s+run\b' <<<"$daemon_help" ||
    die "mode daemon: $daemon_image has no 'run' verb; rebuild it (scripts/deploy-images.sh) or ask for --mode manual explicitly"
fi
log "mode: $mode"

work=$(mktemp -d /tmp/modelsync-e2e.XXXXXX)
chmod 0755 "$work"
store=$work/store     # the node's store directory (default /var/lib/k3s-storage/ml-models), moved here
results=$work/results # what the service container saw
www=$work/www
mkdir -p "$store" "$results" "$www"
chmod 0777 "$results"
server_pid=""
played=()
cleanup() {
  local rc=$? f
  for f in "${played[@]}"; do podman kube down "$f" >/dev/null 2>&1 || true; done
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  if ((keep)) || ((rc != 0)); then log "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- a service image: busybox on scratch (stands in for the sentiment service)
if ! podman image exists "$service_image"; then
  (cd "$work" && apt-get download -qq -o APT::Sandbox::User=root busybox-static && dpkg-deb -x busybox-static_*.deb bb)
  mkdir -p "$work/bb/usr/bin" "$work/bb/tmp"
  ln -sf /bin/busybox "$work/bb/usr/bin/sh"
  c=$(buildah from scratch)
  buildah copy --quiet "$c" "$work/bb" / >/dev/null
  buildah config --entrypoint '["/bin/busybox", "sh", "-c"]' "$c"
  buildah commit --quiet --rm "$c" "$service_image" >/dev/null
fi

# --- the models, and a throttled HTTP server for them on 127.0.0.1
for m in finbert:8 minilm:4; do
  name=${m%:*}
  mkdir -p "$www/$name"
  printf '{"model": "%s"}\n' "$name" >"$www/$name/config.json"
  head -c $((${m#*:} * 1024 * 1024)) /dev/urandom >"$www/$name/weights.bin"
done
# lora is on demand (placement.onDemand): no node has it until a pod asks; adapter-service asks below.
mkdir -p "$www/lora"
printf '{"model": "lora"}\n' >"$www/lora/config.json"
head -c $((1024 * 1024)) /dev/urandom >"$www/lora/weights.bin"
# gpu-llm is for nodes named gpu-* only (models[].placement): this pod's node (e2e-node) must never ask for it.
mkdir -p "$www/gpu-llm"
head -c $((1024 * 1024)) /dev/urandom >"$www/gpu-llm/weights.bin"
# minilm also comes as hf://e2e/minilm@main from a static hub mirror on the same server: its hub/ view
# (HF_HUB_CACHE layout) is what the service reads below, through the pod's read-only mount.
minilm_commit=$(bash examples/hub-mirror.sh "$www/minilm" e2e/minilm "$www/hub" 'weights.bin')
http_port=$(free_port)
daemon_port=$(free_port)
python3 - "$www" "$http_port" "$rate" >"$work/http.log" 2>&1 <<'EOF' &
import functools, http.server, sys, time
root, port, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
class Slow(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, src, dst):
        while chunk := src.read(64 * 1024):
            dst.write(chunk)
            time.sleep(len(chunk) / rate)
http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Slow, directory=root)).serve_forever()
EOF
server_pid=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$http_port/finbert/config.json" 2>/dev/null && break; sleep 0.1; done
log "model server on 127.0.0.1:$http_port (throttled to $((rate / 1024)) KiB/s)"

# --- the manifest the daemon gets, pointing at the server
manifest=$work/models.yaml
{
  cat <<EOF
store:
  root: /var/lib/k3s-storage/ml-models
  capacity: 1Gi
  reserve: 100Mi
  keepVersions: 1
sync:
  interval: 10s
  concurrency: 2
  retry: { maxAttempts: 3, baseDelay: 1s, maxDelay: 5s }
  stallTimeout: 30s
  bandwidthLimit: 0
  proxy: ""
  hfEndpoint: http://127.0.0.1:$http_port/hub/
models:
  - name: minilm
    source: hf://e2e/minilm@main
EOF
  printf '  - name: finbert\n    version: "e2e-1"\n    baseUrl: http://127.0.0.1:%s/finbert/\n    files:\n' "$http_port"
  for f in config.json weights.bin; do
    printf '      - path: %s\n        size: %s\n        sha256: %s\n' "$f" "$(stat -c %s "$www/finbert/$f")" "$(sha256sum "$www/finbert/$f" | cut -d' ' -f1)"
  done
  printf '  - name: gpu-llm\n    version: "e2e-1"\n    placement: { nodes: ["gpu-*"] }\n    baseUrl: http://127.0.0.1:%s/gpu-llm/\n    files:\n' "$http_port"
  printf '      - path: weights.bin\n        size: %s\n        sha256: %s\n' "$(stat -c %s "$www/gpu-llm/weights.bin")" "$(sha256sum "$www/gpu-llm/weights.bin" | cut -d' ' -f1)"
  printf '  - name: lora\n    version: "e2e-1"\n    placement: { onDemand: true, keepAfterLastUse: 3s }\n    baseUrl: http://127.0.0.1:%s/lora/\n    files:\n' "$http_port"
  for f in config.json weights.bin; do
    printf '      - path: %s\n        size: %s\n        sha256: %s\n' "$f" "$(stat -c %s "$www/lora/$f")" "$(sha256sum "$www/lora/$f" | cut -d' ' -f1)"
  done
} >"$manifest"

# --- render the overlay with that manifest, then turn it into what podman kube play accepts
kdir=$work/kustomize
mkdir -p "$kdir"
cp "$manifest" "$kdir/models.yaml"
cat >"$kdir/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$kdir" deploy/kustomize/overlays/k3s-example)
configMapGenerator:
  - name: modelsync-models
    namespace: modelsync
    behavior: replace
    files: [models.yaml]
  - name: modelsync-store
    namespace: modelsync
    behavior: merge
    literals: ["path=$store"]
components:
  - $(realpath --relative-to="$kdir" deploy/kustomize/components/store-path)
generatorOptions:
  disableNameSuffixHash: true
images:
  - { name: localhost/modelsync-daemon, newTag: "$tag" }
  - { name: localhost/modelsync-gate, newTag: "$tag" }
EOF
kubectl kustomize "$kdir" >"$work/rendered.yaml"

python3 - "$work/rendered.yaml" "$work" "$store" "$results" "$daemon_port" "$service_image" <<'EOF'
import copy, sys, yaml
rendered, work, store, results, daemon_port, service_image = sys.argv[1:]
docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
by = {(d["kind"], d["metadata"]["name"]): d for d in docs}

def as_pod(name, template):
    # kind: Pod, restartPolicy Never: podman 4.3 applies a Deployment's restartPolicy Always to init
    # containers too, restarting a gate that exited 0 until kube play gives up (seen here).
    template = copy.deepcopy(template)
    spec = template["spec"]
    spec["restartPolicy"] = "Never"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": template["metadata"]["labels"]}, "spec": spec}

# The store path was set once (ConfigMap modelsync-store): the DaemonSet and the PV must carry it already.
pv = by[("PersistentVolume", "modelsync-models")]
assert pv["spec"]["hostPath"]["path"] == store, f"PV hostPath {pv['spec']['hostPath']['path']}, not {store}"
ds_paths = [v["hostPath"]["path"] for v in by[("DaemonSet", "modelsync-daemon")]["spec"]["template"]["spec"]["volumes"] if "hostPath" in v]
assert ds_paths == [store], f"DaemonSet hostPaths {ds_paths}, not [{store}]"

def store_to(spec, pv):
    # A PVC becomes the hostPath of the PV it binds (kube play has no PVs); hostPaths stay as rendered.
    for v in spec["volumes"]:
        if "persistentVolumeClaim" in v:
            v.pop("persistentVolumeClaim")
            v["hostPath"] = dict(pv["spec"]["hostPath"])

# 1. ConfigMap + the DaemonSet's pod template as a Deployment, on the host network (the server is on 127.0.0.1)
cm = by[("ConfigMap", "modelsync-models")]
cm["metadata"].pop("namespace", None)
ds = by[("DaemonSet", "modelsync-daemon")]
daemon = as_pod("modelsync-daemon", ds["spec"]["template"])
spec = daemon["spec"]
store_to(spec, pv)
spec["hostNetwork"] = True
c = spec["containers"][0]
c["args"] = [a if not a.startswith("http://0.0.0.0:") else f"http://127.0.0.1:{daemon_port}" for a in c["args"]]
c.pop("ports", None)
# podman turns probes into in-container healthchecks (curl, absent here); the script probes from the host.
c.pop("livenessProbe", None); c.pop("readinessProbe", None)
c["env"] = [e for e in c["env"] if "valueFrom" not in e] + [{"name": "MODELSYNC_NODE", "value": "e2e-node"}]
yaml.safe_dump_all([cm, daemon], open(f"{work}/daemon.yaml", "w"), sort_keys=False)

# 2. the sentiment service, gated by its pin-holding sidecar; its container checks what it can do with /app/models
svc = by[("Deployment", "sentiment-service")]
pod = as_pod("sentiment-service", svc["spec"]["template"])
spec = pod["spec"]
store_to(spec, pv)
spec["volumes"].append({"name": "results", "hostPath": {"path": results, "type": "Directory"}})
# podman kube play runs no native sidecar (it waits for an init container with restartPolicy Always to
# exit): the --hold gate runs as the pod's first regular container here, as the notes say; its startupProbe
# (an in-container healthcheck in podman) is dropped and the app waits for the paths file itself.
holder = spec["initContainers"].pop(0)
assert holder.get("restartPolicy") == "Always" and "--hold" in holder["args"], holder
holder.pop("restartPolicy"); holder.pop("startupProbe", None)
spec["containers"].insert(0, holder)
if not spec["initContainers"]: spec.pop("initContainers")
c = spec["containers"][1]
c["image"] = service_image
c["command"] = ["/bin/busybox", "sh", "-c", """
  id -u > /results/uid
  while [ ! -s /pins/paths ]; do sleep 0.2; done
  dir=$(sed -n 's/^finbert=//p' /pins/paths)
  echo "$dir" > /results/pinned-dir
  cat "$dir/config.json" > /results/read.txt 2>/results/read.err
  if (echo x > /app/models/written-by-service) 2>/results/write.err; then echo WRITABLE; else echo READONLY; fi > /results/write.txt
  touch /results/done
  trap 'exit 0' TERM
  # Answers /results/ask-N with the sha256 of what the pod reads at its pinned path now (or the error).
  while :; do
    for q in /results/ask-*; do
      [ -e "$q" ] || continue
      n=${q#/results/ask-}
      [ -e /results/answer-$n ] && continue
      (cd "$dir" && sha256sum config.json weights.bin) > /results/answer-$n.tmp 2>&1 || echo "READ FAILED" >> /results/answer-$n.tmp
      mv /results/answer-$n.tmp /results/answer-$n
    done
    sleep 0.2
  done
"""]
c.pop("ports", None)
c["resources"] = {"limits": {"memory": "64Mi"}}
c["volumeMounts"].append({"name": "results", "mountPath": "/results"})
yaml.safe_dump(pod, open(f"{work}/service.yaml", "w"), sort_keys=False)

# 3. a service requiring a model that nobody publishes, gated by the plain init container (waits, holds
#    no pin): the gate must time out and fail the pod
missing = copy.deepcopy(pod)
missing["metadata"]["name"] = "missing-model-service"
missing["metadata"]["labels"] = {"app.kubernetes.io/name": "missing-model-service"}
gate = missing["spec"]["containers"].pop(0)
gate.pop("args")
missing["spec"]["initContainers"] = [gate]
for e in gate["env"]:
    if e["name"] == "MODELSYNC_REQUIRE": e["value"] = "finbert,no-such-model"
    if e["name"] == "MODELSYNC_TIMEOUT": e["value"] = "4s"
    if e["name"] == "MODELSYNC_INTERVAL": e["value"] = "1s"
missing["spec"]["containers"][0]["command"][-1] = "touch /results/missing-started; sleep 1"
yaml.safe_dump(missing, open(f"{work}/missing.yaml", "w"), sort_keys=False)

# 4. a service that needs the on-demand model lora: its --hold gate (uid 10001, read-only mount) asks the daemon
#    on the store's request socket, waits for it, pins it; the service reads it
adapter = copy.deepcopy(pod)
adapter["metadata"]["name"] = "adapter-service"
adapter["metadata"]["labels"] = {"app.kubernetes.io/name": "adapter-service"}
for e in adapter["spec"]["containers"][0]["env"]:
    if e["name"] == "MODELSYNC_REQUIRE": e["value"] = "lora"
# podman keeps an emptyDir as a volume named after it, shared by pods that name it alike: its own name here.
for v in adapter["spec"]["volumes"]:
    if v["name"] == "pins": v["name"] = "adapter-pins"
for c in adapter["spec"]["containers"]:
    for m in c.get("volumeMounts", []):
        if m["name"] == "pins": m["name"] = "adapter-pins"
adapter["spec"]["containers"][1]["command"][-1] = """
  until grep -q '^lora=' /pins/paths 2>/dev/null; do sleep 0.2; done
  dir=$(sed -n 's/^lora=//p' /pins/paths)
  cat "$dir/config.json" > /results/adapter-read.txt 2>&1
  touch /results/adapter-done
  trap 'exit 0' TERM
  while :; do sleep 0.2; done
"""
yaml.safe_dump(adapter, open(f"{work}/adapter.yaml", "w"), sort_keys=False)
EOF
log "rendered: $work/daemon.yaml $work/service.yaml $work/missing.yaml"

ready_models() { # how many models inventory.json says are Ready (0 without one); $1: only that model
  [ -f "$store/inventory.json" ] || { echo 0; return; }
  python3 -c 'import json,sys; print(sum(m["state"] == "Ready" and sys.argv[2] in ("", m["name"]) for m in json.load(open(sys.argv[1]))["models"]))' \
    "$store/inventory.json" "${1:-}"
}
gate_running() { podman ps --format '{{.Names}}' | grep -q '^sentiment-service-modelsync-gate$'; }

# --- play
if [ "$mode" = daemon ]; then
  log "playing the daemon (chown init container, then ModelSync.Daemon run)"
  played+=("$work/daemon.yaml")
  podman kube play "$work/daemon.yaml" >"$work/play-daemon.log" 2>&1 || { cat "$work/play-daemon.log" >&2; die "daemon pod did not start"; }
  for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$daemon_port/healthz" 2>/dev/null && break; sleep 0.2; done
  curl -fsS -o /dev/null "http://127.0.0.1:$daemon_port/healthz" || die "/healthz did not answer on 127.0.0.1:$daemon_port"
  [ "$(stat -c %u "$store")" = 65532 ] || die "the chown init container did not hand the store to 65532"
  log "ok: /healthz 200, store owned by 65532"
fi

log "playing sentiment-service (gate init container MODELSYNC_REQUIRE=finbert) on a store without finbert"
played+=("$work/service.yaml")
started=$(date +%s)
podman kube play "$work/service.yaml" >"$work/play-service.log" 2>&1 &
play_pid=$!
blocked=0
for _ in $(seq 100); do
  if gate_running && [ ! -e "$results/done" ] && [ "$(ready_models finbert)" -eq 0 ]; then blocked=1; break; fi
  sleep 0.1
done
((blocked)) || die "never saw the gate blocking while finbert was not Ready"
sleep 2
if [ -e "$results/done" ] && [ "$(ready_models finbert)" -eq 0 ]; then die "the service started before finbert was Ready"; fi
log "ok: gate blocks while finbert is missing (service container not started)"

if [ "$mode" = daemon ]; then
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$daemon_port/readyz" || true)
  [ "$code" != 200 ] || [ "$(ready_models)" -eq 2 ] || die "/readyz 200 before every model is Ready"
  log "ok: /readyz $code while downloading"
else
  log "publishing the models by hand (what the daemon does: versions in place, then the inventory, atomically)"
  sleep 1
  write_inventory "$store" "$(make_model "$store" finbert e2e-1 $((8 * 1024 * 1024)))" "$(make_model "$store" minilm e2e-1 $((4 * 1024 * 1024)))"
fi

rc=0
wait "$play_pid" || rc=$?
((rc == 0)) || { cat "$work/play-service.log" >&2; die "podman kube play of the service returned $rc"; }
for _ in $(seq 1200); do [ -e "$results/done" ] && break; sleep 0.1; done
[ -e "$results/done" ] || die "the service container did not run (or never saw its pins)"
pinned_dir=$(cat "$results/pinned-dir")
[ "$pinned_dir" = /app/models/models/finbert/e2e-1 ] || die "the holder pinned '$pinned_dir', not /app/models/models/finbert/e2e-1"
log "ok: the gate pinned finbert after $(($(date +%s) - started)) s and the service started ($(ready_models) models Ready)"

grep -q '"model": "finbert"' "$results/read.txt" || die "the service could not read $pinned_dir/config.json: $(cat "$results/read.err")"
[ "$(cat "$results/write.txt")" = READONLY ] || die "the service could write to /app/models"
grep -qi 'read-only file system' "$results/write.err" || die "write failed, but not as read-only: $(cat "$results/write.err")"
[ ! -e "$store/written-by-service" ] || die "a file written by the service appeared in the store"
log "ok: service (uid $(cat "$results/uid")) reads its pinned $pinned_dir, writing fails: $(cat "$results/write.err")"

if [ "$mode" = daemon ]; then
  for _ in $(seq 150); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$daemon_port/readyz")" = 200 ] && break; sleep 0.2; done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$daemon_port/readyz")" = 200 ] || die "/readyz not 200 once every model is Ready"
  # Read whole, not piped into grep -q: grep exits at the first line, curl then fails writing (23) and
  # pipefail turned a good /metrics into "empty" whenever the body outgrew the pipe before grep quit.
  metrics=$(curl -fsS "http://127.0.0.1:$daemon_port/metrics") || die "/metrics failed"
  [ -n "$metrics" ] || die "/metrics is empty"
  podman exec modelsync-daemon-daemon ModelSync.Daemon status --root /var/lib/k3s-storage/ml-models >&2 \
    || die "ModelSync.Daemon status inside the pod failed (the k3s-models.sh status path)"
  log "ok: /readyz 200, /metrics, status inside the pod"
  # Placement: gpu-llm is for nodes gpu-* and this node is e2e-node: not one request, not one byte, and /status says why.
  ! grep -q '/gpu-llm/' "$work/http.log" || die "the daemon asked the server for gpu-llm, which is not for this node: $(grep '/gpu-llm/' "$work/http.log" | head -n 3)"
  [ ! -e "$store/models/gpu-llm" ] || die "gpu-llm is in the store of a node it is not for"
  curl -fsS "http://127.0.0.1:$daemon_port/status" | grep -q '"why": "not for this node (nodes gpu-\*)"' || die "/status does not say gpu-llm is not for this node"
  log "ok: gpu-llm (placement nodes gpu-*) never requested on e2e-node; /status: not for this node"
  # The service reads minilm as a Hugging Face loader would: refs/main -> snapshots/<commit>/<file>, every
  # link relative, resolved inside the pod's read-only /app/models.
  svc_container=$(podman ps --format '{{.Names}}' | grep '^sentiment-service-' | grep -v -e '-infra$' -e 'modelsync-gate' | head -n 1)
  [ -n "$svc_container" ] || die "no running sentiment-service container to read the hub view from"
  view=/app/models/hub/models--e2e--minilm
  seen=$(podman exec "$svc_container" /bin/busybox sh -c "c=\$(cat $view/refs/main) && echo \$c && cat $view/snapshots/\$c/config.json && /bin/busybox sha256sum $view/snapshots/\$c/weights.bin") \
    || die "the service could not read minilm through $view"
  [ "$(sed -n 1p <<<"$seen")" = "$minilm_commit" ] || die "refs/main is not commit $minilm_commit: $seen"
  grep -q '"model": "minilm"' <<<"$seen" || die "snapshots/<commit>/config.json is not minilm's: $seen"
  grep -q "^$(sha256sum "$www/minilm/weights.bin" | cut -d' ' -f1) " <<<"$seen" || die "weights.bin read through the view differs from the source: $seen"
  log "ok: the service reads minilm through the hub view ($view, commit ${minilm_commit:0:12})"

  # On demand: lora was asked for by nobody yet: not one request. adapter-service's gate asks through the
  # request socket in its read-only mount; the daemon fetches lora once and tells it; the pod reads it; once the
  # pod is gone and keepAfterLastUse (3s) has passed, a pass (interval 10s) takes it off the node.
  ! grep -q '/lora/' "$work/http.log" || die "the daemon fetched the on-demand model lora before any pod asked"
  [ -S "$store/.modelsync/request.sock" ] || die "no request socket at $store/.modelsync/request.sock"
  played+=("$work/adapter.yaml")
  podman kube play "$work/adapter.yaml" >"$work/play-adapter.log" 2>&1 || { cat "$work/play-adapter.log" >&2; die "adapter-service did not start"; }
  for _ in $(seq 600); do [ -e "$results/adapter-done" ] && break; sleep 0.1; done
  [ -e "$results/adapter-done" ] || die "adapter-service never read lora: $(podman logs adapter-service-modelsync-gate 2>&1 | tail -n 5)"
  grep -q '"model": "lora"' "$results/adapter-read.txt" || die "adapter-service read something else: $(cat "$results/adapter-read.txt")"
  [ "$(grep -c 'GET /lora/weights.bin' "$work/http.log")" = 1 ] || die "lora's weights were not fetched exactly once: $(grep '/lora/' "$work/http.log")"
  asked=$(podman logs adapter-service-modelsync-gate 2>&1 | grep -m1 'lora' || true)
  log "ok: adapter-service's gate asked for lora, it was fetched once and the pod reads it (gate: $asked)"
  podman kube down "$work/adapter.yaml" >/dev/null 2>"$work/down-adapter.log"
  for _ in $(seq 300); do [ ! -e "$store/models/lora" ] && break; sleep 0.2; done
  [ ! -e "$store/models/lora" ] || die "lora stayed on the node after its pod left and keepAfterLastUse passed"
  curl -fsS "http://127.0.0.1:$daemon_port/status" | grep -q 'past keepAfterLastUse 3s' || die "/status does not say why lora left"
  log "ok: lora left the node once its pod was gone and keepAfterLastUse passed"
fi

log "playing missing-model-service (requires no-such-model, MODELSYNC_TIMEOUT=4s)"
played+=("$work/missing.yaml")
rc=0
podman kube play "$work/missing.yaml" >"$work/play-missing.log" 2>&1 || rc=$?
((rc != 0)) || die "kube play succeeded although the gate cannot pass"
sleep 1
[ ! -e "$results/missing-started" ] || die "the service started although its gate failed"
log "ok: gate timed out, kube play returned $rc, the service never started"

if [ "$mode" = daemon ]; then
  t0=$(date +%s%N)
  podman kube down "$work/daemon.yaml" >/dev/null
  log "ok: daemon pod stopped in $((($(date +%s%N) - t0) / 1000000)) ms (SIGTERM handled if well under 10 s)"
fi
if [ "$mode" = daemon ]; then
  # --- pins: the service pod's holder (uid 10001, store mounted read-only, its own PID namespace) pins
  # finbert e2e-1; the daemon image's verbs (uid 65532, another container) repair it, bump it twice and drop
  # it, each followed by a GC. The pod must read e2e-1's bytes at its path after every step (no ENOENT, no
  # other version), and e2e-1 must leave the node once the pod is gone.
  want=$(cd "$www/finbert" && sha256sum config.json weights.bin)
  asked=0
  pod_reads() { # what the pod reads at its pinned path now (sha256 lines), asked through /results
    asked=$((asked + 1))
    touch "$results/ask-$asked"
    for _ in $(seq 100); do [ -e "$results/answer-$asked" ] && break; sleep 0.1; done
    cat "$results/answer-$asked" 2>/dev/null || echo "no answer from the service pod"
  }
  verb() { # the daemon image's CLI on the node's store, as the setup Job runs it
    podman run --rm --network=host -v "$store:/var/lib/k3s-storage/ml-models" -v "$work/pins.yaml:/etc/modelsync/models.yaml:ro" \
      "$daemon_image" "$@" --manifest /etc/modelsync/models.yaml
  }
  finbert_manifest() { # VERSION DIR (empty: finbert dropped)
    sed '/^  - name: finbert$/,$d' "$manifest" | sed 's/^  keepVersions: 1$/  keepVersions: 0\n  pinGrace: 0s/'
    [ -z "$1" ] && return
    printf '  - name: finbert\n    version: "%s"\n    baseUrl: http://127.0.0.1:%s/%s/\n    files:\n' "$1" "$http_port" "$2"
    for f in config.json weights.bin; do
      printf '      - path: %s\n        size: %s\n        sha256: %s\n' "$f" "$(stat -c %s "$www/$2/$f")" "$(sha256sum "$www/$2/$f" | cut -d' ' -f1)"
    done
  }
  check_pod() { # STEP
    local seen; seen=$(pod_reads)
    [ "$seen" = "$want" ] || die "after $1 the pinned pod read other bytes or nothing at $pinned_dir: $seen"
    log "ok: after $1 the pod reads e2e-1's bytes at its pinned path"
  }
  for v in 2 3; do
    mkdir -p "$www/finbert$v"; cp "$www/finbert/config.json" "$www/finbert$v/"; head -c $((1024 * 1024)) /dev/urandom >"$www/finbert$v/weights.bin"
  done
  finbert_manifest e2e-1 finbert >"$work/pins.yaml"
  check_pod "the daemon's downloads"

  weights=$store/models/finbert/e2e-1/weights.bin
  chmod u+w "$weights" && printf 'X' | dd of="$weights" bs=1 seek=4096 conv=notrunc status=none && chmod 0444 "$weights"
  ! verb verify >"$work/verify.log" 2>&1 || die "verify passed a damaged copy: $(cat "$work/verify.log")"
  verb sync >"$work/repair.log" 2>&1 || die "sync did not repair the damaged copy: $(tail "$work/repair.log")"
  check_pod "a repair"

  for v in 2 3; do
    finbert_manifest "e2e-$v" "finbert$v" >"$work/pins.yaml"
    verb sync >"$work/bump$v.log" 2>&1 || die "sync of e2e-$v failed: $(tail "$work/bump$v.log")"
    gc=$(verb gc 2>&1) || die "gc failed: $gc"
    grep -q "kept models/finbert/e2e-1 (kept: pinned" <<<"$gc" || die "gc after bump $v did not keep the pinned e2e-1: $gc"
    check_pod "bump $v (current/finbert -> $(readlink "$store/current/finbert"))"
  done
  finbert_manifest "" >"$work/pins.yaml"
  verb sync >"$work/drop.log" 2>&1 || die "sync without finbert failed: $(tail "$work/drop.log")"
  gc=$(verb gc 2>&1) || die "gc failed: $gc"
  grep -q "kept models/finbert/e2e-1 (kept: pinned; otherwise: model not in the manifest)" <<<"$gc" || die "gc after the drop: $gc"
  [ ! -e "$store/current/finbert" ] || die "current/finbert survived the drop"
  check_pod "the drop"

  podman kube down "$work/service.yaml" >/dev/null 2>"$work/down-service.log" # podman 4.3 may warn that the emptyDir is still in use
  gc=$(verb gc 2>&1) || die "gc failed: $gc"
  [ ! -e "$store/models/finbert" ] || die "models/finbert stayed after the pinned pod was removed: $gc"
  log "ok: e2e-1 left the node with the pod (pinGrace 0s): $(grep -c '^removed' <<<"$gc") removed"
fi

log "uninstall --purge: its DaemonSet, played as a Pod on this node, deletes $store"
TMPDIR=$work bash deploy/k3s-models.sh --dry-run --store-path "$store" -t "$tag" uninstall --purge >"$work/purge-plan.txt" 2>/dev/null
purge_ds=$(sed -nE 's/^kubectl apply -f (.*purge\.yaml)$/\1/p' "$work/purge-plan.txt")
[ -f "$purge_ds" ] || die "uninstall --purge --dry-run kept no purge DaemonSet"
python3 - "$purge_ds" "$work/purge.yaml" <<'EOF'
import sys, yaml
ds = yaml.safe_load(open(sys.argv[1]))
t = ds["spec"]["template"]
t["spec"]["restartPolicy"] = "Never"
t["spec"]["initContainers"][0]["env"] = [{"name": "NODE", "value": "e2e-node"}]
yaml.safe_dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "modelsync-purge", "labels": t["metadata"]["labels"]}, "spec": t["spec"]}, open(sys.argv[2], "w"), sort_keys=False)
EOF
[ -d "$store/models" ] || die "no store to purge at $store"
played+=("$work/purge.yaml")
podman kube play "$work/purge.yaml" >"$work/play-purge.log" 2>&1 || { cat "$work/play-purge.log" >&2; die "the purge pod did not run"; }
[ ! -e "$store" ] || die "the purge pod left $store behind"
[ -d "$results" ] || die "the purge pod removed more than the store"
podman kube down "$work/purge.yaml" >/dev/null 2>&1 || true
log "ok: purge deleted $store (and nothing beside it)"
log "e2e OK ($mode)"
