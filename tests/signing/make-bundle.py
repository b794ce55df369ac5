#!/usr/bin/env python3
"""Test bundles for ModelSync's OMS signature verifier, made apart from the product code.

Follows the OpenSSF Model Signing v1.0 format as sigstore/model-transparency (`model_signing`) writes it:
a Sigstore bundle v0.3 (JSON) whose DSSE envelope carries an in-toto Statement v1 with predicateType
https://model_signing/signature/v1.0, the `files` (or `shards`) serialization, resources sorted by name and
the subject digest = sha256 over the resource digests in order. Every signature is made by the `openssl` CLI
(DER ECDSA over the DSSE pre-authentication encoding); keys and certificates too. Python only writes JSON.

  make-bundle.py pki DIR
      keys p256.pem p384.pem rsa.pem other-p256.pem (with -pub.pem halves); a CA (ca.pem) and another
      (other-ca.pem); leaves signed by ca: leaf (valid 2020-2040, code signing), leaf-expired (2020-2021),
      leaf-noeku (no code-signing usage); other-leaf signed by other-ca.
  make-bundle.py sign --key KEY [--cert LEAF [--chain CERT]...] --model DIR --out FILE [options]
      --ignore PATH          ignore_paths entry (also left out of the resources)
      --shards N             the shards serialization with shard size N
      --media-type / --payload-type / --predicate-type / --statement-type   write another value
      --extra NAME=SHA256    one more resource (a name listed twice, '../x', '/abs', an unsigned file...)
      --drop NAME            leave a file of DIR out of the resources
      --tamper               change the payload after signing
      --raw-key              the pre-1.0 form: publicKey.rawBytes instead of the hint
"""
import argparse, base64, hashlib, json, os, subprocess, sys, tempfile

def run(*args, stdin=None):
    return subprocess.run(args, check=True, capture_output=True, input=stdin).stdout

def pki(out):
    os.makedirs(out, exist_ok=True)
    p = lambda n: os.path.join(out, n)
    for name, curve in [("p256", "P-256"), ("p384", "P-384"), ("other-p256", "P-256")]:
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}", "-out", p(name + ".pem"))
    run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", p("rsa.pem"))
    for name in ["p256", "p384", "other-p256", "rsa"]:
        run("openssl", "pkey", "-in", p(name + ".pem"), "-pubout", "-out", p(name + "-pub.pem"))
    # `openssl ca` takes explicit dates (OpenSSL 3.0's x509 has no -not_before): the tests run on a fixed clock.
    conf = p("ca.cnf")
    with open(conf, "w") as f:
        f.write("""[ca]\ndefault_ca=d\n[d]\ndatabase=$ENV::DB/index.txt\nnew_certs_dir=$ENV::DB\nserial=$ENV::DB/serial\n"""
                """default_md=sha256\npolicy=any\nunique_subject=no\ncopy_extensions=none\n[any]\ncommonName=supplied\n"""
                """[root]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"""
                """[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n"""
                """subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"""
                """[noeku]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"""
                """authorityKeyIdentifier=keyid\n[req]\ndistinguished_name=dn\n[dn]\n""")
    def issue(name, key, cn, ca, ext, start, end):
        db = tempfile.mkdtemp(prefix="sig-ca-")
        open(os.path.join(db, "index.txt"), "w").close()
        with open(os.path.join(db, "serial"), "w") as f:
            f.write(os.urandom(8).hex() + "\n")
        env = {**os.environ, "DB": db}
        csr = subprocess.run(["openssl", "req", "-new", "-key", p(key), "-subj", f"/CN={cn}", "-config", conf], check=True, capture_output=True, env=env).stdout
        args = ["openssl", "ca", "-batch", "-config", conf, "-extensions", ext, "-startdate", start, "-enddate", end, "-notext", "-out", p(name), "-in", "/dev/stdin"]
        args += ["-selfsign", "-keyfile", p(key)] if ca is None else ["-cert", p(ca[0]), "-keyfile", p(ca[1])]
        subprocess.run(args, check=True, capture_output=True, input=csr, env=env)
    for name in ["ca-key", "other-ca-key"]:
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p(name + ".pem"))
    issue("ca.pem", "ca-key.pem", "ModelSync test CA", None, "root", "20200101000000Z", "20400101000000Z")
    issue("other-ca.pem", "other-ca-key.pem", "Other test CA", None, "root", "20200101000000Z", "20400101000000Z")
    issue("leaf.pem", "p384.pem", "model signer", ("ca.pem", "ca-key.pem"), "leaf", "20200101000000Z", "20400101000000Z")
    issue("leaf-expired.pem", "p256.pem", "expired signer", ("ca.pem", "ca-key.pem"), "leaf", "20200101000000Z", "20210101000000Z")
    issue("leaf-noeku.pem", "p256.pem", "server not signer", ("ca.pem", "ca-key.pem"), "noeku", "20200101000000Z", "20400101000000Z")
    issue("other-leaf.pem", "other-p256.pem", "model signer", ("other-ca.pem", "other-ca-key.pem"), "leaf", "20200101000000Z", "20400101000000Z")

