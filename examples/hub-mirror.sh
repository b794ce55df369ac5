#!/usr/bin/env bash
# Lays out a directory as a static Hugging Face hub mirror, for examples/run.sh (offline): a real git
# commit of the files, the two API answers the daemon asks for, and the /resolve/ paths. Files matching
# LFS_GLOB are listed as LFS (sha256), the rest as plain git files (blob id), as the hub lists them.
#   bash examples/hub-mirror.sh SRC_DIR ORG/NAME OUT_DIR 'LFS_GLOB'   -> prints the commit
set -euo pipefail
src=$1 repo=$2 out=$3 lfs_glob=$4

git_dir=$(mktemp -d)
trap 'rm -rf "$git_dir"' EXIT
cp -R "$src"/. "$git_dir"
# Fixed names and dates: the same files give the same commit on every run and every machine.
export GIT_AUTHOR_NAME=modelsync GIT_AUTHOR_EMAIL=modelsync@example.invalid GIT_AUTHOR_DATE="2026-01-01T00:00:00Z"
export GIT_COMMITTER_NAME=modelsync GIT_COMMITTER_EMAIL=modelsync@example.invalid GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
git -C "$git_dir" init -q
git -C "$git_dir" add -A
git -C "$git_dir" -c commit.gpgsign=false commit -q -m "mirror of $repo"
commit=$(git -C "$git_dir" rev-parse HEAD)

api=$out/api/models/$repo
mkdir -p "$api/revision" "$api/tree" "$out/$repo/resolve/$commit"
printf '{"id":"%s","modelId":"%s","sha":"%s","private":false,"siblings":[]}\n' "$repo" "$repo" "$commit" >"$api/revision/main"

entries=()
while IFS=$'\t' read -r meta path; do
  read -r _mode _type oid size <<<"$meta"
  mkdir -p "$(dirname "$out/$repo/resolve/$commit/$path")"
  cp "$src/$path" "$out/$repo/resolve/$commit/$path"
  # shellcheck disable=SC2053 # the glob is meant to match
  if [[ $path == $lfs_glob ]]; then
    sha=$(sha256sum "$src/$path" | cut -d' ' -f1)
    entries+=("{\"type\":\"file\",\"oid\":\"$oid\",\"size\":$size,\"lfs\":{\"oid\":\"$sha\",\"size\":$size,\"pointerSize\":134},\"path\":\"$path\"}")
  else
    entries+=("{\"type\":\"file\",\"oid\":\"$oid\",\"size\":$size,\"path\":\"$path\"}")
  fi
done < <(git -C "$git_dir" ls-tree -r -l HEAD)
(IFS=,; printf '[%s]\n' "${entries[*]}") >"$api/tree/$commit"
echo "$commit"
