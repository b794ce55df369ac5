#!/usr/bin/env bash
# Shared by bench/ and examples/: a throwaway nginx on 127.0.0.1 serving one directory.
# shellcheck disable=SC2034 # variables are used by the scripts that source this file

# start_nginx DIR PORT WORKDIR [LIMIT_RATE] -> sets NGINX_PID_FILE
start_nginx() {
  local dir=$1 port=$2 work=$3 rate=${4:-0}
  mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
  local user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon on;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log $work/nginx/logs/access.log;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:$port;
    root $dir;
    limit_rate $rate;
  }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
  NGINX_PID_FILE=$work/nginx/nginx.pid
}

stop_nginx() {
  local pid
  if [ -n "${NGINX_PID_FILE:-}" ] && [ -f "$NGINX_PID_FILE" ]; then
    pid=$(cat "$NGINX_PID_FILE")
    kill "$pid" 2>/dev/null || true
    # The port must be free before the next start_nginx on it.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$NGINX_PID_FILE"
  fi
}
