#!/usr/bin/env bash
# The base rootfs of the ModelSync images, from Debian 12 packages, for scripts/deploy-images.sh.
# Source it after deploy-lib.sh; it defines functions only.
#   glibc   the dynamic loader and the libraries the gate links (libc, libm): about 2.5 MB
#   native  the same for the daemon, plus what it dlopens: libssl.so.3/libcrypto.so.3 (TLS and the
#           sha256 of every download: .NET's crypto is OpenSSL on Linux) and libgcc_s.so.1 (glibc loads it
#           to unwind a cancelled thread); CA certificates; busybox (the chown init container,
#           kubectl exec). No ICU: the binaries are InvariantGlobalization. No zlib: .NET 10 carries zlib-ng.
# Packages are fetched with apt-get download from the configured mirror (no maintainer script runs);
# arm64 ones through a private apt state in artifacts/deploy-cache/apt-arm64, the host's apt untouched.
# shellcheck disable=SC2034,SC2154   # deploy_repo, log and die come from deploy-lib.sh

deploy_cache=$deploy_repo/artifacts/deploy-cache

dotnet_arch() { case $1 in amd64) echo x64 ;; *) echo "$1" ;; esac; }
triplet() { case $1 in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; *) die "no triplet for $1" ;; esac; }

# base_image KIND ARCH -> the local image name; its tag carries a hash of this recipe, so a changed
# recipe builds a new base instead of reusing a stale one.
base_image() {
  local recipe
  recipe=$(declare -f assemble_base fetch_debs lib_closure resolve copy_lib add_etc | sha256sum | cut -c1-10)
  echo "localhost/modelsync-$1-base:bookworm-$2-$recipe"
}

# fetch_debs ARCH DIR PKG...: the .deb files of PKG for ARCH into DIR.
fetch_debs() {
  local arch=$1 dir=$2 apt=(apt-get -qq -o APT::Sandbox::User=root); shift 2
  if [ "$arch" != "$(dpkg --print-architecture)" ]; then
    local state=$deploy_cache/apt-$arch
    mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
    apt+=(-o "Dir::State=$state" -o "Dir::State::status=/dev/null" -o "Dir::Cache=$state/cache"
      -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" -o Debug::NoLocking=1)
    if [ -z "$(find "$state/lists" -maxdepth 1 -name '*Packages*' -mtime -7 -print -quit)" ]; then
      log "apt-get update for $arch (private state in $state)"
      "${apt[@]}" update
    fi
  fi
  mkdir -p "$dir"
  (cd "$dir" && "${apt[@]}" download "$@")
}

# lib_closure STAGE TRIPLET FILE... -> the paths (in STAGE) of every library FILE needs, transitively.
lib_closure() {
  local stage=$1 tri=$2 queue seen="" f n p; shift 2
  queue=("$@")
  while ((${#queue[@]})); do
    f=${queue[0]}
    queue=("${queue[@]:1}")
    for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
      case " $seen " in *" $n "*) continue ;; esac
      seen="$seen $n"
      p=""
      for d in lib/$tri usr/lib/$tri lib usr/lib; do
        if [ -e "$stage/$d/$n" ]; then p=$d/$n; break; fi
      done
      [ -n "$p" ] || die "$(basename "$f") needs $n, which no package of the base provides"
      echo "$p"
      queue+=("$stage/$(resolve "$stage" "$p")")
    done
  done
}

# resolve STAGE PATH -> PATH with every link followed inside STAGE (Debian's links may be absolute).
resolve() {
  local stage=$1 p=$2 t
  while [ -L "$stage/$p" ]; do
    t=$(readlink "$stage/$p")
    case $t in /*) p=${t#/} ;; *) p=$(cd "$stage" && realpath -ms --relative-to=. "$(dirname "$p")/$t") ;; esac
  done
  echo "$p"
}

# copy_lib STAGE ROOT PATH: PATH (relative) and every link on the way to the file it names.
copy_lib() {
  local stage=$1 root=$2 p=$3 t
  while :; do
    (cd "$stage" && cp -a --parents "$p" "$root/")
    [ -L "$stage/$p" ] || break
    t=$(readlink "$stage/$p")
    case $t in /*) p=${t#/} ;; *) p=$(cd "$stage" && realpath -ms --relative-to=. "$(dirname "$p")/$t") ;; esac
  done
}

# The nonroot user 65532 (distroless convention), a writable-if-mounted /tmp.
add_etc() {
  local root=$1
  mkdir -p "$root/etc" "$root/tmp" "$root/app"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# assemble_base KIND ARCH IMAGE BINARY: the base image KIND for ARCH, cut to what BINARY needs.
assemble_base() {
  local kind=$1 arch=$2 image=$3 binary=$4 tri stage root interp p c
  tri=$(triplet "$arch")
  stage=$(mktemp -d /tmp/modelsync-base.XXXXXX)
  root=$stage/root
  log "assembling $image from Debian packages"
  local pkgs=(libc6)
  [ "$kind" = glibc ] || pkgs+=(libgcc-s1 libssl3 ca-certificates busybox-static)
  fetch_debs "$arch" "$deploy_cache/debs-$arch" "${pkgs[@]}"
  for p in "${pkgs[@]}"; do
    dpkg-deb -x "$(find "$deploy_cache/debs-$arch" -name "${p}_*.deb" | sort -V | tail -1)" "$stage/x"
  done
  add_etc "$root"
  interp=$(readelf -l "$binary" | sed -n 's/.*Requesting program interpreter: \/\(.*\)\]$/\1/p')
  [ -e "$stage/x/$interp" ] || die "$(basename "$binary") asks for /$interp, which libc6:$arch does not provide"
  copy_lib "$stage/x" "$root" "$interp"
  local wanted=("$binary") opened=()
  [ "$kind" = glibc ] || opened=("usr/lib/$tri/libssl.so.3" "lib/$tri/libgcc_s.so.1")
  for p in "${opened[@]}"; do wanted+=("$stage/x/$(resolve "$stage/x" "$p")"); done
  lib_closure "$stage/x" "$tri" "${wanted[@]}" >"$stage/libs"
  printf '%s\n' "${opened[@]}" >>"$stage/libs"
  while read -r p; do [ -z "$p" ] || copy_lib "$stage/x" "$root" "$p"; done <"$stage/libs"
  if [ "$kind" = native ]; then
    # The CA bundle as update-ca-certificates would write it (no maintainer script runs here), and
    # OpenSSL's default locations pointing at it, as Debian's openssl package links them.
    mkdir -p "$root/etc/ssl/certs" "$root/usr/lib/ssl" "$root/usr/bin"
    find "$stage/x/usr/share/ca-certificates" -name '*.crt' -print0 | sort -z | xargs -0 cat >"$root/etc/ssl/certs/ca-certificates.crt"
    ln -s /etc/ssl/certs "$root/usr/lib/ssl/certs"
    ln -s /etc/ssl/certs/ca-certificates.crt "$root/usr/lib/ssl/cert.pem"
    cp "$stage/x/bin/busybox" "$root/usr/bin/busybox"
  fi
  c=$(buildah from --arch "$arch" --os linux scratch)
  buildah copy --quiet "$c" "$root" / >/dev/null
  buildah config --arch "$arch" --os linux --user 65532:65532 --env PATH=/usr/local/bin:/usr/bin:/bin "$c"
  buildah commit --quiet --rm "$c" "$image" >/dev/null
  rm -rf "$stage"
}
