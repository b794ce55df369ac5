#!/usr/bin/env bash
# Builds the ModelSync images (scripts/deploy-images.sh) and pushes them, every architecture built,
# to a registry, so a cluster can pull them (docs/deploy.md, "Images from a registry").
#
# usage: scripts/release.sh --registry HOST[:PORT][/PREFIX] [--tag TAG] [--no-build] [--insecure]
#                           [-- DEPLOY-IMAGES-ARGS...]
#   --registry R   where to push: R/modelsync-gate:TAG and R/modelsync-daemon:TAG
#   --tag TAG      the image tag (default dev)
#   --no-build     push what localhost/modelsync-{gate,daemon}:TAG already are (built before)
#   --insecure     plain HTTP / unverified TLS to the registry (a private registry on a LAN or 127.0.0.1)
#   -- ARGS        passed on to scripts/deploy-images.sh (e.g. -- --no-test)
# Log in first when the registry needs it: podman login HOST[:PORT]
# A multi-architecture build (a manifest list localhost/IMAGE:TAG) is pushed whole, with every image
# it lists; a single image is pushed as it is. Prints what it pushed and the install command.
set -euo pipefail
# shellcheck source=deploy-lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/deploy-lib.sh"
cd "$deploy_repo"

registry=""
tag=dev
build=1
tls=(--tls-verify=true)
images_args=()
while (($#)); do
  case $1 in
    --registry) registry=${2:?}; shift 2 ;;
    --tag) tag=${2:?}; shift 2 ;;
    --no-build) build=0; shift ;;
    --insecure) tls=(--tls-verify=false); shift ;;
    --) shift; images_args=("$@"); break ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[ -n "$registry" ] || die "--registry HOST[:PORT][/PREFIX] is required (see --help)"
registry=${registry%/}
need podman

if ((build)); then
  log "building the images: scripts/deploy-images.sh --tag $tag ${images_args[*]}"
  bash scripts/deploy-images.sh --tag "$tag" "${images_args[@]}"
fi

# arches IMAGE: the architectures a local image or manifest list holds, space-separated.
arches() {
  if podman manifest exists "$1" 2>/dev/null; then
    podman manifest inspect "$1" | python3 -c 'import json, sys; print(" ".join(m["platform"]["architecture"] for m in json.load(sys.stdin)["manifests"]))'
  else
    podman image inspect -f '{{.Architecture}}' "$1"
  fi
}

for name in modelsync-gate modelsync-daemon; do
  src=localhost/$name:$tag
  dest=$registry/$name:$tag
  if podman manifest exists "$src" 2>/dev/null; then
    log "pushing $src ($(arches "$src")) -> $dest"
    podman manifest push --quiet --all "${tls[@]}" "$src" "docker://$dest"
  else
    podman image exists "$src" || die "no image $src: build it (drop --no-build) or run scripts/deploy-images.sh --tag $tag"
    log "pushing $src ($(arches "$src")) -> $dest"
    podman push --quiet "${tls[@]}" "$src" "docker://$dest"
  fi
  echo "pushed $dest ($(arches "$src"))"
done
echo "install: deploy/k3s-models.sh --registry $registry --tag $tag setup"
