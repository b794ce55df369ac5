#!/usr/bin/env bash
# k3s-models.sh: install and operate ModelSync on a K3s (or any Kubernetes) cluster with kubectl.
#
# usage: deploy/k3s-models.sh [options] COMMAND [options]     (COMMAND --help: that command's help)
#
# commands:
#   setup       apply the kustomization, wait for the DaemonSet rollout
#   status      DaemonSet, pods, and `ModelSync.Daemon status` inside each daemon pod
#   monitor     status every --interval seconds, or --logs to follow the daemon logs
#   validate    render the kustomization, lint the manifest each daemon DaemonSet mounts, a file or a
#               directory of ConfigMaps (--manifest DIR, a projected volume) (needs no cluster)
#   update      apply a changed manifest and/or image tag
#   uninstall   delete what setup applied (--purge: also the models on every node)
#
# options (before or after COMMAND):
#   -k, --kustomization DIR  kustomization to apply (default deploy/kustomize/base)
#       --overlay DIR        the same as -k, e.g. deploy/kustomize/overlays/k3s-example
#   -m, --manifest FILE      models.yaml to use instead of the one in the base (validate, setup, update):
#                            replaces ConfigMap modelsync-models
#   -t, --tag TAG            image tag for localhost/modelsync-daemon and -gate (default: as in the kustomization)
#       --registry PREFIX    image name prefix instead of "localhost" (e.g. registry.example.com/ml)
#       --store-path PATH    the store's directory on every node (default /var/lib/k3s-storage/ml-models):
#                            sets the PersistentVolume, the DaemonSet and the setup Job at once
#   -n, --namespace NS       namespace of ModelSync (default modelsync). With the base it is also
#                            applied to the rendered objects; an overlay keeps its own namespaces.
#       --context NAME       kubectl context (default: the kubeconfig's current context)
#       --kubeconfig FILE    kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
#       --dry-run            change nothing: keep the rendered files, print their path and the
#                            kubectl commands to run (copy them, or pipe the output to bash)
#       --timeout DUR        rollout / Job / model wait timeout (default 30m)
#       --wait-models        setup, update: also wait until every daemon pod is Ready (= all models Ready)
#       --prefetch           setup: run the sync Job before the DaemonSet
#       --node NODE          status: only the daemon pod on NODE
#       --interval SEC       monitor: refresh period (default 5)
#       --logs               monitor: follow the daemon logs
#       --purge              uninstall: also delete the store directory on every node
#   -h, --help               this help; COMMAND --help for one command
#
# exit codes: 0 done, 1 a step failed (rollout, Job, invalid manifest), 2 usage error,
#             3 no cluster reachable (the context and server tried are named)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
store_root=/var/lib/k3s-storage/ml-models
# The labels of every daemon pod, whatever its DaemonSet is called: the base sets component=daemon in
# its DaemonSet and part-of=modelsync on everything it renders, pod templates included. A DaemonSet an
# overlay adds carries both in its pod template (docs/deploy.md, "Overlays: which DaemonSets are daemons").
daemon_selector=app.kubernetes.io/part-of=modelsync,app.kubernetes.io/component=daemon
daemon_ds=() # "NS NAME" of each daemon DaemonSet of the rendered kustomization (find_daemons)
daemon_ns=() # their namespaces
job_name=modelsync-sync
purge_name=modelsync-purge

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
purge=0
store_path=""
help=0
command=""

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
# command_usage COMMAND: what one command does and the options it reads.
command_usage() {
  local opts="-k/--kustomization/--overlay DIR, --context, --kubeconfig, -n/--namespace, --dry-run"
  case $1 in
    setup) cat <<EOF
usage: deploy/k3s-models.sh setup [-k DIR] [-m FILE] [-t TAG] [--registry PREFIX] [--store-path PATH]
                                  [--prefetch] [--wait-models] [--timeout DUR] [--dry-run]