def files_of(model, ignored):
    out = []
    for root, dirs, names in os.walk(model):
        for n in names:
            rel = os.path.relpath(os.path.join(root, n), model)
            if not any(rel == i or rel.startswith(i.rstrip("/") + "/") for i in ignored):
                out.append(rel)
    return sorted(out)

def sha256(path, start=0, end=None):
    with open(path, "rb") as f:
        data = f.read()
    return hashlib.sha256(data[start:end]).hexdigest()

def sign(a):
    ignored = list(a.ignore) + [".git", ".gitattributes", ".github", ".gitignore", os.path.basename(a.out)]
    resources = []
    for rel in files_of(a.model, ignored):
        if rel in a.drop:
            continue
        full = os.path.join(a.model, rel)
        if a.shards:
            size = os.path.getsize(full)
            for s in range(0, max(size, 1), a.shards):
                e = min(s + a.shards, size)
                resources.append({"name": f"{rel}:{s}:{e}", "algorithm": f"sha256-sharded-{a.shards}", "digest": sha256(full, s, e)})
        else:
            resources.append({"name": rel, "algorithm": "sha256", "digest": sha256(full)})
    for extra in a.extra:
        name, digest = extra.split("=", 1)
        resources.append({"name": name, "algorithm": "sha256", "digest": digest})
    root = hashlib.sha256(b"".join(bytes.fromhex(r["digest"]) for r in resources)).hexdigest()
    serialization = {"method": "shards" if a.shards else "files", "hash_type": "sha256", "allow_symlinks": False, "ignore_paths": ignored}
    if a.shards:
        serialization["shard_size"] = float(a.shards)  # as the reference's protobuf Struct writes it
    statement = {"_type": a.statement_type, "subject": [{"name": os.path.basename(os.path.abspath(a.model)), "digest": {"sha256": root}}],
                 "predicateType": a.predicate_type, "predicate": {"serialization": serialization, "resources": resources}}
    payload = json.dumps(statement, indent=2).encode()
    pae = b"DSSEv1 %d %s %d " % (len(a.payload_type), a.payload_type.encode(), len(payload)) + payload
    curve = run("openssl", "pkey", "-in", a.key, "-noout", "-text")
    digest = "-sha384" if b"P-384" in curve or b"secp384r1" in curve else "-sha512" if b"P-521" in curve else "-sha256"
    sig = run("openssl", "dgst", digest, "-sign", a.key, stdin=pae)
    if a.tamper:
        # The same statement to a JSON reader, other bytes: only the signature can tell.
        payload = payload.replace(b'"resources": [', b'"resources": [ ', 1)
    if a.cert:
        chain = [a.cert] + a.chain
        ders = [run("openssl", "x509", "-in", c, "-outform", "DER") for c in chain]
        material = {"x509CertificateChain": {"certificates": [{"rawBytes": base64.b64encode(d).decode()} for d in ders]}, "tlogEntries": []}
    else:
        pem = run("openssl", "pkey", "-in", a.key, "-pubout")
        key = {"rawBytes": base64.b64encode(pem).decode(), "keyDetails": "PKIX_ECDSA_P256_SHA_256"} if a.raw_key else {"hint": hashlib.sha256(pem).hexdigest()}
        material = {"publicKey": key, "tlogEntries": []}
    bundle = {"mediaType": a.media_type, "verificationMaterial": material,
              "dsseEnvelope": {"payload": base64.b64encode(payload).decode(), "payloadType": a.payload_type,
                               "signatures": [{"sig": base64.b64encode(sig).decode(), "keyid": ""}]}}
    with open(a.out, "w") as f:
        json.dump(bundle, f)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("pki").add_argument("dir")
    s = sub.add_parser("sign")
    s.add_argument("--key", required=True); s.add_argument("--cert"); s.add_argument("--chain", action="append", default=[])
    s.add_argument("--model", required=True); s.add_argument("--out", required=True)
    s.add_argument("--ignore", action="append", default=[]); s.add_argument("--shards", type=int)
    s.add_argument("--media-type", default="application/vnd.dev.sigstore.bundle.v0.3+json")
    s.add_argument("--payload-type", default="application/vnd.in-toto+json")
    s.add_argument("--predicate-type", default="https://model_signing/signature/v1.0")
    s.add_argument("--statement-type", default="https://in-toto.io/Statement/v1")
    s.add_argument("--extra", action="append", default=[]); s.add_argument("--drop", action="append", default=[])
    s.add_argument("--tamper", action="store_true"); s.add_argument("--raw-key", action="store_true")
    a = ap.parse_args()
    pki(a.dir) if a.cmd == "pki" else sign(a)

if __name__ == "__main__":
    main()
