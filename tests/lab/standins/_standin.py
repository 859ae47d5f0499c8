# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""What the lab's rkt and docker stand-ins share: the image store, process
records, and the start of a container.

A container is started without a fork, so the stand-in's PID becomes etcd's
(as with rkt's fly stage1): the stand-in execs `unshare --mount`, which execs
this file's `stage1`, which builds the container's root on a tmpfs (the
image's files and the declared volumes only), changes root, drops to the
container user and execs etcd.
"""

from __future__ import annotations

import ctypes
import json
import os
import pathlib
import re
import sys

LAB_LIB = pathlib.Path(os.path.dirname(os.path.realpath(__file__)))
PYTHON = LAB_LIB / "python3"
IMAGES = LAB_LIB / "images"
ROOT = LAB_LIB / "root"
UNSHARE = "/usr/bin/unshare"
REPOSITORIES = ("quay.io/coreos/etcd", "gcr.io/etcd-development/etcd")
TAG = re.compile(r"v?3\.([345])\.(\d+)")
IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
IMAGE_PASSWD = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
)
IMAGE_GROUP = "root:x:0:\nnogroup:x:65534:\n"

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000


def image_dir(repository: str, tag: str, images: pathlib.Path | None = None):
    """The directory holding etcd for an image, or None when the lab's
    image store has no such image: 3.3.x, 3.4.x and 3.5.x tags of the known
    repositories map to the Debian-packaged binary of that minor release."""
    if repository not in REPOSITORIES:
        return None
    m = TAG.fullmatch(tag)
    if not m:
        return None
    minor = m.group(1)
    store = IMAGES if images is None else images
    try:
        found = sorted(
            p for p in store.iterdir() if p.name.startswith(f"3.{minor}.")
        )
    except OSError:
        return None
    return found[-1] if found else None


def image_user(name: str, passwd: str = IMAGE_PASSWD):
    for line in passwd.splitlines():
        fields = line.split(":")
        if fields[0] == name or fields[2] == name:
            return int(fields[2]), int(fields[3])
    return None


# --- records of running containers -------------------------------------------


def proc_start(pid: int) -> str | None:
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def is_running(record: dict) -> bool:
    """Whether the recorded process still runs (a zombie does not)."""
    pid = record.get("pid")
    if not pid:
        return False
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0] != "Z" and fields[19] == record.get("start")


def strerror(exc: OSError) -> str:
    """The text Go prints for an errno: the C text in lower case."""
    return (exc.strerror or str(exc)).lower()


def write_json(path: pathlib.Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(tmp, path)


# --- starting a container ----------------------------------------------------


def exec_container(spec: dict) -> None:
    """Replace this process by the container (never returns).

    spec: image (directory of etcd), uid, gid, env (dict), argv (list),
    mounts (list of dicts: source, target, readonly, recursive), and
    error_prefix for messages."""
    os.execv(
        UNSHARE,
        [
            UNSHARE,
            "--mount",
            "--propagation",
            "private",
            str(PYTHON),
            "-Es",
            str(LAB_LIB / "_standin.py"),
            "stage1",
            json.dumps(spec),
        ],
    )


_libc = None
CLONE_NEWPID = 0x20000000


def _c():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def unshare_pid_namespace() -> None:
    """Make the next child of this process PID 1 of a new PID namespace."""
    if _c().unshare(CLONE_NEWPID) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare(CLONE_NEWPID): {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None) -> None:
    enc = [
        None if x is None else str(x).encode()
        for x in (source, target, fstype, data)
    ]
    if _c().mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _bind(source, target, readonly: bool, recursive: bool = False) -> None:
    _mount(source, target, None, MS_BIND | (MS_REC if recursive else 0))
    if readonly:
        _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY)


def _mount_point(target: pathlib.Path, directory: bool) -> None:
    if target.exists() or target.is_symlink():
        return
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    if directory:
        target.mkdir(mode=0o755)
    else:
        target.touch(mode=0o644)


def build_root(spec: dict, root: pathlib.Path) -> None:
    _mount("celab-image", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    for d in (
        "usr/local/bin",
        "etc",
        "tmp",
        "var/lib/etcd",
        "var/etcd",
        "dev",
        "proc",
        "sys",
        "run",
        "lib",
        "lib64",
    ):
        (root / d).mkdir(parents=True, exist_ok=True, mode=0o755)
    os.chmod(root / "tmp", 0o1777)
    (root / "etc" / "passwd").write_text(IMAGE_PASSWD)
    (root / "etc" / "group").write_text(IMAGE_GROUP)
    (root / "etc" / "nsswitch.conf").write_text("hosts: files dns\n")
    image = pathlib.Path(spec["image"])
    for binary in ("etcd", "etcdctl"):
        target = root / "usr/local/bin" / binary
        _mount_point(target, False)
        _bind(image / binary, target, True)
    # The image's C library: the Debian-built etcd links against glibc.
    for lib, libdir in (
        ("/usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu"),
        ("/usr/lib64", "lib64"),
    ):
        _mount_point(root / libdir, True)
        _bind(lib, root / libdir, True)
    dev = root / "dev"
    _mount("celab-dev", dev, "tmpfs", MS_NOSUID, "mode=0755")
    for node in ("null", "zero", "full", "random", "urandom", "tty"):
        _mount_point(dev / node, False)
        _bind(f"/dev/{node}", dev / node, False)
    (dev / "shm").mkdir()
    _bind("/dev/shm", dev / "shm", False)
    if spec.get("pid_namespace"):
        _mount("proc", root / "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    else:
        _bind("/proc", root / "proc", False, recursive=True)
    _bind("/sys", root / "sys", True, recursive=True)
    mounts = sorted(
        spec["mounts"], key=lambda m: len(pathlib.PurePath(m["target"]).parts)
    )
    for m in mounts:
        source = pathlib.Path(m["source"])
        target = root / m["target"].lstrip("/")
        _mount_point(target, source.is_dir())
        _bind(source, target, m["readonly"], m.get("recursive", False))


def stage1(spec: dict) -> None:
    prefix = spec.get("error_prefix", "stage1: ")
    root = ROOT
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        build_root(spec, root)
        os.chroot(root)
        os.chdir(spec.get("cwd", "/"))
        os.setgroups([])
        os.setgid(spec["gid"])
        os.setuid(spec["uid"])
    except OSError as exc:
        print(f"{prefix}cannot set up the container: {exc}", file=sys.stderr)
        sys.exit(254)
    argv = spec["argv"]
    try:
        os.execve(argv[0], argv, spec["env"])
    except OSError as exc:
        print(f"{prefix}cannot run {argv[0]}: {exc.strerror}", file=sys.stderr)
        sys.exit(spec.get("exec_failure", 254))


if __name__ == "__main__" and sys.argv[1:2] == ["stage1"]:
    stage1(json.loads(sys.argv[2]))
