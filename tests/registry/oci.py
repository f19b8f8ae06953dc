#!/usr/bin/env python3
"""Builds an OCI image layout for the registry tests.

  oci.py DIR TAG CONTENT            one image (a one-file layer holding CONTENT)
  oci.py DIR TAG CONTENT --multi    an index of two images (linux/amd64, linux/arm64)

DIR may already hold a layout: the new image is added under TAG (a TAG
already there is replaced). Prints the digest of what TAG names.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def blob(d, data):
    h = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(d, "blobs", "sha256", h), "wb") as f:
        f.write(data)
    return "sha256:" + h, len(data)


def layer(content):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        data = content.encode()
        info = tarfile.TarInfo("content.txt")
        info.size = len(data)
        info.mtime = 0
        t.addfile(info, io.BytesIO(data))
    tar = raw.getvalue()
    return gzip.compress(tar, mtime=0), "sha256:" + hashlib.sha256(tar).hexdigest()


def image(d, content, arch):
    gz, diff_id = layer(content + "/" + arch)
    ldig, lsize = blob(d, gz)
    cfg = json.dumps({"architecture": arch, "os": "linux",
                      "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                      "config": {}}, sort_keys=True).encode()
    cdig, csize = blob(d, cfg)
    man = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": csize},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ldig, "size": lsize}],
    }, sort_keys=True).encode()
    mdig, msize = blob(d, man)
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig, "size": msize,
            "platform": {"architecture": arch, "os": "linux"}}


def main():
    d, tag, content = sys.argv[1:4]
    multi = "--multi" in sys.argv[4:]
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    if multi:
        ms = [image(d, content, "amd64"), image(d, content, "arm64")]
        idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                          "manifests": ms}, sort_keys=True).encode()
        dig, size = blob(d, idx)
        desc = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": dig, "size": size}
    else:
        desc = image(d, content, "amd64")
        desc.pop("platform")
    desc["annotations"] = {"org.opencontainers.image.ref.name": tag}
    path = os.path.join(d, "index.json")
    top = {"schemaVersion": 2, "manifests": []}
    if os.path.exists(path):
        with open(path) as f:
            top = json.load(f)
    top["manifests"] = [m for m in top["manifests"]
                        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != tag]
    top["manifests"].append(desc)
    with open(path, "w") as f:
        json.dump(top, f)
    print(desc["digest"])


if __name__ == "__main__":
    main()
