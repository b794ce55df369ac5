#!/usr/bin/env bash
# Static checks of everything under deploy/ (offline, ~15 s; no cluster, no podman):
#   1. kubectl kustomize renders the base, the setup Job and every overlay, and each component on the base
#   2. shellcheck of every shell script in the repository
#   3. k3s-models.sh: --dry-run plans (rendered files kept), --store-path, COMMAND --help, every option
#      in --help, one line and exit 3 with a dead cluster (KUBECONFIG -> 127.0.0.1:9), uninstall --purge
#   4. tests/ModelSync.Deploy.Tests: every rendered object loaded strictly (KubernetesClient) + the
#      pod/gate/PV invariants (skip with --no-dotnet when scripts/test.sh already ran the solution's tests)
set -euo pipefail
# shellcheck source=deploy-lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-lib.sh"
cd "$deploy_repo"
run_dotnet=1
[ "${1:-}" != --no-dotnet ] || run_dotnet=0
need kubectl shellcheck python3

echo "== kustomize"
while IFS= read -r k; do
  dir=$(dirname "$k")
  grep -q '^kind: Component' "$k" && continue
  case $dir in deploy/kustomize/overlays/*/*) continue ;; esac # parts of an overlay
  n=$(kubectl kustomize "$dir" | grep -c '^kind:')
  echo "ok  $dir ($n objects)"
done < <(find deploy/kustomize -name kustomization.yaml | sort)
# A component renders only inside a kustomization: the base plus it (kustomize wants relative paths).
with=$(mktemp -d)
trap 'rm -rf "$with"' EXIT
for c in deploy/kustomize/components/*/; do
  c=${c%/}
  printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [%s]\ncomponents: [%s]\n' \
    "$(realpath --relative-to="$with" deploy/kustomize/base)" "$(realpath --relative-to="$with" "$c")" >"$with/kustomization.yaml"
  n=$(kubectl kustomize "$with" | grep -c '^kind:')
  echo "ok  base + $c ($n objects)"
done

echo "== shellcheck"
mapfile -t scripts < <(git ls-files -co --exclude-standard -- '*.sh' | sort)
shellcheck -x -P SCRIPTDIR "${scripts[@]}"
echo "ok  ${#scripts[@]} scripts: ${scripts[*]}"

echo "== k3s-models.sh --dry-run"
plan=$(mktemp)
dead=$(mktemp -d)
trap 'rm -rf "$plan" "$dead" "$with"' EXIT
export TMPDIR=$dead # where --dry-run keeps its rendered files: removed on exit
# kept_file PLAN: the rendered file a --dry-run plan names (it must still exist: the plan's commands use it).
kept_file() { sed -nE 's/^# (\/[^:]*\/main\/rendered\.yaml):.*/\1/p' "$1" | head -n 1; }
bash deploy/k3s-models.sh -h >/dev/null
bash deploy/k3s-models.sh --dry-run -t 9.9.9 setup >"$plan"
rendered=$(kept_file "$plan")
[ -f "$rendered" ] || die "setup --dry-run did not keep the rendered file it names (${rendered:-none})"
grep -qx "kubectl apply -f $rendered" "$plan" || die "setup --dry-run prints no copyable 'kubectl apply -f $rendered'"
grep -q 'image: localhost/modelsync-daemon:9.9.9' "$rendered" || die "setup --dry-run -t 9.9.9 did not retag the daemon"
bash deploy/k3s-models.sh --dry-run -k deploy/kustomize/overlays/k3s-example --prefetch setup >"$plan" 2>/dev/null
grep -q 'Job/modelsync-sync' "$plan" || die "setup --prefetch --dry-run shows no Job"
bash deploy/k3s-models.sh --dry-run -n ml-system setup >"$plan"
grep -q 'namespace: ml-system' "$(kept_file "$plan")" || die "--namespace not applied to the base"
bash deploy/k3s-models.sh --dry-run status >/dev/null
bash deploy/k3s-models.sh --dry-run uninstall >/dev/null 2>&1
if bash deploy/k3s-models.sh bogus >/dev/null 2>&1; then die "an unknown command must fail"; fi
echo "ok  setup, setup --prefetch, status, uninstall; rendered files kept and named"

