#!/usr/bin/env bash
# Shared helpers of scripts/deploy-*.sh. Source it; it defines functions only (plus CONTAINERS_CONF).
# shellcheck disable=SC2034   # variables are used by the scripts that source this file

deploy_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# podman/buildah settings of this machine kind, /etc left alone (the caller may override).
export CONTAINERS_CONF="${CONTAINERS_CONF:-$deploy_repo/deploy/podman/containers.conf}"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# free_port: a TCP port on 127.0.0.1 nothing listens on now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# need CMD... : fail with a clear message when a tool is missing.
need() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null || die "$c is not installed (apt-get install -y podman buildah runc debootstrap shellcheck)"; done
}

# write_file_entry PATH FILE -> one inventory/marker "files" JSON entry for FILE stored as PATH.
file_entry() {
  local path=$1 file=$2 size sha
  size=$(stat -c %s "$file")
  sha=$(sha256sum "$file" | cut -d' ' -f1)
  printf '{ "path": "%s", "size": %s, "sha256": "%s", "xxh128": null }' "$path" "$size" "$sha"
}

# make_model STORE NAME VERSION BYTES: publishes models/NAME/VERSION by hand the way the daemon does
# (files 0444, .modelsync.json marker, relative current/NAME link) and prints its inventory entry.
make_model() {
  local store=$1 name=$2 version=$3 bytes=$4 dir now entries
  dir="$store/models/$name/$version"
  mkdir -p "$dir" "$store/current"
  printf '{"model": "%s", "version": "%s"}\n' "$name" "$version" >"$dir/config.json"
  head -c "$bytes" /dev/urandom >"$dir/weights.bin"
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  entries="$(file_entry config.json "$dir/config.json"), $(file_entry weights.bin "$dir/weights.bin")"
  printf '{ "schemaVersion": 1, "name": "%s", "version": "%s", "publishedAt": "%s", "files": [ %s ] }\n' \
    "$name" "$version" "$now" "$entries" >"$dir/.modelsync.json"
  chmod 0444 "$dir"/* "$dir/.modelsync.json"
  ln -sfn "../models/$name/$version" "$store/current/$name"
  printf '{ "name": "%s", "version": "%s", "state": "Ready", "path": "models/%s/%s", "bytes": %s, "readyAt": "%s", "verifiedAt": "%s", "files": [ %s ], "progress": null, "error": null, "previous": null }' \
    "$name" "$version" "$name" "$version" "$(du -cb "$dir"/config.json "$dir"/weights.bin | tail -1 | cut -f1)" "$now" "$now" "$entries"
}

# write_inventory STORE ENTRY... : writes STORE/inventory.json (tmp + rename) from model entries.
write_inventory() {
  local store=$1; shift
  local IFS=,
  printf '{ "schemaVersion": 1, "generation": 1, "writtenAt": "%s", "node": "deploy-test", "models": [ %s ] }\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >"$store/inventory.json.tmp"
  mv "$store/inventory.json.tmp" "$store/inventory.json"
}

# mb BYTES -> "12.3 MB"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

# image_size_bytes IMAGE
image_size_bytes() { podman image inspect --format '{{.Size}}' "$1"; }
