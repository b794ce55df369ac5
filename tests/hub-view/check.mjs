// Reads a ModelSync store's hub/ view with the official Hugging Face JS client (@huggingface/hub, pinned in
// package.json), offline, and compares what it sees with what the store holds:
//   node check.mjs EXPECT.json
// EXPECT.json: { "cacheDir": ".../hub", "repos": [ { "id": "org/name", "revisions": [
//   { "commit": "<40 hex>", "refs": ["main"], "files": [ { "path": "config.json", "size": 12, "sha256": "<hex>" } ] } ] } ] }
// Prints one JSON line per check; exits 1 on the first mismatch. Never reaches the network: every download goes
// to a port on 127.0.0.1 that was just closed, so a file is returned only if the cache has it.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { scanCacheDir, downloadFileToCacheDir } from "@huggingface/hub";

const expect = JSON.parse(await readFile(process.argv[2], "utf8"));

function fail(message, detail) {
  console.log(JSON.stringify({ ok: false, message, detail }));
  process.exit(1);
}

function check(ok, message, detail) {
  if (!ok) fail(message, detail);
}

const sameSet = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const hubUrl = `http://127.0.0.1:${await closedPort()}`;
const scan = await scanCacheDir(expect.cacheDir);
check(scan.warnings.length === 0, "scanCacheDir warned", scan.warnings.map(String));
check(sameSet(scan.repos.map((r) => r.id.name), expect.repos.map((r) => r.id)), "repos listed", scan.repos.map((r) => r.id));

for (const want of expect.repos) {
  const repo = scan.repos.find((r) => r.id.name === want.id);
  check(repo.id.type === "model", `${want.id}: type`, repo.id.type);
  check(sameSet(repo.revisions.map((r) => r.commitOid), want.revisions.map((r) => r.commit)), `${want.id}: revisions`,
    repo.revisions.map((r) => r.commitOid));
  const blobs = new Map();
  for (const wantRev of want.revisions) {
    const rev = repo.revisions.find((r) => r.commitOid === wantRev.commit);
    check(sameSet(rev.refs, wantRev.refs), `${want.id}@${wantRev.commit}: refs`, rev.refs);
    // The JS client lists the files at the top of a snapshot only (it does not descend); a subfolder is read below.
    const top = wantRev.files.filter((f) => !f.path.includes("/"));
    const listed = rev.files.map((f) => f.path.slice(rev.path.length + 1));
    check(sameSet(listed, top.map((f) => f.path)), `${want.id}@${wantRev.commit}: files`, listed);
    for (const f of rev.files) {
      const wantFile = top.find((t) => rev.path + "/" + t.path === f.path);
      check(f.blob.size === wantFile.size, `${want.id}@${wantRev.commit}/${wantFile.path}: size`, f.blob.size);
      blobs.set(f.blob.path, f.blob.size);
    }
    const size = top.reduce((sum, f) => sum + f.size, 0);
    check(rev.size === size, `${want.id}@${wantRev.commit}: size`, { listed: rev.size, want: size });
    console.log(JSON.stringify({ ok: true, repo: want.id, commit: rev.commitOid, refs: rev.refs, files: listed.length, size: rev.size }));

    for (const file of wantRev.files) {
      const pointer = await downloadFileToCacheDir({
        repo: want.id, path: file.path, revision: wantRev.commit, hubUrl, cacheDir: expect.cacheDir,
      });
      const bytes = await readFile(pointer);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      check(bytes.length === file.size && sha256 === file.sha256, `${want.id}@${wantRev.commit}/${file.path}: bytes`,
        { pointer, size: bytes.length, sha256 });
    }
    console.log(JSON.stringify({ ok: true, repo: want.id, commit: wantRev.commit, downloadedOffline: wantRev.files.length, hubUrl }));
  }
  // A blob shared by two commits is counted once, as the client counts the cache's size.
  const unique = [...blobs.values()].reduce((sum, s) => sum + s, 0);
  check(repo.size === unique, `${want.id}: repo size`, { listed: repo.size, unique });
}

console.log(JSON.stringify({ ok: true, repos: scan.repos.length, size: scan.size }));
