#!/usr/bin/env bash
# k3s-models.sh: install and operate ModelSync on a K3s (or any Kubernetes) cluster with kubectl.
#
# usage: deploy/k3s-models.sh [options] COMMAND
#
# commands:
#   setup       apply the kustomization, wait for the DaemonSet rollout (--wait-models: until every
#               node has every model Ready). --prefetch first runs the one-time `sync` Job
#               (deploy/kustomize/setup-job) and waits for it, so a manifest that cannot download or
#               verify fails here, before the DaemonSet rolls out.
#   status      DaemonSet and pods, then `ModelSync.Daemon status` inside each daemon pod (--node NODE: one)
#   monitor     status again every --interval seconds (Ctrl-C stops); --logs follows the daemon logs instead
#   validate    lint the manifest (ModelSync.Daemon validate: local binary, else the image via podman/docker)
#               and render the kustomization
#   update      apply a changed manifest (--manifest FILE replaces models.yaml) and/or --tag; the daemons
#               reload the ConfigMap in place (~1 min), a new tag rolls the DaemonSet
#   uninstall   delete what setup applied. The models stay on the nodes (PV Retain): the path is printed.
#
# options:
#   -k, --kustomization DIR  kustomization to apply (default deploy/kustomize/base;
#                            e.g. deploy/kustomize/overlays/k3s-example)
#   -m, --manifest FILE      models.yaml to use instead of the one in the base (validate, setup, update)
#   -t, --tag TAG            image tag for localhost/modelsync-daemon and -gate (default: as in the kustomization)
#       --registry PREFIX    image name prefix instead of "localhost" (e.g. registry.example.com/ml)
#   -n, --namespace NS       namespace of ModelSync (default modelsync). With the base it is also
#                            applied to the rendered objects; an overlay keeps its own namespaces.
#       --context NAME       kubectl context
#       --kubeconfig FILE    kubeconfig
#       --dry-run            print the rendered YAML and the kubectl commands, change nothing
#       --timeout DUR        rollout / Job / model wait timeout (default 30m)
#       --wait-models        setup/update: also wait until every daemon pod is Ready (= all models Ready)
#       --prefetch           setup: run the sync Job before the DaemonSet
#       --node NODE          status: only the daemon pod on NODE
#       --interval SEC       monitor: refresh period (default 5)
#       --logs               monitor: follow the daemon logs
#   -h, --help               this help
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
store_root=/var/lib/k3s-storage/ml-models
ds_name=modelsync-daemon
ds_selector=app.kubernetes.io/name=modelsync-daemon
job_name=modelsync-sync

kustomization=$here/kustomize/base
manifest=""
tag=""
registry=""
namespace=modelsync
namespace_set=0
context=""
kubeconfig=""
dry_run=0
timeout=30m
wait_models=0
prefetch=0
node=""
interval=5
follow_logs=0
command=""

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "k3s-models: $*" >&2; exit 2; }
info() { echo "k3s-models: $*" >&2; }

while (($#)); do
  case $1 in
    -k | --kustomization | --overlay) kustomization=${2:?}; shift 2 ;;
    -m | --manifest) manifest=${2:?}; shift 2 ;;
    -t | --tag) tag=${2:?}; shift 2 ;;
    --registry) registry=${2:?}; shift 2 ;;
    -n | --namespace) namespace=${2:?}; namespace_set=1; shift 2 ;;
    --context) context=${2:?}; shift 2 ;;
    --kubeconfig) kubeconfig=${2:?}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --timeout) timeout=${2:?}; shift 2 ;;
    --wait-models) wait_models=1; shift ;;
    --prefetch) prefetch=1; shift ;;
    --node) node=${2:?}; shift 2 ;;
    --interval) interval=${2:?}; shift 2 ;;
    --logs) follow_logs=1; shift ;;
    -h | --help) usage; exit 0 ;;
    setup | status | monitor | validate | update | uninstall)
      [ -z "$command" ] || die "one command at a time ($command, $1)"
      command=$1; shift ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$command" ] || { usage >&2; exit 2; }