Apply the kustomization and wait for the DaemonSet rollout. --prefetch first runs the one-time
\`sync\` Job (deploy/kustomize/setup-job) and waits for it, so a manifest that cannot download or
verify fails here, before the DaemonSet rolls out. --wait-models also waits until every node has
every model Ready. Also: $opts.
EOF
      ;;
    status) cat <<EOF
usage: deploy/k3s-models.sh status [--node NODE] [-n NS] [--context NAME] [--kubeconfig FILE]
The daemon DaemonSets and their pods, then \`ModelSync.Daemon status\` inside each daemon pod (--node:
only the pod on NODE). Pods are found by the labels $daemon_selector
in the namespaces of the kustomization's daemon DaemonSets, whatever they are called. Exit 3 when no
cluster is reachable.
EOF
      ;;
    monitor) cat <<EOF
usage: deploy/k3s-models.sh monitor [--interval SEC] [--logs] [--node NODE] [-n NS] [--context NAME]
status again every --interval seconds (default 5; Ctrl-C stops); --logs follows the daemon logs instead.
EOF
      ;;
    validate) cat <<EOF
usage: deploy/k3s-models.sh validate [-m FILE] [-k DIR] [--store-path PATH] [-t TAG] [--registry PREFIX] [--dry-run]
Render the kustomization (with -m, -t, --store-path as setup would) and lint what it would apply: the
manifest in the ConfigMap and key each daemon DaemonSet (pods labelled $daemon_selector)
mounts, with ModelSync.Daemon validate (\$MODELSYNC_DAEMON, the PATH or artifacts/daemon/, else the daemon
image through podman/docker). Problems read "KUSTOMIZATION: ConfigMap NS/NAME, KEY:LINE:COL: ...". Also
renders the setup Job. Needs no cluster. With --dry-run the rendered files are kept and their paths printed.
EOF
      ;;
    update) cat <<EOF
usage: deploy/k3s-models.sh update [-m FILE] [-t TAG] [--registry PREFIX] [--store-path PATH] [--wait-models] [--dry-run]
Apply a changed manifest (--manifest FILE replaces models.yaml) and/or --tag; the daemons reload the
ConfigMap in place (~1 min), a new tag rolls the DaemonSet. Also: $opts.
EOF
      ;;
    uninstall) cat <<EOF
usage: deploy/k3s-models.sh uninstall [--purge] [-k DIR] [--store-path PATH] [--timeout DUR] [--dry-run]
Delete what setup applied. The models stay on the nodes (PersistentVolume policy Retain) unless
--purge is given: then a short-lived DaemonSet (modelsync-purge; its init container runs as root with
only DAC_OVERRIDE) deletes the store directory on every node first, each node reporting what it
removed, and is deleted again. Also: $opts.
EOF
      ;;
  esac
}

# objects_of FILE: "Kind/name, ..." of a rendered file, for the dry-run summary.
objects_of() {
  awk '/^---/ { if (k != "") print k "/" n; k = ""; n = "" } /^kind:/ { k = $2 } /^  name:/ && n == "" { n = $2 }
       END { if (k != "") print k "/" n }' "$1" | paste -sd, - | sed 's/,/, /g'
}

# node_store FILE: the store's node directory a rendered file sets (ConfigMap modelsync-store, data.path).
node_store() {
  awk 'function done() { if (!found && k == "ConfigMap" && n == "modelsync-store" && p != "") { print p; found = 1 } }
       /^---/ { done(); k = ""; n = ""; p = "" } /^kind:/ { k = $2 } /^  name:/ { n = $2 } /^  path: / { p = $2 }
       END { done() }' "$1"
}

# daemonset_facts RENDERED: what validate, status and the waits need to know of each DaemonSet of a
# rendered file, one tab-separated line per fact (kubectl reads the file offline: annotate --local
# changes nothing, the go-template prints):
#   D  NS DS LABELS                 the DaemonSet and its pod template's labels (k=v,k=v,)
#   C  NS DS CONTAINER IMAGE WORD...  each container: its image, command and args
#   E  NS DS CONTAINER VALUE         its MODELSYNC_MANIFEST
#   M  NS DS CONTAINER VOLUME MOUNTPATH SUBPATH
#   V  NS DS VOLUME CONFIGMAP [KEY=PATH...]   each ConfigMap volume, with its items
#   P  NS DS VOLUME CONFIGMAP [KEY=PATH...]   each ConfigMap source of a projected volume, with its items
daemonset_facts() {
  local t='{{"\t"}}'
  kubectl annotate --local -f "$1" k3s-models- -o go-template="$(cat <<EOF
{{- if eq .kind "DaemonSet"}}{{\$ns := or .metadata.namespace "default"}}{{\$ds := .metadata.name}}{{\$t := .spec.template}}
{{- "D"}}$t{{\$ns}}$t{{\$ds}}$t{{range \$k, \$v := \$t.metadata.labels}}{{\$k}}={{\$v}},{{end}}
{{range \$t.spec.containers}}{{\$c := .name}}{{"C"}}$t{{\$ns}}$t{{\$ds}}$t{{\$c}}$t{{.image}}{{range .command}}$t{{.}}{{end}}{{range .args}}$t{{.}}{{end}}
{{range .env}}{{if eq .name "MODELSYNC_MANIFEST"}}{{"E"}}$t{{\$ns}}$t{{\$ds}}$t{{\$c}}$t{{.value}}
{{end}}{{end}}{{range .volumeMounts}}{{"M"}}$t{{\$ns}}$t{{\$ds}}$t{{\$c}}$t{{.name}}$t{{.mountPath}}$t{{or .subPath ""}}
{{end}}{{end}}{{range \$t.spec.volumes}}{{\$v := .name}}{{with .configMap}}{{"V"}}$t{{\$ns}}$t{{\$ds}}$t{{\$v}}$t{{.name}}{{range .items}}$t{{.key}}={{.path}}{{end}}
{{end}}{{with .projected}}{{range .sources}}{{with .configMap}}{{"P"}}$t{{\$ns}}$t{{\$ds}}$t{{\$v}}$t{{.name}}{{range .items}}$t{{.key}}={{.path}}{{end}}
{{end}}{{end}}{{end}}{{end}}{{end}}
EOF
)" | grep -v '^$' || true
}

# find_daemons RENDERED: daemon_ds ("NS NAME" of each DaemonSet whose pods carry $daemon_selector) and
# daemon_ns (their namespaces, each once); the facts stay in $work/daemonsets.tsv. A DaemonSet that
# runs the daemon image without those labels is named: nothing here would see its pods.
find_daemons() {
  local facts=$work/daemonsets.tsv ns ds rest
  daemonset_facts "$1" >"$facts"
  mapfile -t daemon_ds < <(awk -F'\t' -v sel="$daemon_selector" '
    $1 == "D" { n = split(sel, terms, ","); ok = 1; for (i = 1; i <= n; i++) if (index("," $4, "," terms[i] ",") == 0) ok = 0
                if (ok) print $2 " " $3 }' "$facts")
  mapfile -t daemon_ns < <(printf '%s\n' "${daemon_ds[@]%% *}" | awk 'NF && !seen[$0]++')
  while IFS=$'\t' read -r _ ns ds rest; do
    [[ " ${daemon_ds[*]/%/,} " != *" $ns $ds, "* ]] || continue
    info "note: DaemonSet $ns/$ds runs $(cut -f2 <<<"$rest") but its pods lack the labels $daemon_selector: validate, status, monitor and --wait-models do not see it (docs/deploy.md, \"Overlays: which DaemonSets are daemons\")"
  done < <(awk -F'\t' '$1 == "C" && $5 ~ /modelsync-daemon/ && !seen[$2 FS $3]++' "$facts")
  if ((${#daemon_ds[@]} == 0)); then
    info "$kustomization renders no DaemonSet whose pods carry the labels $daemon_selector (docs/deploy.md, \"Overlays: which DaemonSets are daemons\")"
    exit 1
  fi
}

# daemon_manifests: for each daemon DaemonSet ($work/daemonsets.tsv), the ConfigMap and key its
# `ModelSync.Daemon run` container reads the manifest from (--manifest, -m, MODELSYNC_MANIFEST, else
# /etc/modelsync/models.yaml), through the mount and volume that hold that path; or, when the path is
# the mount itself (--manifest DIR), the ConfigMaps of that volume (one, or each source of a projected
# volume), each as CONFIGMAP or CONFIGMAP:KEY=PATH,KEY=PATH when it lists items:
#   ok NS DS CONTAINER PATH CONFIGMAP KEY    or    dir NS DS CONTAINER PATH SOURCE...    or    error MESSAGE
daemon_manifests() {
  awk -F'\t' -v sel="$daemon_selector" '
    $1 == "D" { n = split(sel, terms, ","); ok = 1; for (i = 1; i <= n; i++) if (index("," $4, "," terms[i] ",") == 0) ok = 0
                if (ok) { daemons[$2 FS $3] = 1; order[++nd] = $2 FS $3 } }
    $1 == "C" { path = ""; run = 0
                for (i = 6; i <= NF; i++) {
                  if (!run) { if ($i == "run") run = 1; continue }
                  if (($i == "--manifest" || $i == "-m") && i < NF) path = $(i + 1)
                  else if ($i ~ /^--manifest=/) path = substr($i, 12)
                }
                if (run) { runs[$2 FS $3] = runs[$2 FS $3] $4 FS; cpath[$2 FS $3 FS $4] = path } }
    $1 == "E" { env[$2 FS $3 FS $4] = $5 }
    $1 == "M" { mounts[$2 FS $3 FS $4] = mounts[$2 FS $3 FS $4] $5 SUBSEP $6 SUBSEP $7 FS }
    $1 == "V" { cm[$2 FS $3 FS $4] = $5; items[$2 FS $3 FS $4] = ""; for (i = 6; i <= NF; i++) items[$2 FS $3 FS $4] = items[$2 FS $3 FS $4] $i FS }
    $1 == "P" { src = $5; for (i = 6; i <= NF; i++) src = src (i == 6 ? ":" : ",") $i
                proj[$2 FS $3 FS $4] = proj[$2 FS $3 FS $4] FS src }
    END {
      for (d = 1; d <= nd; d++) {
        split(order[d], id, FS); what = "DaemonSet " id[1] "/" id[2]
        if (runs[order[d]] == "") { print "error" FS what ": no container runs `ModelSync.Daemon run` (args: run ...)"; continue }
        nc = split(runs[order[d]], cs, FS)
        for (c = 1; c < nc; c++) {
          key3 = order[d] FS cs[c]
          path = cpath[key3]; if (path == "") path = env[key3]; if (path == "") path = "/etc/modelsync/models.yaml"
          # The mount that holds the path: the longest mountPath that is the path (subPath) or a parent of it.
          best = ""; bestpath = ""; rel = ""; nm = split(mounts[key3], ms, FS)
          for (m = 1; m < nm; m++) {
            split(ms[m], f, SUBSEP)
            if (f[3] != "" && f[2] == path && length(f[2]) > length(bestpath)) { best = f[1]; bestpath = f[2]; rel = f[3] }
            else if (f[3] == "" && f[2] == path && length(f[2]) > length(bestpath)) { best = f[1]; bestpath = f[2]; rel = "" }
            else if (f[3] == "" && index(path, f[2] "/") == 1 && length(f[2]) > length(bestpath)) { best = f[1]; bestpath = f[2]; rel = substr(path, length(f[2]) + 2) }
          }
          where = what " (container " cs[c] ") reads its manifest from " path
          if (best == "") { print "error" FS where ", which no volume mounts"; continue }
          v = order[d] FS best
          if (rel == "" && (v in cm)) {
            src = cm[v]; ni = split(items[v], it, FS); for (i = 1; i < ni; i++) src = src (i == 1 ? ":" : ",") it[i]
            print "dir" FS id[1] FS id[2] FS cs[c] FS path FS src; continue
          }
          if (rel == "" && (v in proj)) { print "dir" FS id[1] FS id[2] FS cs[c] FS path proj[v]; continue }
          if (!(v in cm)) { print "error" FS where ", in volume " best ", which is not a ConfigMap: validate cannot read it"; continue }
          key = ""
          if (items[v] != "") {
            ni = split(items[v], it, FS)
            for (i = 1; i < ni; i++) { eq = index(it[i], "="); if (substr(it[i], eq + 1) == rel) key = substr(it[i], 1, eq - 1) }
            if (key == "") { print "error" FS where ": ConfigMap " id[1] "/" cm[v] " (volume " best ") maps no key to " rel; continue }
          } else if (rel ~ /\//) {
            print "error" FS where ": ConfigMap " id[1] "/" cm[v] " (volume " best ") has no file " rel; continue
          } else key = rel
          print "ok" FS id[1] FS id[2] FS cs[c] FS path FS cm[v] FS key
        }
      }
    }' "$work/daemonsets.tsv"
}

# configmap_value RENDERED NS NAME KEY OUT: data[KEY] of ConfigMap NS/NAME into OUT. Exit 1: no such
# ConfigMap, 2: no such key.
configmap_value() {
  local raw=$5.raw
  # shellcheck disable=SC2016 # $k and $v are the template's variables
  kubectl annotate --local -f "$1" k3s-models- -o go-template="$(printf '{{if and (eq .kind "ConfigMap") (eq .metadata.name "%s") (eq (or .metadata.namespace "default") "%s")}}+{{range $k, $v := .data}}{{if eq $k "%s"}}={{$v}}{{end}}{{end}}{{end}}' "$3" "$2" "$4")" >"$raw"
  [ "$(head -c 1 "$raw")" = + ] || return 1
  [ "$(head -c 2 "$raw")" = += ] || return 2
  tail -c +3 "$raw" >"$5"
  rm -f "$raw"
}

# configmap_keys RENDERED NS NAME: the keys of ConfigMap NS/NAME, one a line. Exit 1: no such ConfigMap.
configmap_keys() {
  local raw
  # shellcheck disable=SC2016 # $k and $v are the template's variables
  raw=$(kubectl annotate --local -f "$1" k3s-models- -o go-template="$(printf '{{if and (eq .kind "ConfigMap") (eq .metadata.name "%s") (eq (or .metadata.namespace "default") "%s")}}+{{range $k, $v := .data}}{{"\\n"}}{{$k}}{{end}}{{end}}' "$3" "$2")")
  [ "${raw:0:1}" = + ] || return 1
  tail -n +2 <<<"$raw"
}

# need_cluster: one clear line, naming the context and server tried, when the API server does not answer.
need_cluster() {
  ((dry_run)) && return 0
  local ctx server err
  ctx=$("${kube[@]}" config current-context 2>/dev/null || true)
  [ -z "$context" ] || ctx=$context
  server=$("${kube[@]}" config view --minify -o 'jsonpath={.clusters[0].cluster.server}' 2>/dev/null || true)
  if err=$("${kube[@]}" version --request-timeout=5s -o json 2>&1 >/dev/null); then
    return 0
  fi
  if [ -z "$ctx" ]; then
    echo "k3s-models: no cluster: no kubeconfig context (KUBECONFIG=${KUBECONFIG:-unset}); on a K3s server: export KUBECONFIG=/etc/rancher/k3s/k3s.yaml, or pass --kubeconfig/--context" >&2
  else
    # kubectl repeats its error once per API group it tries; its last line says why, once.
    echo "k3s-models: no cluster reachable through context '$ctx' (server ${server:-?}): $(tail -n 1 <<<"$err" | sed -E 's/^.*\] //; s/^(error|Unable to connect to the server): //')" >&2
  fi
  exit 3
}
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
    --purge) purge=1; shift ;;
    --store-path) store_path=${2:?}; shift 2 ;;
    -h | --help) help=1; shift ;;
    setup | status | monitor | validate | update | uninstall)
      [ -z "$command" ] || die "one command at a time ($command, $1)"
      command=$1; shift ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
if ((help)); then
  if [ -n "$command" ]; then command_usage "$command"; else usage; fi
  exit 0
fi
[ -n "$command" ] || { usage >&2; exit 2; }
if [ -n "$store_path" ]; then
  # It becomes the hostPath of every store volume: absolute and plain (no part starting with '.',
  # so no '..'; no '//', no trailing '/').
  [[ $store_path =~ ^(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+$ ]] \
    || die "--store-path: '$store_path' is not an absolute directory path such as /mnt/nvme/ml-models"
fi
# Checked before anything is applied: a bad --timeout must not fail halfway through a setup.
[[ $timeout =~ ^([0-9]+|([0-9]+(h|m|s|ms))+)$ ]] || die "--timeout: '$timeout' is not a duration such as 90s, 30m, 1h30m"
if ((namespace_set)) && ! grep -q '^namespace: modelsync$' "$kustomization/kustomization.yaml"; then
  info "note: --namespace only selects where the prefetch Job and uninstall --purge run; $kustomization keeps the namespaces it sets, the daemons' included"
fi
[ -f "$kustomization/kustomization.yaml" ] || die "no kustomization.yaml in $kustomization"
[ -z "$manifest" ] || [ -f "$manifest" ] || die "manifest $manifest not found"
command -v kubectl >/dev/null || die "kubectl is not installed"

kube=(kubectl)
[ -z "$context" ] || kube+=(--context "$context")
[ -z "$kubeconfig" ] || kube+=(--kubeconfig "$kubeconfig")

work=$(mktemp -d "${TMPDIR:-/tmp}/k3s-models.XXXXXX")
# --dry-run keeps what it rendered: the commands it prints refer to these files.
if ((dry_run)); then
  echo "# k3s-models.sh $command --dry-run: nothing is changed; rendered files kept in $work"
else
  trap 'rm -rf "$work"' EXIT
fi

# show CMD...: print a command the way a person would type it.
# With --dry-run everything goes to stdout (a plan to read or save); otherwise to stderr as a trace.
show() {
  if ((dry_run)); then
    printf '%q' "$1"; shift; printf ' %q' "$@"; printf '\n' # a command to copy as it is: no prompt
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
    local has_models=0
    [ -z "$manifest" ] || ! kubectl kustomize "$src" 2>/dev/null | grep -q '^  name: modelsync-models$' || has_models=1
    if ((has_models)) || [ -n "$store_path" ]; then
      echo "configMapGenerator:"
      if ((has_models)); then
        cp "$manifest" "$out/models.yaml"
        echo "  - name: modelsync-models"
        echo "    behavior: replace"
        echo "    files: [models.yaml]"
      fi
      if [ -n "$store_path" ]; then
        echo "  - name: modelsync-store"
        echo "    behavior: merge"
        echo "    literals: [\"path=$store_path\"]"
      fi
      echo "generatorOptions:"
      echo "  disableNameSuffixHash: true"
    fi
    # Again at this level, after the merge above: kustomize runs components after the generators.
    [ -z "$store_path" ] || printf 'components:\n  - %s\n' "$(realpath --relative-to="$out" "$here/kustomize/components/store-path")"
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
    echo "# $file: $(grep -c '^kind:' "$file") objects ($(objects_of "$file"))"
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

# lint_manifest FILE LABEL [SHOWN]: ModelSync.Daemon validate FILE (its lines name LABEL instead of FILE, so
# "LABEL:LINE:COL: problem"); fails when FILE is not a valid manifest for the daemon's pods. A directory
# (lint_volume): each line names the ConfigMap and key of its file, and SHOWN (the path in the pods) stands
# for the directory inside messages.
lint_manifest() {
  local file=$1 label=$2 shown=${3:-} rest bin engine image seen root rc=0 out line cmd name src
  # store.root is the path inside the daemon's pods, where the DaemonSet mounts the store; the node
  # directory is --store-path. Another root would be written into the pod's read-only filesystem.
  # shellcheck disable=SC2016
  local find_root='/^[^ #]/ { in_store = ($0 ~ /^store:/) } in_store && /^  root:/ { print $2; exit }'
  if [ -d "$file" ]; then
    root=$(find "$file" -maxdepth 1 \( -name '*.yaml' -o -name '*.yml' \) -exec awk "$find_root" {} + | head -n 1)
  else
    root=$(awk "$find_root" "$file")
  fi
  if [ -n "$root" ] && [ "$root" != "$store_root" ]; then
    info "$label: store.root is $root; in the pods the store is at $store_root: keep store.root there and"
    info "move the store on the nodes with --store-path $root instead (docs/deploy.md, \"Where the store lives\")"
    return 1
  fi
  if bin=$(find_daemon_binary); then
    seen=$file
    cmd=("$bin" validate "$file")
  else
    engine=$(command -v podman || command -v docker || true)
    [ -n "$engine" ] || die "no ModelSync.Daemon binary (set MODELSYNC_DAEMON) and no podman/docker to run the image"
    image="${registry:-localhost}/modelsync-daemon:${tag:-dev}"
    seen=/etc/modelsync/models.yaml
    [ ! -d "$file" ] || seen=/etc/modelsync
    cmd=("$engine" run --rm --network=none --read-only -v "$(realpath "$file"):$seen:ro" "$image" validate "$seen")
  fi
  show "${cmd[@]}"
  out=$("${cmd[@]}" 2>&1) || rc=$?
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    if [ -f "$file.sources" ] && [[ $line == "$seen/"* ]]; then
      # A file of a manifest directory: named by the ConfigMap and key it comes from.
      name=${line#"$seen/"}; name=${name%%:*}
      src=$(awk -F'\t' -v n="$name" '$1 == n { print $2; exit }' "$file.sources")
      rest=${line#"$seen/$name"}
      [ -z "$shown" ] || rest=${rest//"$seen/"/"$shown/"}
      [ -z "$src" ] || { info "$kustomization: $src$rest"; continue; }
    fi
    info "${line/#"$seen"/$label}"
  done <<<"$out"
  ((rc == 0)) || { info "$label: not a valid manifest (ModelSync.Daemon validate exit $rc)"; return 1; }
}

# lint_volume RENDERED NS DS CONTAINER PATH SOURCES: a daemon that reads --manifest DIR: the files kubelet
# would put in DIR, from each ConfigMap of the volume (tab-separated SOURCES, as daemon_manifests prints
# them), linted together by ModelSync.Daemon validate DIR; each problem names its ConfigMap and key.
lint_volume() {
  local out=$1 ns=$2 ds=$3 container=$4 path=$5 dir src cm items pair key name rc=0 srcs pairs
  dir=$work/manifests/$ns.$ds.$container.d
  mkdir -p "$dir"
  : >"$dir.sources"
  IFS=$'\t' read -ra srcs <<<"$6"
  for src in "${srcs[@]}"; do
    cm=${src%%:*}; items=""
    [[ $src != *:* ]] || items=${src#*:}
    if [ -n "$items" ]; then
      IFS=, read -ra pairs <<<"$items"
    elif keys=$(configmap_keys "$out" "$ns" "$cm"); then
      pairs=(); while IFS= read -r key; do [ -z "$key" ] || pairs+=("$key=$key"); done <<<"$keys"
    else
      info "$kustomization: DaemonSet $ns/$ds mounts ConfigMap $ns/$cm at $path, which $kustomization does not render (its pods would not start)"
      rc=1; continue
    fi
    for pair in "${pairs[@]}"; do
      key=${pair%%=*}; name=${pair#*=}
      if [ -e "$dir/$name" ]; then
        info "$kustomization: DaemonSet $ns/$ds: $path/$name comes from two ConfigMaps of its volume (the second: $ns/$cm, $key)"
        rc=1; continue
      fi
      mkdir -p "$(dirname "$dir/$name")"
      configmap_value "$out" "$ns" "$cm" "$key" "$dir/$name" || { info "$kustomization: DaemonSet $ns/$ds reads $path, but ConfigMap $ns/$cm has no key $key (its pods would not start)"; rc=1; continue; }
      printf '%s\t%s\n' "$name" "ConfigMap $ns/$cm, $key" >>"$dir.sources"
    done
  done
  info "linting $path, a manifest directory of $(wc -l <"$dir.sources") files from ConfigMaps $(printf '%s\n' "${srcs[@]%%:*}" | paste -sd, - | sed 's/,/, /g') (DaemonSet $ns/$ds, container $container)"
  lint_manifest "$dir" "$kustomization: $path" "$path" || rc=1
  return $rc
}

# validate lints what would be applied: the manifest in the ConfigMap each daemon DaemonSet of the
# rendered kustomization mounts (with --manifest: that file, in place of modelsync-models).
cmd_validate() {
  local out status ns ds container path cm key file label rc=0 linted=" " used_manifest=0
  out=$(render "$kustomization" "$work/main")
  find_daemons "$out"
  mkdir -p "$work/manifests"
  while IFS=$'\t' read -r status ns ds container path cm key; do
    if [ "$status" = dir ]; then
      [[ $'\t'$cm$'\t'$key$'\t' != *$'\t'modelsync-models[$'\t':]* ]] || [ -z "$manifest" ] || used_manifest=1
      lint_volume "$out" "$ns" "$ds" "$container" "$path" "$cm${key:+$'\t'$key}" || rc=1
      continue
    fi
    if [ "$status" != ok ]; then
      info "$kustomization: $ns"; rc=1; continue # an error line: the message is the second field
    fi
    [ "$cm" != modelsync-models ] || [ -z "$manifest" ] || used_manifest=1
    [[ $linted != *" $ns/$cm/$key "* ]] || continue # one ConfigMap mounted by several DaemonSets
    linted+="$ns/$cm/$key "
    file=$work/manifests/$ns.$cm.$key
    label="$kustomization: ConfigMap $ns/$cm, $key"
    configmap_value "$out" "$ns" "$cm" "$key" "$file" || {
      case $? in
        1) info "$kustomization: DaemonSet $ns/$ds mounts ConfigMap $ns/$cm, which $kustomization does not render (its pods would not start)" ;;
        *) info "$kustomization: DaemonSet $ns/$ds reads $path, but ConfigMap $ns/$cm has no key $key (its pods would not start)" ;;
      esac
      rc=1; continue
    }
    info "linting ConfigMap $ns/$cm, key $key (DaemonSet $ns/$ds, container $container: $path)$([ "$cm" != modelsync-models ] || [ -z "$manifest" ] || echo ": --manifest $manifest")"
    lint_manifest "$file" "$label" || rc=1
  done < <(daemon_manifests)
  if [ -n "$manifest" ] && ((used_manifest == 0)); then
    info "$kustomization: no daemon reads ConfigMap modelsync-models, which --manifest $manifest replaces: it was not used"
    rc=1
  fi
  ((rc == 0)) || { info "$kustomization: not valid; applied, its daemon pods would exit 2 at start"; exit 1; }
  info "rendered $kustomization: $(grep -c '^kind:' "$out") objects; the store on the nodes: $(node_store "$out")"
  ((dry_run == 0)) || echo "# $out: $(objects_of "$out")"
  if [ -d "$here/kustomize/setup-job" ]; then
    out=$(render "$here/kustomize/setup-job" "$work/job")
    info "rendered setup-job: $(grep -c '^kind:' "$out") objects"
    ((dry_run == 0)) || echo "# $out: $(objects_of "$out")"
  fi
}

# wait_rollout: each daemon DaemonSet's rollout (find_daemons); --wait-models: every daemon pod Ready.
wait_rollout() {
  local d
  for d in "${daemon_ds[@]}"; do
    run "${kube[@]}" -n "${d%% *}" rollout status "daemonset/${d#* }" --timeout="$timeout"
  done
  if ((wait_models)); then
    info "waiting until every daemon pod is Ready (= every model Ready on its node), up to $timeout"
    for d in "${daemon_ns[@]}"; do
      run "${kube[@]}" -n "$d" wait pod -l "$daemon_selector" --for=condition=Ready --timeout="$timeout"
    done
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
  need_cluster
  out=$(render "$kustomization" "$work/main")
  find_daemons "$out" # before anything is applied: a kustomization without a daemon fails here
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
  need_cluster
  out=$(render "$kustomization" "$work/main")
  find_daemons "$out"
  apply_rendered "$out"
  [ -z "$manifest" ] || info "the daemons pick the new manifest up within ~1 min (ConfigMap volume refresh); watch: $0 monitor"
  wait_rollout
}

# daemon_pods: "NAMESPACE POD NODE" of every daemon pod (find_daemons: the namespaces; the label).
daemon_pods() {
  local ns
  for ns in "${daemon_ns[@]}"; do
    "${kube[@]}" -n "$ns" get pods -l "$daemon_selector" -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{"\n"}{end}' \
      | sed "s|^|$ns |"
  done
}

# status: the daemon DaemonSets and pods, found by $daemon_selector in the namespaces of the rendered
# kustomization's daemon DaemonSets (an overlay may rename them or add more), then each pod's status.
cmd_status() {
  local ns
  ((${#daemon_ns[@]})) || find_daemons "$(render "$kustomization" "$work/main")"
  if ((dry_run)); then
    for ns in "${daemon_ns[@]}"; do
      show "${kube[@]}" -n "$ns" get daemonset -l "$daemon_selector" -o wide
      show "${kube[@]}" -n "$ns" get pods -l "$daemon_selector" -o wide
    done
    show "${kube[@]}" -n NAMESPACE exec POD -c daemon -- ModelSync.Daemon status --root "$store_root"
    return 0
  fi
  need_cluster
  for ns in "${daemon_ns[@]}"; do
    "${kube[@]}" -n "$ns" get daemonset -l "$daemon_selector" -o wide
    echo
    "${kube[@]}" -n "$ns" get pods -l "$daemon_selector" -o wide
  done
  local pod pod_node
  while read -r ns pod pod_node; do
    [ -n "$pod" ] || continue
    [ -z "$node" ] || [ "$node" = "$pod_node" ] || continue
    echo
    echo "== $pod_node ($pod)"
    "${kube[@]}" -n "$ns" exec "$pod" -c daemon -- ModelSync.Daemon status --root "$store_root" \
      || echo "(status unavailable: pod not running? see: ${kube[*]} -n $ns logs $pod -c daemon)"
  done < <(daemon_pods)
}

cmd_monitor() {
  local ns pids=()
  find_daemons "$(render "$kustomization" "$work/main")"
  if ((follow_logs)); then
    need_cluster
    for ns in "${daemon_ns[@]}"; do
      show "${kube[@]}" -n "$ns" logs -f -l "$daemon_selector" -c daemon --prefix --max-log-requests=100 --tail=20
      ((dry_run)) || { "${kube[@]}" -n "$ns" logs -f -l "$daemon_selector" -c daemon --prefix --max-log-requests=100 --tail=20 & pids+=($!); }
    done
    ((dry_run)) || wait "${pids[@]}"
    return
  fi
  ((dry_run)) && { cmd_status; return; }
  need_cluster
  while :; do
    [ -t 1 ] && printf '\033[H\033[2J'
    date
    cmd_status || true
    sleep "$interval"
  done
}

cmd_uninstall() {
  local out node_dir
  need_cluster
  out=$(render "$kustomization" "$work/main")
  node_dir=$(node_store "$out")
  node_dir=${node_dir:-$store_root}
  if ((dry_run)); then
    echo "# $out: $(grep -c '^kind:' "$out") objects to delete ($(objects_of "$out"))"
  fi
  ((purge == 0)) || purge_nodes "$out" "$node_dir"
  run "${kube[@]}" -n "$namespace" delete job "$job_name" --ignore-not-found
  run "${kube[@]}" delete -f "$out" --ignore-not-found --wait=true
  if ((purge)); then
    info "deleted $node_dir on every node (what each node had is listed above)"
  else
    info "the models stay on every node in $node_dir (PersistentVolume policy Retain);"
    info "to delete them from every node too: $0 uninstall --purge$([ -z "$store_path" ] || printf ' --store-path %q' "$store_path")"
  fi
}

# purge_yaml NODE_DIR IMAGE: a DaemonSet whose init container deletes NODE_DIR on its node and says
# what it removed; the main container only waits, so a finished rollout means "done on every node".
purge_yaml() {
  local dir=$1 image=$2 parent base
  parent=$(dirname "$dir") base=$(basename "$dir")
  cat <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: $purge_name
  namespace: $namespace
  labels: { app.kubernetes.io/name: $purge_name, app.kubernetes.io/part-of: modelsync }
spec:
  selector:
    matchLabels: { app.kubernetes.io/name: $purge_name }
  template:
    metadata:
      labels: { app.kubernetes.io/name: $purge_name }
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 1
      tolerations:
        - { operator: Exists, effect: NoSchedule }
        - { operator: Exists, effect: NoExecute }
      initContainers:
        - name: purge
          image: $image
          imagePullPolicy: IfNotPresent
          command: ["/usr/bin/busybox", "sh", "-c"]
          args:
            - |
              d=/node/$base
              if [ -e "\$d" ]; then
                size=\$(busybox du -sh "\$d" | busybox cut -f1)
                files=\$(busybox find "\$d" -type f | busybox wc -l)
                busybox rm -rf "\$d"
                echo "removed $dir on \$NODE: \$files files, \$size"
              else
                echo "nothing at $dir on \$NODE"
              fi
          env:
            - name: NODE
              valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
          securityContext:
            runAsUser: 0
            runAsNonRoot: false
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: { drop: ["ALL"], add: ["DAC_OVERRIDE"] }
          volumeMounts:
            - { name: parent, mountPath: /node }
      containers:
        - name: wait
          image: $image
          imagePullPolicy: IfNotPresent
          command: ["/usr/bin/busybox", "sh", "-c", "trap 'exit 0' TERM; while :; do busybox sleep 1; done"]
          securityContext:
            runAsUser: 65532
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: { drop: ["ALL"] }
          resources: { limits: { cpu: 100m, memory: 32Mi } }
      volumes:
        - name: parent
          hostPath: { path: $parent, type: DirectoryOrCreate } # a node without it: "nothing at"
EOF
}

# purge_nodes RENDERED NODE_DIR: run the purge DaemonSet on every node, print what each removed, delete it.
purge_nodes() {
  local image file pod
  image=$(grep -m1 -oE 'image: [^ ]*modelsync-daemon[^ ]*' "$1" | cut -d' ' -f2)
  file=$work/purge.yaml
  purge_yaml "$2" "${image:-localhost/modelsync-daemon:dev}" >"$file"
  info "purge: deleting $2 on every node through daemonset/$purge_name ($file)"
  run "${kube[@]}" apply -f "$file"
  run "${kube[@]}" -n "$namespace" rollout status "daemonset/$purge_name" --timeout="$timeout"
  if ((dry_run == 0)); then
    while read -r pod; do
      [ -z "$pod" ] || "${kube[@]}" -n "$namespace" logs "$pod" -c purge | sed 's/^/k3s-models: /' >&2
    done < <("${kube[@]}" -n "$namespace" get pods -l "app.kubernetes.io/name=$purge_name" -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}')
  fi
  run "${kube[@]}" -n "$namespace" delete -f "$file" --wait=true
}

case $command in
  setup) cmd_setup ;;
  status) cmd_status ;;
  monitor) cmd_monitor ;;
  validate) cmd_validate ;;
  update) cmd_update ;;
  uninstall) cmd_uninstall ;;
esac
