# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The lab: CoreOS- and Flatcar-like machines booted with systemd-nspawn.

Each machine runs systemd as PID 1 on a copy-on-write layer over a cached
root file system, in a network namespace of its own that is joined to the
other machines by a bridge living in one more namespace. Nothing of the lab
touches the host's network. Ansible reaches the machines through
community.docker.nsenter; `lab up` writes the inventory.

Run as root:  lab up --flavour coreos --members 3 | lab down | lab status
              lab inventory | lab exec NAME -- CMD... | lab build | lab bench
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import fcntl
import hashlib
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
CACHE = REPO / ".cache" / "lab"
# LAB_INSTANCE names a lab of its own (own machines, namespaces, cgroups,
# run directory and inventory), so that test sessions and a developer's lab
# do not tear each other down; the cached file systems are shared.
INSTANCE = os.environ.get("LAB_INSTANCE", "")
RUN = CACHE / (f"run-{INSTANCE}" if INSTANCE else "run")
STATE = RUN / "state.json"
INVENTORY = CACHE / (
    f"inventory-{INSTANCE}.yml" if INSTANCE else "inventory.yml"
)
ETCD_IMAGES = REPO / ".cache" / "etcd"
FLAVOURS = ("coreos", "flatcar")
PREFIX = f"celab{INSTANCE}-"
CGROUP_NAME = f"celab{INSTANCE}"
BRIDGE_NS = PREFIX + "bridge"
NETNS_DIR = pathlib.Path("/run/netns")
SUBNET = "198.18.0"
FIRST_HOST = 11
MAX_MEMBERS = 9
SUITE = "bookworm"
PACKAGES = (
    "systemd",
    "systemd-sysv",
    "dbus",
    "iproute2",
    "curl",
    "ca-certificates",
    "util-linux",
    "procps",
    "python3",
)
# Units of a Debian system that a Container Linux host does not run; they
# only slow the boot down or wake up at random times.
MASKED_UNITS = (
    "apt-daily.timer",
    "apt-daily-upgrade.timer",
    "dpkg-db-backup.timer",
    "e2scrub_all.timer",
    "e2scrub_reap.service",
    "fstrim.timer",
    "console-getty.service",
    "getty@.service",
    "systemd-pstore.service",
)
# What git and ansible-test sanity keep out of the flavour trees: the
# symbolic links of the real hosts, the stand-ins' hidden interpreter and
# the wrappers' own shebang lines. The layer build puts them in.
LINKS = {
    "coreos": {"usr/bin/rkt": "../lib/lab/rkt.py"},
    "flatcar": {
        "usr/lib/coreos": "flatcar",
        "usr/bin/docker": "../lib/lab/docker.py",
        "usr/libexec/sdnotify-proxy": "../lib/lab/sdnotify_proxy.py",
    },
}
SHEBANGS = {
    "usr/lib/coreos/etcd-wrapper": "#!/usr/bin/bash -e",
    "usr/lib/flatcar/etcd-wrapper": "#!/bin/bash",
    "usr/lib/lab/rkt.py": "#!/usr/lib/lab/python3 -Es",
    "usr/lib/lab/docker.py": "#!/usr/lib/lab/python3 -Es",
    "usr/lib/lab/sdnotify_proxy.py": "#!/usr/lib/lab/python3 -Es",
}
MACHINE_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
BOOT_TIMEOUT = 60.0
STOP_TIMEOUT = 25.0


class LabError(Exception):
    """A failure the user can act on; printed without a traceback."""


def log(message: str) -> None:
    print(f"lab: {message}", file=sys.stderr, flush=True)


def run(
    *argv: str, check: bool = True, **kwargs
) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        argv, text=True, capture_output=True, check=False, **kwargs
    )
    if check and proc.returncode != 0:
        raise LabError(
            f"{shlex.join(argv)} failed with exit code {proc.returncode}: "
            f"{proc.stderr.strip() or proc.stdout.strip()}"
        )
    return proc


# --- root file system and flavour layers ------------------------------------


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()[:16]