# Checked before anything is applied: a bad --timeout must not fail halfway through a setup.
[[ $timeout =~ ^([0-9]+|([0-9]+(h|m|s|ms))+)$ ]] || die "--timeout: '$timeout' is not a duration such as 90s, 30m, 1h30m"
if ((namespace_set)) && ! grep -q '^namespace: modelsync$' "$kustomization/kustomization.yaml"; then
  info "note: --namespace only selects where kubectl looks; $kustomization keeps the namespaces it sets"
fi
[ -f "$kustomization/kustomization.yaml" ] || die "no kustomization.yaml in $kustomization"
[ -z "$manifest" ] || [ -f "$manifest" ] || die "manifest $manifest not found"
command -v kubectl >/dev/null || die "kubectl is not installed"

kube=(kubectl)
[ -z "$context" ] || kube+=(--context "$context")
[ -z "$kubeconfig" ] || kube+=(--kubeconfig "$kubeconfig")

work=$(mktemp -d "${TMPDIR:-/tmp}/k3s-models.XXXXXX")
trap 'rm -rf "$work"' EXIT

# show CMD...: print a command the way a person would type it.
# With --dry-run everything goes to stdout (a plan to read or save); otherwise to stderr as a trace.
show() {
  if ((dry_run)); then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    { printf '+'; printf ' %q' "$@"; printf '\n'; } >&2
  fi
}
# run CMD...: run it, or only print it with --dry-run.
run() {
  show "$@"
  ((dry_run)) || "$@"
}

# wrap SRC_DIR OUT_DIR: a kustomization in OUT_DIR over SRC_DIR that adds the command-line choices
# (namespace, manifest, images). kustomize refuses absolute paths, hence the relative one.
wrap() {
  local src=$1 out=$2 rel prefix
  mkdir -p "$out"
  rel=$(realpath --relative-to="$out" "$src")
  {
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "resources:"
    echo "  - $rel"
    # Only a kustomization that puts everything in "modelsync" (base, setup-job) is moved wholesale;
    # an overlay has namespaces of its own (the services').
    if ((namespace_set)) && grep -q '^namespace: modelsync$' "$src/kustomization.yaml"; then
      echo "namespace: $namespace"
    fi
    if [ -n "$manifest" ] && kubectl kustomize "$src" 2>/dev/null | grep -q '^kind: ConfigMap$'; then
      cp "$manifest" "$out/models.yaml"
      echo "configMapGenerator:"
      echo "  - name: modelsync-models"
      echo "    behavior: replace"
      echo "    files: [models.yaml]"
      echo "generatorOptions:"
      echo "  disableNameSuffixHash: true"
    fi
    if [ -n "$tag" ] || [ -n "$registry" ]; then
      prefix=${registry:-localhost}
      echo "images:"
      for image in modelsync-daemon modelsync-gate; do
        echo "  - name: localhost/$image"
        [ -z "$registry" ] || echo "    newName: $prefix/$image"
        [ -z "$tag" ] || echo "    newTag: \"$tag\""
      done
    fi
  } >"$out/kustomization.yaml"
}

# render SRC_DIR OUT_DIR -> prints the path of the rendered YAML
render() {
  wrap "$1" "$2"
  kubectl kustomize "$2" >"$2/rendered.yaml" || die "kustomize failed for $1"
  echo "$2/rendered.yaml"
}

# apply_rendered FILE [kubectl apply args...]
apply_rendered() {
  local file=$1; shift
  if ((dry_run)); then
    echo "---"
    echo "# kubectl apply -f - $* <<'EOF'   ($(grep -c '^kind:' "$file") objects)"
    cat "$file"
    echo "# EOF"
  fi
  run "${kube[@]}" apply -f "$file" "$@"
}

