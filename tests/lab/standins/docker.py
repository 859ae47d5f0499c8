#!/usr/bin/env python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The lab's stand-in for the docker CLI and daemon, for the forms that
Flatcar's etcd-wrapper and unit use: `docker run` (attached or -d),
`docker stop`, `docker rm` and `docker ps -a`.

Containers are recorded under /var/lib/docker/lab-containers; names are
unique as with dockerd, and the texts of the errors are docker's.
`docker run` forks the container (etcd) as its child, proxies SIGINT and
SIGTERM to it and exits with its status, like an attached docker client.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import secrets
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

import contextlib

import _standin

STATE = pathlib.Path("/var/lib/docker/lab-containers")
VOLUMES = pathlib.Path("/var/lib/docker/volumes")
IMAGE_CMD = ["/usr/local/bin/etcd"]
VOLUME_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+")
VOLUME_MODES = {
    "ro",
    "rw",
    "z",
    "Z",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "private",
    "rprivate",
    "nocopy",
}
# The reference grammar of distribution/reference.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*"
_DOMAIN = (
    r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)"
    r"(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?"
)
REFERENCE = re.compile(
    rf"(?P<name>(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:"
    r"[0-9a-fA-F]{32,}))?"
)

RUN_STRINGS = {
    "name": None,
    "network": None,
    "net": None,
    "ipc": None,
    "user": "u",
    "env-file": None,
    "entrypoint": None,
    "workdir": "w",
    "hostname": "h",
    "restart": None,
    "pid": None,
    "log-driver": None,
    "stop-signal": None,
    "stop-timeout": None,
}
RUN_LISTS = {
    "volume": "v",
    "env": "e",
    "label": "l",
    "publish": "p",
    "ulimit": None,
    "cap-add": None,
    "cap-drop": None,
    "mount": None,
    "tmpfs": None,
    "add-host": None,
}
RUN_BOOLS = {
    "rm": None,
    "detach": "d",
    "interactive": "i",
    "tty": "t",
    "init": None,
    "privileged": None,
    "read-only": None,
    "sig-proxy": None,
}


class Usage(Exception):
    """A command line error: docker prints it with a hint and exits 125."""


class FlagUsage(Usage):
    """A flag error: docker prints it bare, with the hint."""


class Daemon(Exception):
    """An error the daemon returns: "Error response from daemon: ..."."""

    def __init__(self, message: str, code: int = 125) -> None:
        super().__init__(message)
        self.code = code


# --- parsing -----------------------------------------------------------------


def _shorthands(table: dict) -> dict:
    return {v: k for k, v in table.items() if v}


def parse_flags(args, strings, lists, bools, interspersed=False):
    """pflag's parsing of a docker subcommand: returns (options, rest)."""
    shorts = {
        **_shorthands(strings),
        **_shorthands(lists),
        **_shorthands(bools),
    }
    opts: dict = {k: [] for k in lists}
    rest: list[str] = []
    i = 0

    def assign(name, value):
        if name in lists:
            opts[name].append(value)
        elif name in bools:
            if value not in (
                "1",
                "t",
                "T",
                "true",
                "TRUE",
                "True",
                "0",
                "f",
                "F",
                "false",
                "FALSE",
                "False",
            ):
                raise FlagUsage(
                    f'invalid argument "{value}" for "--{name}" flag: '
                    f'strconv.ParseBool: parsing "{value}": invalid syntax'
                )
            opts[name] = value in ("1", "t", "T", "true", "TRUE", "True")
        else:
            opts[name] = value

    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i + 1 :]
            break
        if arg.startswith("--"):
            name, sep, value = arg[2:].partition("=")
            if name not in strings and name not in lists and name not in bools:
                raise FlagUsage(f"unknown flag: --{name}")
            if not sep:
                if name in bools:
                    value = "true"
                elif i + 1 < len(args):
                    i += 1
                    value = args[i]
                else:
                    raise FlagUsage(f"flag needs an argument: --{name}")
            assign(name, value)
        elif arg.startswith("-") and arg != "-":
            j = 1
            while j < len(arg):
                c = arg[j]
                if c not in shorts:
                    raise FlagUsage(f"unknown shorthand flag: '{c}' in {arg}")
                name = shorts[c]
                if name in bools:
                    if arg[j + 1 : j + 2] == "=":
                        assign(name, arg[j + 2 :])
                        break
                    assign(name, "true")
                    j += 1
                    continue
                value = arg[j + 1 :]
                if value.startswith("="):
                    value = value[1:]
                elif not value:
                    if i + 1 >= len(args):
                        raise FlagUsage(
                            f"flag needs an argument: '{c}' in -{c}"
                        )
                    i += 1
                    value = args[i]
                assign(name, value)
                break
        else:
            if not interspersed:
                rest += args[i:]
                break
            rest.append(arg)
        i += 1
    return opts, rest


