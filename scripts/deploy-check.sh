#!/usr/bin/env bash
# Static checks of everything under deploy/ (offline, ~15 s; no cluster, no podman):
#   1. kubectl kustomize renders the base, the setup Job and every overlay, and each component on the base
#   2. shellcheck of every shell script in the repository
#   3. k3s-models.sh --dry-run renders a plan for each command
#   4. tests/ModelSync.Deploy.Tests: every rendered object loaded strictly (KubernetesClient) + the
#      pod/gate/PV invariants (skip with --no-dotnet when scripts/test.sh already ran the solution's tests)
set -euo pipefail
# shellcheck source=deploy-lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-lib.sh"
cd "$deploy_repo"
run_dotnet=1
[ "${1:-}" != --no-dotnet ] || run_dotnet=0
need kubectl shellcheck

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
trap 'rm -f "$plan"; rm -rf "$with"' EXIT
bash deploy/k3s-models.sh -h >/dev/null
bash deploy/k3s-models.sh --dry-run -t 9.9.9 setup >"$plan"
grep -q 'image: localhost/modelsync-daemon:9.9.9' "$plan" || die "setup --dry-run -t 9.9.9 did not retag the daemon"
bash deploy/k3s-models.sh --dry-run -k deploy/kustomize/overlays/k3s-example --prefetch setup >"$plan" 2>/dev/null
grep -q 'kind: Job' "$plan" || die "setup --prefetch --dry-run shows no Job"
bash deploy/k3s-models.sh --dry-run -n ml-system setup >"$plan"
grep -q 'namespace: ml-system' "$plan" || die "--namespace not applied to the base"
bash deploy/k3s-models.sh --dry-run status >/dev/null
bash deploy/k3s-models.sh --dry-run uninstall >/dev/null 2>&1
if bash deploy/k3s-models.sh bogus >/dev/null 2>&1; then die "an unknown command must fail"; fi
echo "ok  setup, setup --prefetch, status, uninstall"

if ((run_dotnet)); then
  echo "== tests/ModelSync.Deploy.Tests"
  out=$(mktemp)
  dotnet test tests/ModelSync.Deploy.Tests -c Release -nologo -clp:ErrorsOnly >"$out" 2>&1 || { cat "$out"; rm -f "$out"; die "deploy tests failed"; }
  grep -E 'Passed!' "$out"
  rm -f "$out"
fi
echo "deploy-check: OK"