def _tree_digest(root: pathlib.Path) -> list[bytes]:
    parts = []
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root)).encode()
        if path.is_symlink():
            parts += [rel, b"link", os.readlink(path).encode()]
        elif path.is_file():
            mode = b"x" if os.access(path, os.X_OK) else b"-"
            parts += [rel, mode, path.read_bytes()]
        else:
            parts += [rel, b"dir"]
    return parts


def rootfs_key() -> str:
    recipe = json.dumps(
        {"suite": SUITE, "packages": PACKAGES, "masked": MASKED_UNITS}
    ).encode()
    return _digest(recipe, (HERE / "build-rootfs").read_bytes())


def flavour_key(flavour: str) -> str:
    return _digest(
        flavour.encode(),
        json.dumps([LINKS[flavour], SHEBANGS], sort_keys=True).encode(),
        *_tree_digest(HERE / "flavours" / flavour),
        *_tree_digest(HERE / "standins"),
    )


def rootfs_dir() -> pathlib.Path:
    return CACHE / f"rootfs-{rootfs_key()}"


def layer_dir(flavour: str) -> pathlib.Path:
    return CACHE / f"layer-{flavour}-{flavour_key(flavour)}"


@contextlib.contextmanager
def build_lock():
    """One build at a time, across all instances of the lab."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def build_rootfs() -> pathlib.Path:
    with build_lock():
        return _build_rootfs()


def build_layer(flavour: str) -> pathlib.Path:
    with build_lock():
        return _build_layer(flavour)


def _build_rootfs() -> pathlib.Path:
    target = rootfs_dir()
    if target.is_dir():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    log(f"building the root file system {target.name} (about a minute)")
    start = time.monotonic()
    env = dict(os.environ, LAB_PACKAGES=",".join(PACKAGES))
    env["LAB_MASKED_UNITS"] = " ".join(MASKED_UNITS)
    env["LAB_SUITE"] = SUITE
    proc = subprocess.run(
        [str(HERE / "build-rootfs"), str(tmp)],
        env=env,
        text=True,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise LabError(
            "building the root file system failed:\n"
            + (proc.stdout + proc.stderr)[-3000:]
        )
    tmp.rename(target)
    log(f"root file system built in {time.monotonic() - start:.0f} s")
    for old in CACHE.glob("rootfs-*"):
        if old != target and not _in_use(old):
            shutil.rmtree(old, ignore_errors=True)
    return target


def _build_layer(flavour: str) -> pathlib.Path:
    target = layer_dir(flavour)
    if target.is_dir():
        return target
    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(HERE / "flavours" / flavour, tmp, symlinks=True)
    lab_lib = tmp / "usr" / "lib" / "lab"
    lab_lib.mkdir(parents=True, exist_ok=True)
    for src in sorted((HERE / "standins").iterdir()):
        if src.suffix == ".py":
            shutil.copy2(src, lab_lib / src.name)
            os.chmod(lab_lib / src.name, 0o755)
    (lab_lib / "images").mkdir(exist_ok=True)
    (lab_lib / "root").mkdir(exist_ok=True)
    for rel, shebang in SHEBANGS.items():
        path = tmp / rel
        if path.is_file():
            lines = path.read_text().split("\n", 1)
            path.write_text(shebang + "\n" + lines[1])
    for rel, link in LINKS[flavour].items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).symlink_to(link)
    # A clone by any user still gives root-owned system files.
    for path in [tmp, *tmp.rglob("*")]:
        os.lchown(path, 0, 0)
    tmp.rename(target)
    for old in CACHE.glob(f"layer-{flavour}-*"):
        if old != target and not _in_use(old):
            shutil.rmtree(old, ignore_errors=True)
    return target


def _in_use(path: pathlib.Path) -> bool:
    """Whether a lab, of any instance, runs on this file system."""
    for state_file in CACHE.glob("run*/state.json"):
        try:
            state = json.loads(state_file.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if str(path) in (state.get("rootfs"), state.get("layer")):
            return True
    return False


# --- state -------------------------------------------------------------------


def load_state() -> dict | None:
    try:
        return json.loads(STATE.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def save_state(state: dict) -> None:
    RUN.mkdir(parents=True, exist_ok=True)
    tmp = STATE.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.rename(STATE)


def machine_names(members: int) -> list[str]:
    return [f"etcd{i}" for i in range(1, members + 1)]


def address(index: int) -> str:
    return f"{SUBNET}.{FIRST_HOST + index - 1}"


def machine_id(name: str) -> str:
    return hashlib.md5(f"containerlinux-etcd-lab-{name}".encode()).hexdigest()


def _proc_start(pid: int) -> str | None:
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def alive(pid: int, start: str | None) -> bool:
    """Whether the process recorded as (pid, start) still runs; a zombie
    (say an nspawn that `lab bench` started and has not reaped) does not."""
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[1].split()
    return start is not None and fields[0] != "Z" and fields[19] == start


def cgroup_roots() -> list[pathlib.Path]:
    """The hierarchies nspawn's systemd uses: the unified (cgroup2) one and,
    on a hybrid host, the named systemd one."""
    roots = []
    for line in pathlib.Path("/proc/self/mounts").read_text().splitlines():
        fields = line.split()
        if fields[2] == "cgroup2" or (
            fields[2] == "cgroup" and "name=systemd" in fields[3].split(",")
        ):
            roots.append(pathlib.Path(fields[1]))
    return roots


# --- network -----------------------------------------------------------------


def netns_exists(name: str) -> bool:
    return (NETNS_DIR / name).exists()


def setup_bridge() -> None:
    if not netns_exists(BRIDGE_NS):
        run("ip", "netns", "add", BRIDGE_NS)
    ns = ("ip", "-n", BRIDGE_NS)
    if run(*ns, "link", "show", "br0", check=False).returncode != 0:
        run(*ns, "link", "add", "br0", "type", "bridge")
    run(*ns, "link", "set", "lo", "up")
    run(*ns, "link", "set", "br0", "up")


def setup_machine_net(name: str, ip: str) -> str:
    netns = PREFIX + name
    if netns_exists(netns):
        run("ip", "netns", "delete", netns)
    run("ip", "netns", "add", netns)
    outer = f"ve-{name}"
    br = ("ip", "-n", BRIDGE_NS)
    if run(*br, "link", "show", outer, check=False).returncode == 0:
        run(*br, "link", "delete", outer)
    run(
        *br,
        "link",
        "add",
        outer,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        netns,
    )
    run(*br, "link", "set", outer, "master", "br0", "up")
    inner = ("ip", "-n", netns)
    run(*inner, "link", "set", "lo", "up")
    run(*inner, "addr", "add", f"{ip}/24", "dev", "eth0")
    run(*inner, "link", "set", "eth0", "up")
    return netns


# --- machines ----------------------------------------------------------------

LAUNCH = r"""
set -eu
name=$1 lower=$2 upper=$3 work=$4 merged=$5 netns=$6 images=$7 prefix=$8
cgroup=$9 roots=${10}
for root in $roots; do
  mkdir -p "$root/$cgroup/$name"
  echo $$ >"$root/$cgroup/$name/cgroup.procs"