def parse_env_file(path: str, environ: dict[str, str]) -> list[str]:
    """docker's opts.ParseEnvFile: KEY=VALUE lines taken literally, no
    quote processing; a bare KEY takes the client's value if it has one."""
    try:
        data = pathlib.Path(path).read_bytes()
    except OSError as exc:
        raise Usage(f"open {path}: {_standin.strerror(exc)}") from None
    lines = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Usage(
                f"env file {path} contains invalid utf8 bytes at line "
                f"{number}: "
                f"{raw!r}"
            ) from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        stripped = line.lstrip(" \t\r\n\v\f")
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not key:
            raise Usage(
                "poorly formatted environment: no variable name on line "
                f"'{stripped}'"
            )
        if re.search(r"[ \t\r\n\v\f]", key):
            raise Usage(
                f"poorly formatted environment: variable '{key}' contains "
                "whitespaces"
            )
        if sep:
            lines.append(f"{key}={value}")
        elif key in environ:
            lines.append(f"{key}={environ[key]}")
    return lines


def parse_volume(spec: str) -> dict:
    """A -v argument on Linux: SRC:DST[:MODE] (or a lone DST, which the lab
    does not support)."""
    parts = spec.split(":")
    if len(parts) == 1 or len(parts) > 3 or not all(parts[:2]):
        raise Daemon(f"invalid volume specification: '{spec}'")
    source, target = parts[0], parts[1]
    mode = parts[2] if len(parts) == 3 else ""
    modes = mode.split(",") if mode else []
    for m in modes:
        if m not in VOLUME_MODES:
            raise Daemon(f"invalid mode: {mode}")
    if modes.count("ro") + modes.count("rw") > 1:
        raise Daemon(f"invalid mode: {mode}")
    if not target.startswith("/"):
        raise Daemon(
            f"invalid volume specification: '{spec}': invalid mount config "
            f"for type \"bind\": invalid mount path: '{target}' mount path "
            "must be "
            "absolute"
        )
    named = not source.startswith("/")
    if named and not VOLUME_NAME.fullmatch(source):
        raise Daemon(
            f'create {source}: "{source}" includes invalid characters for a '
            'local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. '
            "If you intended to pass a host directory, use absolute path"
        )
    return {
        "source": source,
        "target": os.path.normpath(target),
        "readonly": "ro" in modes,
        "named": named,
    }


def parse_user(user: str) -> tuple[int, int]:
    name, _colon, group = user.partition(":")
    if re.fullmatch(r"[0-9]+", name):
        uid = int(name)
        found = _standin.image_user(name)
        gid = found[1] if found else 0
    else:
        found = _standin.image_user(name)
        if found is None:
            raise Daemon(
                f"unable to find user {name}: no matching entries in passwd "
                "file",
                126,
            )
        uid, gid = found
    if group:
        if re.fullmatch(r"[0-9]+", group):
            gid = int(group)
        elif group in ("root", "nogroup"):
            gid = 0 if group == "root" else 65534
        else:
            raise Daemon(
                f"unable to find group {group}: no matching entries in group "
                "file",
                126,
            )
    return uid, gid


def parse_image(ref: str) -> tuple[str, str]:
    m = REFERENCE.fullmatch(ref)
    if not m:
        if ref.lower() != ref and REFERENCE.fullmatch(ref.lower()):
            name = ref.split("@")[0]
            if ":" in name.rsplit("/", 1)[-1]:
                name = name.rsplit(":", 1)[0]
            raise Usage(
                f"invalid reference format: repository name ({name}) must be "
                "lowercase"
            )
        raise Usage("invalid reference format")
    return m.group("name"), m.group("tag") or "latest"


def plan_run(opts: dict, rest: list[str], environ: dict[str, str]) -> dict:
    """Every check of `docker run` before the container starts."""
    if not rest:
        raise Usage('"docker run" requires at least 1 argument.')
    image_ref, cmd = rest[0], rest[1:]
    repository, tag = parse_image(image_ref)
    env_lines = [
        f"PATH={_standin.IMAGE_PATH}",
        f"HOSTNAME={socket.gethostname()}",
    ]
    for path in (opts.get("env-file") and [opts["env-file"]]) or []:
        env_lines += parse_env_file(path, environ)
    for item in opts["env"]:
        key, sep, _value = item.partition("=")
        if sep:
            env_lines.append(item)
        elif key in environ:
            env_lines.append(f"{key}={environ[key]}")
    env: dict[str, str] = {}
    for line in env_lines:
        key, _sep, value = line.partition("=")
        env[key] = value
    env.setdefault("HOME", "/")
    volumes = [parse_volume(v) for v in opts["volume"]]
    seen = set()
    for v in volumes:
        if v["target"] in seen:
            raise Daemon(f"Duplicate mount point: {v['target']}")
        seen.add(v["target"])
    for key in ("network", "net", "ipc"):
        if opts.get(key) not in (None, "host"):
            raise Daemon(
                f"the lab's docker offers only --{key}=host, not {opts[key]!r}"
            )
    uid, gid = parse_user(opts["user"]) if opts.get("user") else (0, 0)
    entrypoint = opts.get("entrypoint")
    argv = [entrypoint, *cmd] if entrypoint else cmd or list(IMAGE_CMD)
    image = _standin.image_dir(repository, tag)
    return {
        "image_ref": image_ref
        if ":" in image_ref.rsplit("/", 1)[-1]
        else f"{image_ref}:latest",
        "image": str(image) if image else None,
        "uid": uid,
        "gid": gid,
        "env": env,
        "argv": argv,
        "volumes": volumes,
        "cwd": opts.get("workdir") or "/",
    }


