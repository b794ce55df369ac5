#!/usr/bin/env python3
"""The origin bench/fleet.sh counts: a Hugging Face hub (revision and tree API, /resolve/ with the LFS
redirect to a CDN and X-Linked-Etag) on 127.0.0.1, its CDN and a plain-HTTP origin on 127.0.0.2, one port.
  fleet-origin.py --port P --info FILE --lfs-mib 96 --git-mib 2 --http-mib 32
GET /_stats answers the counts since the last GET /_reset (JSON). Stdlib only."""
import argparse, hashlib, http.server, json, os, re, secrets, threading

REPO = "bench/fleet-model"
ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--info", required=True)
ap.add_argument("--lfs-mib", type=int, default=96)
ap.add_argument("--git-mib", type=int, default=2)
ap.add_argument("--http-mib", type=int, default=32)
args = ap.parse_args()

def blob(n): return os.urandom(n)
files = {  # path -> (content, lfs)
    "config.json": (b'{"model_type": "bert"}\n', False),
    "tokenizer.json": (blob(args.git_mib << 20), False),
    "model.safetensors": (blob(args.lfs_mib << 20), True),
}
http_file = blob(args.http_mib << 20)
commit = secrets.token_hex(20)
sha = {p: hashlib.sha256(c).hexdigest() for p, (c, _) in files.items()}
gitid = {p: hashlib.sha1(b"blob %d\0" % len(c) + c).hexdigest() for p, (c, _) in files.items()}
cdn = {sha[p]: c for p, (c, lfs) in files.items() if lfs}
lock = threading.Lock()
stats = {}

def count(kind, sent):
    with lock:
        s = stats.setdefault(kind, {"requests": 0, "bytes": 0})
        s["requests"] += 1
        s["bytes"] += sent

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass

    def reply(self, kind, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        view = memoryview(body)
        for i in range(0, len(view), 1 << 20):
            self.wfile.write(view[i:i + (1 << 20)])
        if kind: count(kind, len(body))

    def content(self, kind, data, etag):
        rng = self.headers.get("Range")
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng or "")
        if not m:
            return self.reply(kind, 200, data, [("ETag", etag), ("Accept-Ranges", "bytes")])
        a = int(m.group(1)); b = min(int(m.group(2)) if m.group(2) else len(data) - 1, len(data) - 1)
        self.reply(kind, 206, data[a:b + 1], [("ETag", etag), ("Accept-Ranges", "bytes"), ("Content-Range", f"bytes {a}-{b}/{len(data)}")])

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/_stats":
            return self.reply(None, 200, json.dumps(stats).encode())
        if path == "/_reset":
            with lock: stats.clear()
            return self.reply(None, 200)
        if path == f"/api/models/{REPO}/revision/main":
            return self.reply("api", 200, json.dumps({"id": REPO, "sha": commit}).encode(), [("Content-Type", "application/json")])
        if path == f"/api/models/{REPO}/tree/{commit}":
            tree = [{"type": "file", "path": p, "size": len(c), "oid": gitid[p], **({"lfs": {"oid": sha[p], "size": len(c)}} if lfs else {})}
                    for p, (c, lfs) in files.items()]
            return self.reply("api", 200, json.dumps(tree).encode(), [("Content-Type", "application/json")])
        prefix = f"/{REPO}/resolve/{commit}/"
        if path.startswith(prefix) and path[len(prefix):] in files:
            p = path[len(prefix):]
            content, lfs = files[p]
            if not lfs:
                return self.content("resolve", content, f'"{gitid[p]}"')
            host = self.headers.get("Host", "").rsplit(":", 1)[-1]
            location = f"http://127.0.0.2:{host}/cdn/{sha[p]}?X-Amz-Expires=3600&X-Amz-Signature={secrets.token_hex(8)}"
            return self.reply("resolve", 302, b"", [("Location", location), ("X-Linked-Etag", f'"{sha[p]}"'), ("ETag", f'"{sha[p]}"'),
                                                    ("X-Linked-Size", str(len(content))), ("X-Repo-Commit", commit)])
        if path.startswith("/cdn/") and path[5:] in cdn:
            return self.content("cdn", cdn[path[5:]], f'"{path[5:]}"')
        if path == "/http/weights.bin":
            return self.content("http", http_file, '"weights-v1"')
        self.reply("other", 404)

with open(args.info, "w") as f:
    json.dump({"repo": REPO, "commit": commit, "hubBytes": sum(len(c) for c, _ in files.values()),
               "httpBytes": len(http_file), "httpSha256": hashlib.sha256(http_file).hexdigest()}, f)
for host in ("127.0.0.1", "127.0.0.2"):
    server = http.server.ThreadingHTTPServer((host, args.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
threading.Event().wait()
