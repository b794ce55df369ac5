#!/usr/bin/env bash
# scripts/release.sh against a real registry: a Debian docker-registry on a free 127.0.0.1 port.
# Pushes localhost/modelsync-{gate,daemon}:TAG (building them when absent), checks the registry
# serves every architecture pushed, then pulls and runs each pushed image with podman (~20 s).
# usage: scripts/release-check.sh [--tag TAG]      (default dev: what scripts/deploy-images.sh built)
set -euo pipefail
# shellcheck source=deploy-lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-lib.sh"
cd "$deploy_repo"
tag=dev
[ "${1:-}" != --tag ] || tag=${2:?}
need docker-registry podman curl python3

work=$(mktemp -d /tmp/modelsync-release.XXXXXX)
port=$(free_port)
registry=127.0.0.1:$port/modelsync-check
registry_pid=""
cleanup() {
  [ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true
  for name in modelsync-gate modelsync-daemon; do podman rmi -f "$registry/$name:$tag" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cat >"$work/config.yml" <<EOF
version: 0.1
log: { level: error }
storage: { filesystem: { rootdirectory: $work/data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$port }
EOF
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" || die "docker-registry did not start: $(cat "$work/registry.log")"
log "registry on 127.0.0.1:$port"

build=(--no-build)
podman image exists "localhost/modelsync-gate:$tag" && podman image exists "localhost/modelsync-daemon:$tag" || build=(-- --no-test)
bash scripts/release.sh --registry "$registry" --tag "$tag" --insecure "${build[@]}" | tee "$work/release.out"
grep -qx "install: deploy/k3s-models.sh --registry $registry --tag $tag setup" "$work/release.out" \
  || die "release.sh printed no install command"

# served ARCH...: what the registry holds for an image: every architecture of an index, each manifest fetchable.
accept='application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json'
for name in modelsync-gate modelsync-daemon; do
  repo=${registry#*/}/$name
  curl -fsS -H "Accept: $accept" "http://127.0.0.1:$port/v2/$repo/manifests/$tag" >"$work/$name.json" \
    || die "the registry does not serve $repo:$tag"
  pushed=$(grep "^pushed $registry/$name:$tag " "$work/release.out" | sed -E 's/.*\((.*)\)$/\1/')
  served=$(python3 - "$work/$name.json" "http://127.0.0.1:$port/v2/$repo/manifests/" "$accept" <<'EOF'
import json, sys, urllib.request
doc, base, accept = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
if "manifests" in doc:
    for m in doc["manifests"]:
        urllib.request.urlopen(urllib.request.Request(base + m["digest"], headers={"Accept": accept})).read()
    print(" ".join(m["platform"]["architecture"] for m in doc["manifests"]))
else:
    config = doc["config"]["digest"]
    blob = json.load(urllib.request.urlopen(base.replace("/manifests/", "/blobs/") + config))
    print(blob["architecture"])
EOF
  ) || die "$repo:$tag: a manifest it lists is not served"
  [ "$served" = "$pushed" ] || die "$repo:$tag: the registry serves '$served', release.sh pushed '$pushed'"
  log "ok: $repo:$tag served for $served"
done

# What a node does: pull from the registry (nothing local of that name) and run.
out=$(podman run --rm --pull=always --tls-verify=false --network=none "$registry/modelsync-gate:$tag" --version)
grep -q '^ModelSync.Gate ' <<<"$out" || die "the pulled gate image printed '$out'"
out=$(podman run --rm --pull=always --tls-verify=false --network=none --read-only "$registry/modelsync-daemon:$tag" --version)
[ -n "$out" ] || die "the pulled daemon image printed no version"
log "ok: pulled and ran $registry/modelsync-gate:$tag and modelsync-daemon:$tag"
echo "release-check: OK"