done
mount -t tmpfs -o mode=0755 "${prefix}run-systemd" /run/systemd
mount -t overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" \
  "$prefix$name" "$merged"
exec systemd-nspawn --quiet --boot --register=no --keep-unit \
  --directory="$merged" --machine="$name" --hostname="$name" \
  --network-namespace-path="/run/netns/$netns" \
  --resolv-conf=off --timezone=off --link-journal=no --console=read-only \
  --kill-signal=SIGRTMIN+4 \
  --bind-ro="$merged/usr:/usr" --bind-ro="$images:/usr/lib/lab/images"
"""


def hosts_text(names: list[str]) -> str:
    lines = [
        "# The lab's machines; written by tests/lab/lab.",
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
    ]
    lines += [f"{address(i)}\t{n}" for i, n in enumerate(names, 1)]
    return "\n".join(lines) + "\n"


def prepare_upper(name: str, names: list[str]) -> dict:
    base = RUN / name
    if base.exists():
        shutil.rmtree(base)
    dirs = {k: base / k for k in ("upper", "work", "merged")}
    for d in dirs.values():
        d.mkdir(parents=True)
    etc = dirs["upper"] / "etc"
    etc.mkdir()
    (etc / "hostname").write_text(name + "\n")
    (etc / "machine-id").write_text(machine_id(name) + "\n")
    (etc / "hosts").write_text(hosts_text(names))
    (etc / "resolv.conf").write_text(
        "# The lab has no name server: names come from /etc/hosts.\n"
    )
    return {k: str(v) for k, v in dirs.items()}


def find_init(nspawn_pid: int) -> int | None:
    """The machine's PID 1 as the host sees it: nspawn's child whose
    innermost PID is 1."""
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(
            line.split(":\t", 1)
            for line in status.splitlines()
            if ":\t" in line
        )
        if fields.get("PPid", "").strip() != str(nspawn_pid):
            continue
        if fields.get("NSpid", "").split()[-1:] == ["1"]:
            return int(entry.name)
    return None


def machine_shell(pid: int, command: str, timeout: float = 30.0):
    return subprocess.run(
        [
            "nsenter",
            "-t",
            str(pid),
            "-a",
            "/usr/bin/env",
            "-i",
            f"PATH={MACHINE_PATH}",
            "/bin/sh",
            "-c",
            command,
        ],
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def boot_machine(name: str, index: int, names: list[str], lower: str) -> dict:
    ip = address(index)
    dirs = prepare_upper(name, names)
    netns = setup_machine_net(name, ip)
    logfile = open(RUN / f"{name}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "/bin/sh",
            "-c",
            LAUNCH,
            "celab-launch",
            name,
            lower,
            dirs["upper"],
            dirs["work"],
            dirs["merged"],
            netns,
            str(ETCD_IMAGES),
            PREFIX,
            CGROUP_NAME,
            " ".join(str(r) for r in cgroup_roots()),
        ],
        stdin=subprocess.DEVNULL,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    logfile.close()
    deadline = time.monotonic() + BOOT_TIMEOUT
    init = None
    while init is None:
        if proc.poll() is not None:
            raise LabError(f"{name} did not boot: {tail(RUN / f'{name}.log')}")
        if time.monotonic() > deadline:
            raise LabError(f"{name}: no PID 1 after {BOOT_TIMEOUT:.0f} s")
        time.sleep(0.05)
        init = find_init(proc.pid)
    state = ""
    while True:
        result = machine_shell(init, "systemctl is-system-running")
        state = result.stdout.strip()
        if state in ("running", "degraded"):
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            raise LabError(
                f"{name} did not finish booting (state {state!r}): "
                f"{tail(RUN / f'{name}.log')}"
            )
        time.sleep(0.1)
    return {
        "name": name,
        "address": ip,
        "netns": netns,
        "nspawn_pid": proc.pid,
        "nspawn_start": _proc_start(proc.pid),
        "init_pid": init,
        "init_start": _proc_start(init),
        "boot_state": state,
        **dirs,
    }


def tail(path: pathlib.Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def write_inventory(state: dict) -> None:
    lines = [
        "# SPDX-License-Identifier: GPL-3.0-or-later",
        "# Copyright: Contributors to the containerlinux.etcd collection",
        "# The lab's machines; written by tests/lab/lab up.",
        "all:",
        "  children:",
        "    etcd:",
        "      hosts:",
    ]
    for m in state["machines"]:
        lines += [
            f"        {m['name']}:",
            "          ansible_connection: community.docker.nsenter",
            f"          ansible_nsenter_pid: {m['init_pid']}",
            f"          etcd_member_address: {m['address']}",
            f"          lab_flavour: {state['flavour']}",
        ]
    INVENTORY.write_text("\n".join(lines) + "\n")


def lab_alive(state: dict) -> bool:
    return all(
        alive(m["init_pid"], m["init_start"]) for m in state["machines"]
    )


def up(flavour: str, members: int) -> pathlib.Path:
    if os.geteuid() != 0:
        raise LabError("the lab needs root: run it with sudo or as root")
    if not 1 <= members <= MAX_MEMBERS:
        raise LabError(
            f"--members {members} is out of range: use 1 to {MAX_MEMBERS}"
        )
    state = load_state()
    if state:
        if lab_alive(state):
            if (state["flavour"], len(state["machines"])) != (
                flavour,
                members,
            ):
                raise LabError(
                    f"the lab is up with {len(state['machines'])} "
                    f"{state['flavour']} machines, not {members} {flavour} "
                    "ones: run 'lab down' first"
                )
            write_inventory(state)
            return INVENTORY
        log("an earlier lab is half gone: cleaning it up first")
    down(quiet=True)
    for image in ("3.3.25", "3.4.23", "3.5.16"):
        if not os.access(ETCD_IMAGES / image / "etcd", os.X_OK):
            raise LabError(
                f"the etcd binary {image} is missing: run hacking/bootstrap"
            )
    rootfs = build_rootfs()
    layer = build_layer(flavour)
    names = machine_names(members)
    RUN.mkdir(parents=True, exist_ok=True)
    state = {
        "flavour": flavour,
        "rootfs": str(rootfs),
        "layer": str(layer),
        "machines": [],
    }
    save_state(state)
    setup_bridge()
    lower = f"{layer}:{rootfs}"
    with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
        futures = [
            pool.submit(boot_machine, name, i, names, lower)
            for i, name in enumerate(names, 1)
        ]
        errors = []
        for future in futures:
            try:
                state["machines"].append(future.result())
            except LabError as exc:
                errors.append(str(exc))
    save_state(state)
    if errors:
        down(quiet=True)
        raise LabError("; ".join(errors))
    write_inventory(state)
    return INVENTORY


# --- teardown ----------------------------------------------------------------


def _ns_inode(path: pathlib.Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def lab_processes() -> list[int]:
    """Every process of the lab, also of a crashed earlier run: those in a
    lab network namespace or cgroup, and nspawn/launchers naming the run
    directory."""
    inodes = set()
    if NETNS_DIR.is_dir():
        for ns in NETNS_DIR.iterdir():
            if ns.name.startswith(PREFIX):
                ino = _ns_inode(ns)
                if ino:
                    inodes.add(ino)
    pids: set[int] = set()
    for root in cgroup_roots():
        base = root / CGROUP_NAME
        if base.is_dir():
            for procs in base.rglob("cgroup.procs"):
                with contextlib.suppress(OSError):
                    pids.update(int(p) for p in procs.read_text().split())
    me = os.getpid()
    run_dir = str(RUN).encode()
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            if _ns_inode(entry / "ns" / "net") in inodes:
                pids.add(int(entry.name))
                continue
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if run_dir in cmdline and (
            b"systemd-nspawn" in cmdline or b"celab-launch" in cmdline
        ):
            pids.add(int(entry.name))
    pids.discard(me)
    return sorted(pids)


def _signal_all(pids, sig) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def down(quiet: bool = False) -> None:
    if os.geteuid() != 0:
        raise LabError("the lab needs root: run it with sudo or as root")
    state = load_state() or {"machines": []}
    nspawns = [
        m["nspawn_pid"]
        for m in state["machines"]
        if alive(m["nspawn_pid"], m.get("nspawn_start"))
    ]
    # SIGTERM makes nspawn ask the machine's systemd for a clean poweroff.
    _signal_all(nspawns, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and any(
        alive(m["nspawn_pid"], m.get("nspawn_start"))
        for m in state["machines"]
    ):
        time.sleep(0.1)
    for _attempt in range(50):
        pids = lab_processes()
        if not pids:
            break
        _signal_all(pids, signal.SIGKILL)
        time.sleep(0.1)
    else:
        raise LabError(f"processes {pids} of the lab do not go away")
    for line in pathlib.Path("/proc/self/mounts").read_text().splitlines():
        target = line.split()[1]
        if target.startswith(str(RUN)):
            run("umount", "-l", target, check=False)
    if NETNS_DIR.is_dir():
        for ns in sorted(NETNS_DIR.iterdir()):
            if ns.name.startswith(PREFIX):
                run("ip", "netns", "delete", ns.name, check=False)
    for root in cgroup_roots():
        base = root / CGROUP_NAME
        if base.is_dir():
            for d in sorted(base.rglob("*"), key=lambda p: -len(p.parts)):
                if d.is_dir():
                    with contextlib.suppress(OSError):
                        d.rmdir()
            with contextlib.suppress(OSError):
                base.rmdir()
    if RUN.exists():
        shutil.rmtree(RUN)
    INVENTORY.unlink(missing_ok=True)
    if not quiet:
        log("the lab is down")


# --- other commands ----------------------------------------------------------


def require_up() -> dict:
    state = load_state()
    if not state or not state["machines"] or not lab_alive(state):
        raise LabError("the lab is not up: run 'lab up' first")
    return state


def status() -> int:
    state = load_state()
    if not state or not state["machines"]:
        print("down")
        return 3
    ok = True
    print(f"flavour {state['flavour']}, inventory {INVENTORY}")
    for m in state["machines"]:
        if alive(m["init_pid"], m["init_start"]):
            result = machine_shell(
                m["init_pid"], "systemctl is-system-running"
            )
            s = result.stdout.strip() or "unknown"
        else:
            s, ok = "gone", False
        print(f"{m['name']}\t{m['address']}\tpid {m['init_pid']}\t{s}")
    return 0 if ok else 1


def exec_command(name: str, command: list[str]) -> int:
    state = require_up()
    for m in state["machines"]:
        if m["name"] == name:
            break
    else:
        known = ", ".join(x["name"] for x in state["machines"])
        raise LabError(f"there is no machine {name!r}: the lab has {known}")
    if not command:
        raise LabError("give the command after '--': lab exec NAME -- CMD")
    argv = [
        "nsenter",
        "-t",
        str(m["init_pid"]),
        "-a",
        "/usr/bin/env",
        "-i",
        f"PATH={MACHINE_PATH}",
        f"TERM={os.environ.get('TERM', 'dumb')}",
        *command,
    ]
    return subprocess.run(argv, check=False).returncode


def bench(members: int, flavour: str) -> None:
    build_rootfs()
    build_layer(flavour)
    down(quiet=True)
    start = time.monotonic()
    up(flavour, members)
    booted = time.monotonic() - start
    start = time.monotonic()
    down(quiet=True)
    stopped = time.monotonic() - start
    print(
        f"lab up of {members} {flavour} machines (warm cache): {booted:.1f} s"
    )
    print(f"lab down: {stopped:.1f} s")


@contextlib.contextmanager
def locked():
    """Serialise the commands that change the lab: two `lab up` at once
    would build and boot over each other."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"lab{INSTANCE}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="lab", description=__doc__.split("\n", maxsplit=1)[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="boot the machines, print the inventory")
    p_up.add_argument("--flavour", choices=FLAVOURS, default="coreos")
    p_up.add_argument("--members", type=int, default=3)
    sub.add_parser("down", help="remove every machine, mount and namespace")
    sub.add_parser("status", help="show the machines and their state")
    sub.add_parser("inventory", help="print the inventory's path")
    p_exec = sub.add_parser("exec", help="run a command on a machine")
    p_exec.add_argument("name")
    p_exec.add_argument("cmd", nargs=argparse.REMAINDER)
    p_build = sub.add_parser("build", help="build the cached file systems")
    p_build.add_argument("--flavour", choices=FLAVOURS, action="append")
    p_bench = sub.add_parser("bench", help="print how long up and down take")
    p_bench.add_argument("--flavour", choices=FLAVOURS, default="coreos")
    p_bench.add_argument("--members", type=int, default=3)
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z0-9]{0,8}", INSTANCE):
        log(
            f"LAB_INSTANCE={INSTANCE!r} is not a lab name: use up to 8 "
            "lower-case letters and digits, or leave it unset"
        )
        return 2
    try:
        changes = args.command in ("up", "down", "build", "bench")
        with locked() if changes else contextlib.nullcontext():
            return run_command(args)
    except LabError as exc:
        log(str(exc))
        return 1


def run_command(args: argparse.Namespace) -> int:
    if args.command == "up":
        print(up(args.flavour, args.members))
    elif args.command == "down":
        down()
    elif args.command == "status":
        return status()
    elif args.command == "inventory":
        require_up()
        print(INVENTORY)
    elif args.command == "exec":
        cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        return exec_command(args.name, cmd)
    elif args.command == "build":
        print(build_rootfs())
        for flavour in args.flavour or FLAVOURS:
            print(build_layer(flavour))
    elif args.command == "bench":
        bench(args.members, args.flavour)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