# --- containers --------------------------------------------------------------


def records() -> list[dict]:
    found = []
    for path in sorted(STATE.glob("*.json")):
        try:
            found.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return found


def lookup(ref: str) -> dict | None:
    ref = ref.lstrip("/")
    for record in records():
        if record["name"] == ref or record["id"] == ref:
            return record
    matches = [r for r in records() if r["id"].startswith(ref)]
    return matches[0] if len(matches) == 1 else None


def state_of(record: dict) -> str:
    if record.get("status") == "running" and not _standin.is_running(record):
        return "exited"
    return record.get("status", "created")


def save(record: dict) -> None:
    _standin.write_json(STATE / f"{record['id']}.json", record)


def remove(record: dict) -> None:
    (STATE / f"{record['id']}.json").unlink(missing_ok=True)


def wait_gone(record: dict, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _standin.is_running(record):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def fail(message: str, hint: str | None, code: int) -> int:
    print(message, file=sys.stderr)
    if hint:
        print(hint, file=sys.stderr)
    return code


HINT = "See 'docker run --help'."


def check_run(args: list[str], environ: dict[str, str]):
    """Parse and check `docker run ARGS` as the docker client and daemon do
    before they look at existing containers. Returns (options, plan, None,
    0) or (None, None, the text docker prints on stderr, exit status)."""
    try:
        opts, rest = parse_flags(args, RUN_STRINGS, RUN_LISTS, RUN_BOOLS)
        plan = plan_run(opts, rest, environ)
    except FlagUsage as exc:
        return None, None, f"{exc}\n{HINT}", 125
    except Usage as exc:
        return None, None, f"docker: {exc}.\n{HINT}", 125
    except Daemon as exc:
        return (
            None,
            None,
            f"docker: Error response from daemon: {exc}.\n{HINT}",
            exc.code,
        )
    name = opts.get("name") or ""
    if name and not re.fullmatch(r"/?[a-zA-Z0-9][a-zA-Z0-9_.-]+", name):
        return (
            None,
            None,
            (
                "docker: Error response from daemon: Invalid container name "
                f"({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed."
                f"\n{HINT}"
            ),
            125,
        )
    if plan["image"] is None:
        return (
            None,
            None,
            (
                f"Unable to find image '{plan['image_ref']}' locally\n"
                f"docker: Error response from daemon: manifest for "
                f"{plan['image_ref']} not found: manifest unknown: manifest "
                f"unknown.\n{HINT}"
            ),
            125,
        )
    return opts, plan, None, 0


def cmd_run(args: list[str]) -> int:
    hint = HINT
    opts, plan, error, code = check_run(args, dict(os.environ))
    if error:
        return fail(error, None, code)
    name = (opts.get("name") or f"lab_{secrets.token_hex(4)}").lstrip("/")
    existing = lookup(name)
    if existing and existing["name"] == name:
        return fail(
            "docker: Error response from daemon: Conflict. The container "
            f'name "/{name}" is already in use by container '
            f'"{existing["id"]}". You '
            "have to remove (or rename) that container to be able to reuse "
            "that name.",
            hint,
            125,
        )
    mounts = []
    for v in plan["volumes"]:
        source = v["source"]
        if v["named"]:
            source = str(VOLUMES / source / "_data")
        os.makedirs(source, exist_ok=True)
        mounts.append(
            {
                "source": source,
                "target": v["target"],
                "readonly": v["readonly"],
                "recursive": True,
            }
        )
    for f in ("/etc/hosts", "/etc/resolv.conf", "/etc/hostname"):
        if f not in {m["target"] for m in mounts} and os.path.exists(f):
            mounts.append({"source": f, "target": f, "readonly": False})
    record = {
        "id": secrets.token_hex(32),
        "name": name,
        "image": plan["image_ref"],
        "status": "created",
    }
    save(record)
    spec = {
        "image": plan["image"],
        "uid": plan["uid"],
        "gid": plan["gid"],
        "env": plan["env"],
        "argv": plan["argv"],
        "mounts": mounts,
        "cwd": plan["cwd"],
        "error_prefix": "docker: ",
        "exec_failure": 127,
        "pid_namespace": True,
    }
    sys.stdout.flush()
    sys.stderr.flush()
    # As in a docker container, etcd is PID 1 of a PID namespace of its own:
    # there it exits 0 on SIGTERM instead of dying from the signal.
    _standin.unshare_pid_namespace()
    pid = os.fork()
    if pid == 0:
        if opts.get("detach"):
            os.setsid()
        _standin.exec_container(spec)
    record.update(status="running", pid=pid, start=_standin.proc_start(pid))
    save(record)
    if opts.get("detach"):
        print(record["id"])
        return 0

    def forward(signum, _frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (
        signal.SIGINT,
        signal.SIGTERM,
        signal.SIGHUP,
        signal.SIGQUIT,
    ):
        signal.signal(signum, forward)
    status = os.waitpid(pid, 0)[1]
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        code = 128 - code
    current = lookup(record["id"])
    if opts.get("rm"):
        remove(record)
    elif current:
        current.update(status="exited", exit_code=code)
        save(current)
    return code


def cmd_stop(args: list[str]) -> int:
    try:
        opts, rest = parse_flags(
            args, {"time": "t", "signal": "s"}, {}, {}, interspersed=True
        )
    except Usage as exc:
        return fail(f"{exc}", "See 'docker stop --help'.", 125)
    if not rest:
        return fail(
            '"docker stop" requires at least 1 argument.',
            "See 'docker stop --help'.",
            1,
        )
    timeout = int(opts.get("time") or 10)
    sig = getattr(
        signal,
        "SIG" + (opts.get("signal") or "TERM").upper().removeprefix("SIG"),
    )
    code = 0
    for ref in rest:
        record = lookup(ref)
        if record is None:
            print(
                f"Error response from daemon: No such container: {ref}",
                file=sys.stderr,
            )
            code = 1
            continue
        if _standin.is_running(record):
            os.kill(record["pid"], sig)
            if not wait_gone(record, timeout):
                os.kill(record["pid"], signal.SIGKILL)
                wait_gone(record, 10)
        print(ref)
    return code


def cmd_rm(args: list[str]) -> int:
    try:
        opts, rest = parse_flags(
            args,
            {},
            {},
            {"force": "f", "volumes": "v", "link": "l"},
            interspersed=True,
        )
    except Usage as exc:
        return fail(f"{exc}", "See 'docker rm --help'.", 125)
    if not rest:
        return fail(
            '"docker rm" requires at least 1 argument.',
            "See 'docker rm --help'.",
            1,
        )
    code = 0
    for ref in rest:
        record = lookup(ref)
        if record is None:
            if not opts.get("force"):
                print(
                    f"Error response from daemon: No such container: {ref}",
                    file=sys.stderr,
                )
                code = 1
            continue
        if _standin.is_running(record):
            if not opts.get("force"):
                print(
                    "Error response from daemon: cannot remove container "
                    f'"/{record["name"]}": container is running: stop the '
                    "container before removing or force remove",
                    file=sys.stderr,
                )
                code = 1
                continue
            os.kill(record["pid"], signal.SIGKILL)
            wait_gone(record, 10)
        remove(record)
        print(ref)
    return code


def cmd_ps(args: list[str]) -> int:
    try:
        opts = parse_flags(
            args, {}, {}, {"all": "a", "quiet": "q"}, interspersed=True
        )[0]
    except Usage as exc:
        return fail(f"{exc}", "See 'docker ps --help'.", 125)
    print("CONTAINER ID   IMAGE   STATUS   NAMES")
    for record in records():
        state = state_of(record)
        if state == "running" or opts.get("all"):
            print(
                f"{record['id'][:12]}   {record['image']}   {state}   "
                f"{record['name']}"
            )
    return 0


COMMANDS = {"run": cmd_run, "stop": cmd_stop, "rm": cmd_rm, "ps": cmd_ps}


def main(argv: list[str]) -> int:
    if not argv:
        return fail("Usage:  docker [OPTIONS] COMMAND", None, 0)
    if argv[0].startswith("-"):
        return fail(f"unknown flag: {argv[0]}", "See 'docker --help'.", 125)
    command = COMMANDS.get(argv[0])
    if command is None:
        return fail(
            f"docker: '{argv[0]}' is not a docker command.",
            "See 'docker --help'",
            1,
        )
    if os.geteuid() != 0:
        return fail(
            "permission denied while trying to connect to the Docker daemon "
            "socket at unix:///var/run/docker.sock",
            None,
            1,
        )
    STATE.mkdir(parents=True, exist_ok=True)
    return command(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