echo "== k3s-models.sh --store-path"
bash deploy/k3s-models.sh --dry-run --store-path /mnt/nvme/ml-models -k deploy/kustomize/overlays/k3s-example setup >"$plan"
rendered=$(kept_file "$plan")
n=$(grep -cE '^ +path: /mnt/nvme/ml-models$' "$rendered")
((n == 3)) || die "--store-path set $n of 3 store paths (ConfigMap, PersistentVolume, DaemonSet)"
! grep -q 'k3s-storage' <(grep -E '^ +path: ' "$rendered") || die "--store-path left a default hostPath behind"
if bash deploy/k3s-models.sh --dry-run --store-path relative/dir setup >/dev/null 2>&1; then die "--store-path accepted a relative path"; fi
sed 's|^  root: .*|  root: /mnt/nvme/ml-models|' deploy/kustomize/base/models.yaml >"$dead/moved-root.yaml"
if bash deploy/k3s-models.sh -m "$dead/moved-root.yaml" validate >/dev/null 2>"$dead/err"; then die "validate accepted a store.root other than the pods' path"; fi
grep -q -- "--store-path /mnt/nvme/ml-models instead" "$dead/err" || die "validate does not point a moved store.root at --store-path: $(cat "$dead/err")"
echo "ok  --store-path sets the ConfigMap, the PV and the DaemonSet; validate points a moved store.root at --store-path"

echo "== k3s-models.sh help"
for cmd in setup status monitor validate update uninstall; do
  out=$(bash deploy/k3s-models.sh "$cmd" --help)
  grep -q "^usage: deploy/k3s-models.sh $cmd " <<<"$out" || die "$cmd --help is not the help of $cmd"
done
help=$(bash deploy/k3s-models.sh --help)
# Every option the parser knows is in the help.
mapfile -t opts < <(grep -oE '^ +(-[a-z] \| )?--[a-z-]+( \| --[a-z-]+)*\)' deploy/k3s-models.sh | grep -oE -- '--[a-z-]+')
((${#opts[@]} > 15)) || die "found only ${#opts[@]} options in the parser"
for opt in "${opts[@]}"; do
  grep -q -- "$opt" <<<"$help" || die "option $opt is missing from --help"
done
echo "ok  COMMAND --help for each command; every option in --help"

echo "== k3s-models.sh without a cluster"
cat >"$dead/kubeconfig" <<'EOF'
apiVersion: v1
kind: Config
clusters: [{ name: dead, cluster: { server: "https://127.0.0.1:9" } }]
users: [{ name: nobody, user: { token: none } }]
contexts: [{ name: dead-context, context: { cluster: dead, user: nobody } }]
current-context: dead-context
EOF
for cmd in status setup uninstall; do
  rc=0
  KUBECONFIG=$dead/kubeconfig bash deploy/k3s-models.sh "$cmd" >"$dead/out" 2>"$dead/err" || rc=$?
  ((rc == 3)) || die "$cmd without a cluster: exit $rc, not 3"
  [ "$(wc -l <"$dead/err")" -eq 1 ] || die "$cmd without a cluster: not one line: $(cat "$dead/err")"
  grep -q "context 'dead-context' (server https://127.0.0.1:9)" "$dead/err" || die "$cmd: the line does not name the context: $(cat "$dead/err")"
  ! grep -q 'memcache.go' "$dead/err" || die "$cmd: raw kubectl errors"
done
rc=0
KUBECONFIG=$dead/none bash deploy/k3s-models.sh status 2>"$dead/err" >/dev/null || rc=$?
if ((rc != 3)) || ! grep -q 'no kubeconfig context' "$dead/err"; then die "status without any kubeconfig: exit $rc, $(cat "$dead/err")"; fi
echo "ok  one line naming context and server, exit 3"

echo "== k3s-models.sh uninstall --purge --dry-run"
bash deploy/k3s-models.sh --dry-run --store-path /mnt/nvme/ml-models uninstall --purge >"$plan" 2>"$dead/err"
purge=$(sed -nE 's/^kubectl apply -f (.*purge\.yaml)$/\1/p' "$plan")
[ -f "$purge" ] || die "uninstall --purge --dry-run names no kept purge DaemonSet"
python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert d["kind"] == "DaemonSet", d["kind"]' "$purge" \
  || die "the purge file is not one DaemonSet"
if ! grep -q 'path: /mnt/nvme,' "$purge" || ! grep -q 'd=/node/ml-models' "$purge"; then die "the purge DaemonSet does not target /mnt/nvme/ml-models"; fi
grep -q "deleted /mnt/nvme/ml-models on every node" "$dead/err" || die "uninstall --purge does not say what it removed"
bash deploy/k3s-models.sh --dry-run uninstall >"$plan" 2>"$dead/err"
! grep -q purge "$plan" || die "uninstall without --purge would purge"
grep -q 'uninstall --purge' "$dead/err" || die "uninstall does not say how to delete the data"
echo "ok  purge only when asked; a valid DaemonSet on the store's parent"

if ((run_dotnet)); then
  echo "== tests/ModelSync.Deploy.Tests"
  out=$(mktemp)
  dotnet test tests/ModelSync.Deploy.Tests -c Release -nologo -clp:ErrorsOnly >"$out" 2>&1 || { cat "$out"; rm -f "$out"; die "deploy tests failed"; }
  grep -E 'Passed!' "$out"
  rm -f "$out"
fi
echo "deploy-check: OK"