find_daemon_binary() {
  if [ -n "${MODELSYNC_DAEMON:-}" ]; then echo "$MODELSYNC_DAEMON"; return; fi
  if command -v ModelSync.Daemon >/dev/null; then command -v ModelSync.Daemon; return; fi
  local built=$here/../artifacts/daemon/ModelSync.Daemon
  if [ -x "$built" ]; then echo "$built"; return; fi
  return 1
}

manifest_file() {
  if [ -n "$manifest" ]; then echo "$manifest"; return; fi
  echo "$here/kustomize/base/models.yaml"
}

cmd_validate() {
  local file bin engine image rc=0
  file=$(manifest_file)
  info "linting $file"
  if bin=$(find_daemon_binary); then
    show "$bin" validate "$file"
    "$bin" validate "$file" || rc=$?
  else
    engine=$(command -v podman || command -v docker || true)
    [ -n "$engine" ] || die "no ModelSync.Daemon binary (set MODELSYNC_DAEMON) and no podman/docker to run the image"
    image="${registry:-localhost}/modelsync-daemon:${tag:-dev}"
    local cmd=("$engine" run --rm --network=none --read-only -v "$(realpath "$file"):/etc/modelsync/models.yaml:ro"
      "$image" validate /etc/modelsync/models.yaml)
    show "${cmd[@]}"
    "${cmd[@]}" || rc=$?
  fi
  ((rc == 0)) || { info "the manifest is not valid (exit $rc)"; exit 1; }
  local out
  out=$(render "$kustomization" "$work/main")
  info "rendered $kustomization: $(grep -c '^kind:' "$out") objects"
  ((dry_run == 0)) || cat "$out"
  if [ -d "$here/kustomize/setup-job" ]; then
    out=$(render "$here/kustomize/setup-job" "$work/job")
    info "rendered setup-job: $(grep -c '^kind:' "$out") objects"
  fi
}

wait_rollout() {
  run "${kube[@]}" -n "$namespace" rollout status "daemonset/$ds_name" --timeout="$timeout"
  if ((wait_models)); then
    info "waiting until every daemon pod is Ready (= every model Ready on its node), up to $timeout"
    run "${kube[@]}" -n "$namespace" wait pod -l "$ds_selector" --for=condition=Ready --timeout="$timeout"
  fi
}

run_prefetch_job() {
  local job_yaml
  job_yaml=$(render "$here/kustomize/setup-job" "$work/job")
  run "${kube[@]}" -n "$namespace" delete job "$job_name" --ignore-not-found --wait=true
  apply_rendered "$job_yaml"
  info "waiting for job/$job_name (exit 0 = every model Ready; 1 some Failed; 2 bad manifest; 3 store in use)"
  ((dry_run)) && return 0
  local deadline
  deadline=$(($(date +%s) + $(to_seconds "$timeout")))
  while :; do
    if "${kube[@]}" -n "$namespace" wait "job/$job_name" --for=condition=Complete --timeout=10s >/dev/null 2>&1; then
      info "job/$job_name completed"
      return 0
    fi
    if [ "$("${kube[@]}" -n "$namespace" get job "$job_name" -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}')" = True ]; then
      "${kube[@]}" -n "$namespace" logs "job/$job_name" --all-containers --tail=50 >&2 || true
      die "job/$job_name failed (logs above); the DaemonSet was not applied"
    fi
    (($(date +%s) < deadline)) || die "job/$job_name did not finish within $timeout"
  done
}

to_seconds() { # 30m / 2h / 1h30m / 90s / 600 -> seconds (sub-second parts round down)
  local v=$1 total=0 n unit
  [[ $v =~ ^[0-9]+$ ]] && { echo "$v"; return; }
  [[ $v =~ ^([0-9]+(h|m|s|ms))+$ ]] || die "--timeout: '$v' is not a duration such as 90s, 30m, 1h30m"
  while [[ $v =~ ^([0-9]+)(ms|h|m|s)(.*)$ ]]; do
    n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]} v=${BASH_REMATCH[3]}
    case $unit in
      h) total=$((total + n * 3600)) ;;
      m) total=$((total + n * 60)) ;;
      s) total=$((total + n)) ;;
      ms) total=$((total + n / 1000)) ;;
    esac
  done
  echo "$total"
}

