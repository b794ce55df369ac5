#!/usr/bin/env bash
# The hub-cache (docs/deploy.md) in the foreground on any machine: the same nginx config the kustomize
# component runs (deploy/kustomize/components/hub-cache/hub-cache.conf.template), rendered with envsubst.
#   hub-cache.sh --upstream URL --listen HOST:PORT --dir DIR [options]
#     --upstream URL       the hub (or a mirror), http or https, optionally with a path (default https://huggingface.co)
#     --listen HOST:PORT   where daemons reach it (default 127.0.0.1:8080)
#     --dir DIR            cache, config and logs (created)
#     --max-size SIZE      bound of the blob cache, nginx units (default 100g)
#     --http-origins RE    host:port of plain-HTTP origins it may proxy for sync.proxy, an extended regex (default none)
#     --self RE            host names daemons use for this cache, an extended regex (default: the --listen host, localhost)
#     --slice SIZE         cache slice of large files (default 8m)
#     --api-ttl TIME       how long a revision answer is reused (default 1m)
#     --render             write DIR/nginx.conf and exit     --check  nginx -t on it and exit
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
template=$here/../deploy/kustomize/components/hub-cache/hub-cache.conf.template
nginx_bin=${NGINX:-/usr/sbin/nginx}
die() { echo "hub-cache: $*" >&2; exit 2; }

upstream=https://huggingface.co listen=127.0.0.1:8080 dir="" mode=run
max_size=100g origins="" self="" slice=8m api_ttl=1m
while (($#)); do
  case $1 in
    --upstream) upstream=${2:?}; shift 2 ;;
    --listen) listen=${2:?}; shift 2 ;;
    --dir) dir=${2:?}; shift 2 ;;
    --max-size) max_size=${2:?}; shift 2 ;;
    --http-origins) origins=${2:?}; shift 2 ;;
    --self) self=${2:?}; shift 2 ;;
    --slice) slice=${2:?}; shift 2 ;;
    --api-ttl) api_ttl=${2:?}; shift 2 ;;
    --render) mode=render; shift ;;
    --check) mode=check; shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$dir" ] || die "--dir DIR is required"
[[ $upstream =~ ^https?://[^/@]+(/.*)?$ ]] || die "--upstream '$upstream' is not an http(s) URL without credentials"
[[ $listen =~ ^([^:]+:)?[0-9]+$ ]] || die "--listen '$listen' is not HOST:PORT"
[ -f "$template" ] || die "template $template not found"
command -v envsubst >/dev/null || die "envsubst not found (package gettext-base)"

mkdir -p "$dir"/run "$dir"/tmp "$dir"/cache
dir=$(cd "$dir" && pwd)
# What the nginx image's 15-local-resolvers.envsh does: the nameservers of resolv.conf.
resolvers=$(awk '/^nameserver/ { a = $2; if (a ~ /:/) a = "[" a "]"; printf "%s ", a }' /etc/resolv.conf 2>/dev/null || true)

export HUB_CACHE_UPSTREAM=${upstream%/} HUB_CACHE_LISTEN=$listen HUB_CACHE_DIR=$dir/cache HUB_CACHE_RUN=$dir/run
export HUB_CACHE_MAX_SIZE=$max_size HUB_CACHE_HUB_SIZE=${HUB_CACHE_HUB_SIZE:-2g} HUB_CACHE_INACTIVE=${HUB_CACHE_INACTIVE:-30d}
export HUB_CACHE_SLICE=$slice HUB_CACHE_API_TTL=$api_ttl HUB_CACHE_HTTP_TTL=${HUB_CACHE_HTTP_TTL:-1m}
listen_host=${listen%:*}
[ "$listen_host" != "$listen" ] || listen_host=127.0.0.1
[ -n "$self" ] || self="${listen_host//./\\.}|localhost"
export HUB_CACHE_HTTP_ORIGINS=$origins HUB_CACHE_SELF=$self HUB_CACHE_ACCESS_LOG=$dir/access.log
export HUB_CACHE_CA_FILE=${HUB_CACHE_CA_FILE:-/etc/ssl/certs/ca-certificates.crt}
export NGINX_LOCAL_RESOLVERS=${NGINX_LOCAL_RESOLVERS:-${resolvers:-127.0.0.1}}
vars=$(grep -oE '\$\{(HUB_CACHE_[A-Z_]+|NGINX_LOCAL_RESOLVERS)\}' "$template" | sort -u | tr '\n' ' ')
envsubst "$vars" <"$template" >"$dir/hub-cache.conf"

# As root, stay root so the workers can use DIR whatever its mode (a lab tool; the cluster runs the image's user).
user=""
[ "$(id -u)" -ne 0 ] || user="user root;"
cat >"$dir/nginx.conf" <<EOF
$user
daemon off;
worker_processes ${HUB_CACHE_WORKERS:-2};
pid $dir/run/nginx.pid;
error_log $dir/error.log notice;
events { worker_connections 1024; }
http {
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    default_type application/octet-stream;
    include $dir/hub-cache.conf;
}
EOF
rm -f "$dir"/run/*.sock # left by a killed run: nginx would not bind them again
case $mode in
  render) echo "$dir/nginx.conf" ;;
  check) exec "$nginx_bin" -t -q -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" ;;
  run)
    echo "hub-cache: $listen -> $HUB_CACHE_UPSTREAM, cache $dir/cache (max $max_size), log $dir/access.log" >&2
    exec "$nginx_bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" ;;
esac