cmd_setup() {
  local out
  out=$(render "$kustomization" "$work/main")
  if ((prefetch)); then
    info "prefetch: applying everything but the DaemonSet, then the sync Job"
    apply_rendered "$out" -l 'app.kubernetes.io/component!=daemon'
    run_prefetch_job
  fi
  apply_rendered "$out"
  wait_rollout
  ((dry_run)) || cmd_status
}

cmd_update() {
  local out
  [ -n "$manifest" ] || [ -n "$tag" ] || [ -n "$registry" ] \
    || info "no --manifest/--tag given: re-applying $kustomization as it is"
  if [ -n "$manifest" ]; then cmd_validate; fi
  out=$(render "$kustomization" "$work/main")
  apply_rendered "$out"
  [ -z "$manifest" ] || info "the daemons pick the new manifest up within ~1 min (ConfigMap volume refresh); watch: $0 monitor"
  wait_rollout
}

daemon_pods() {
  local args=(-n "$namespace" get pods -l "$ds_selector" -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{"\n"}{end}')
  "${kube[@]}" "${args[@]}"
}

cmd_status() {
  if ((dry_run)); then
    show "${kube[@]}" -n "$namespace" get daemonset "$ds_name" -o wide
    show "${kube[@]}" -n "$namespace" get pods -l "$ds_selector" -o wide
    show "${kube[@]}" -n "$namespace" exec POD -c daemon -- ModelSync.Daemon status --root "$store_root"
    return 0
  fi
  "${kube[@]}" -n "$namespace" get daemonset "$ds_name" -o wide
  echo
  "${kube[@]}" -n "$namespace" get pods -l "$ds_selector" -o wide
  local pod pod_node
  while read -r pod pod_node; do
    [ -n "$pod" ] || continue
    [ -z "$node" ] || [ "$node" = "$pod_node" ] || continue
    echo
    echo "== $pod_node ($pod)"
    "${kube[@]}" -n "$namespace" exec "$pod" -c daemon -- ModelSync.Daemon status --root "$store_root" \
      || echo "(status unavailable: pod not running? see: ${kube[*]} -n $namespace logs $pod -c daemon)"
  done < <(daemon_pods)
}

cmd_monitor() {
  if ((follow_logs)); then
    run "${kube[@]}" -n "$namespace" logs -f -l "$ds_selector" -c daemon --prefix --max-log-requests=100 --tail=20
    return
  fi
  ((dry_run)) && { cmd_status; return; }
  while :; do
    [ -t 1 ] && printf '\033[H\033[2J'
    date
    cmd_status || true
    sleep "$interval"
  done
}

cmd_uninstall() {
  local out
  out=$(render "$kustomization" "$work/main")
  if ((dry_run)); then
    echo "# kubectl delete -f - ($(grep -c '^kind:' "$out") objects):"
    grep -E '^kind:|^  name:' "$out" | paste - - | sed 's/^/#   /'
  fi
  run "${kube[@]}" -n "$namespace" delete job "$job_name" --ignore-not-found
  run "${kube[@]}" delete -f "$out" --ignore-not-found --wait=true
  info "the models stay on every node in $store_root (PersistentVolume policy Retain);"
  info "remove them there (rm -rf $store_root) if the nodes should get the space back."
}

case $command in
  setup) cmd_setup ;;
  status) cmd_status ;;
  monitor) cmd_monitor ;;
  validate) cmd_validate ;;
  update) cmd_update ;;
  uninstall) cmd_uninstall ;;
esac
