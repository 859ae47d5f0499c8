#!/usr/bin/env python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The lab's stand-in for rkt 1.30 with the fly stage1, as CoreOS Container
Linux ships it: `rkt run`, `rkt rm`, `rkt stop` and `rkt list`.

It parses its arguments the way rkt does (pflag with interspersed flags off,
rkt's per-image flag lists, appc's volume grammar, Go's URL query parsing
for --mount) and prints rkt's error texts. `run` keeps its PID all the way
into etcd, so Type=notify units see etcd as their main process.
"""

from __future__ import annotations

import os
import pathlib
import posixpath
import re
import signal
import sys
import uuid as uuidlib

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

import contextlib

import _standin

DATA_DIR = pathlib.Path("/var/lib/rkt")
STAGE1_IMAGES = ("stage1-fly.aci",)
INSECURE_OPTIONS = (
    "none",
    "image",
    "tls",
    "ondisk",
    "http",
    "pubkey",
    "capabilities",
    "paths",
    "seccomp",
    "all-fetch",
    "all-run",
    "all",
)
BOOL_SUBFLAGS = {"force"}
STAGE1_FLAGS = (
    "stage1-url",
    "stage1-path",
    "stage1-name",
    "stage1-hash",
    "stage1-from-dir",
)


class FlagError(Exception):
    """A pflag error: cobra prints it as "Error: ..."."""


class RunError(Exception):
    """An error rkt prints with its command's log prefix ("run: ...")."""


# --- Go semantics ------------------------------------------------------------


def go_parse_bool(s: str) -> bool:
    if s in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if s in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise ValueError(f'strconv.ParseBool: parsing "{s}": invalid syntax')


def go_atoi(s: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", s):
        raise ValueError(f'strconv.Atoi: parsing "{s}": invalid syntax')
    return int(s)


def go_quote(s: str) -> str:
    """Go's %q for plain strings."""
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def go_quote_list(values: list[str]) -> str:
    return "[" + " ".join(go_quote(v) for v in values) + "]"


_UNRESERVED = re.compile(r"[A-Za-z0-9\-_.~]")


def go_query_escape(s: str) -> str:
    out = []
    for byte in s.encode():
        ch = chr(byte)
        if byte < 0x80 and _UNRESERVED.fullmatch(ch):
            out.append(ch)
        elif ch == " ":
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def go_query_unescape(s: str) -> str:
    raw = s.encode()
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == ord("%"):
            hexpart = raw[i + 1 : i + 3]
            if len(hexpart) < 2 or not re.fullmatch(
                rb"[0-9A-Fa-f]{2}", hexpart
            ):
                bad = raw[i : i + 3].decode(errors="replace")
                raise ValueError(f"invalid URL escape {go_quote(bad)}")
            out.append(int(hexpart, 16))
            i += 3
        elif c == ord("+"):
            out.append(0x20)
            i += 1
        else:
            out.append(c)
            i += 1
    return out.decode(errors="surrogateescape")


def go_parse_query(query: str) -> dict[str, list[str]]:
    """net/url.ParseQuery of the Go releases rkt was built with: `&` and
    `;` both separate pairs; the first error is returned after parsing."""
    values: dict[str, list[str]] = {}
    first_error = None
    for part in re.split(r"[&;]", query):
        if not part:
            continue
        key, _sep, value = part.partition("=")
        try:
            key = go_query_unescape(key)
            value = go_query_unescape(value)
        except ValueError as exc:
            first_error = first_error or exc
            continue
        values.setdefault(key, []).append(value)
    if first_error:
        raise first_error
    return values


# --- appc --------------------------------------------------------------------


def check_acname(name: str) -> None:
    if not name:
        raise ValueError("ACName cannot be empty")
    if re.search(r"[^a-z0-9-]", name):
        raise ValueError(
            "ACName must contain only lower case alphanumeric characters "
            'plus "-"'
        )
    if re.search(r"(^-+)|(-+$)", name):
        raise ValueError(
            "ACName must start and end with only lower case alphanumeric "
            "characters"
        )


def parse_volume(spec: str) -> dict:
    """appc's types.VolumeFromString."""
    text = "name=" + spec
    parts = []
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(
                f"malformed string {go_quote(text)} - has a label without a "
                f"value: {key}"
            )
        parts.append(f"{key}={go_query_escape(value)}")
    params = go_parse_query("&".join(parts))
    vol: dict = {
        "name": "",
        "kind": "",
        "source": "",
        "readOnly": None,
        "recursive": None,
        "mode": None,
        "uid": None,
        "gid": None,
    }
    for key, val in params.items():
        if len(val) > 1:
            raise ValueError(
                f"label {key} with multiple values {go_quote_list(val)}"
            )
        value = val[0]
        if key == "name":
            check_acname(value)
            vol["name"] = value
        elif key in ("kind", "source", "mode"):
            vol[key] = value
        elif key in ("readOnly", "recursive"):
            vol[key] = go_parse_bool(value)
        elif key in ("uid", "gid"):
            vol[key] = go_atoi(value)
        else:
            raise ValueError(f"unknown volume parameter {go_quote(key)}")
    if vol["kind"] == "empty":
        for key, default in (("mode", "0755"), ("uid", 0), ("gid", 0)):
            if vol[key] is None:
                vol[key] = default
    if not vol["name"]:
        raise ValueError("name must be set")
    if vol["kind"] == "empty":
        if vol["source"]:
            raise ValueError("source for empty volume must be empty")
    elif vol["kind"] == "host":
        if not vol["source"]:
            raise ValueError("source for host volume cannot be empty")
        for key in ("mode", "uid", "gid"):
            if vol[key] is not None:
                raise ValueError(f"{key} for host volume cannot be set")
        if not vol["source"].startswith("/"):
            raise ValueError("source for host volume must be absolute path")
    else:
        raise ValueError(
            'unrecognized volume kind: should be one of "empty", "host"'
        )
    return vol


def parse_mount(spec: str) -> dict:
    """rkt's --mount: the value is read as a URL query with `,` for `&`."""
    params = go_parse_query(spec.replace(",", "&"))
    mount = {"volume": "", "target": ""}
    for key, val in params.items():
        if len(val) > 1:
            raise ValueError(
                f"label {key} with multiple values {go_quote_list(val)}"
            )
        if key == "volume":
            try:
                check_acname(val[0])
            except ValueError as exc:
                raise ValueError(
                    f"invalid volume name {go_quote(val[0])} in --mount flag "
                    f"{go_quote(spec)}: {exc}"
                ) from None
            mount["volume"] = val[0]
        elif key == "target":
            mount["target"] = val[0]
        else:
            raise ValueError(f"unknown mount parameter {go_quote(key)}")
    return mount


# --- the command line --------------------------------------------------------


class Apps:
    """rkt's apps.Apps: images with their per-image settings, plus the
    pod-wide volumes and mounts."""

    def __init__(self) -> None:
        self.apps: list[dict] = []
        self.volumes: list[dict] = []
        self.mounts: list[dict] = []

    def last(self, flag: str) -> dict:
        if not self.apps:
            raise ValueError(f"--{flag} must follow an image")
        return self.apps[-1]


class Options:
    def __init__(self) -> None:
        self.bools: dict[str, bool] = {}
        self.strings: dict[str, str] = {}
        self.insecure: list[str] = []
        self.set_env: dict[str, str] = {}
        self.set_env_order: list[str] = []
        self.env_file: dict[str, str] = {}
        self.stage1: tuple[str, str] | None = None
        self.apps = Apps()


GLOBAL_BOOLS = {"debug", "trust-keys-from-https"}
GLOBAL_STRINGS = {
    "dir",
    "system-config",
    "local-config",
    "user-config",
    "cpuprofile",
    "memprofile",
}
RUN_BOOLS = {
    "inherit-env",
    "no-overlay",
    "private-users",
    "interactive",
    "store-only",
    "no-store",
    "mds-register",
}
RUN_STRINGS = {
    "dns-domain",
    "pull-policy",
    "pod-manifest",
    "uuid-file-save",
    "hostname",
    "ipc",
}
RUN_LISTS = {"port", "dns", "dns-search", "dns-opt", "hosts-entry"}
APP_ONCE = {"exec", "signature"}
APP_LAST_WINS = {
    "user",
    "group",
    "working-dir",
    "name",
    "memory",
    "cpu",
    "cpu-shares",
    "oom-score-adj",
    "supplementary-gids",
    "caps-retain",
    "caps-remove",
    "seccomp",
}
APP_LISTS = {"annotation", "user-annotation", "user-label", "environment"}
APP_BOOLS = {"readonly-rootfs"}


def read_env_file(env: dict[str, str], path: str) -> None:
    """rkt's --set-env-file: NAME=VALUE lines; `#` and `;` start
    comments; no quote processing."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().splitlines()
    except OSError as exc:
        raise ValueError(f"open {path}: {_standin.strerror(exc)}") from None
    for line in lines:
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key:
            raise ValueError(
                "environment variable must be specified as name=value "
                f"(file {go_quote(path)})"
            )
        if key in env:
            raise ValueError(
                f"environment variable {go_quote(key)} already set "
                f"(file {go_quote(path)})"
            )
        env[key] = value


def _set_flag(opts: Options, name: str, value: str) -> None:
    """Value.Set of the flag `name`; raises ValueError with rkt's text."""
    if name in GLOBAL_BOOLS | RUN_BOOLS:
        opts.bools[name] = go_parse_bool(value)
    elif name in GLOBAL_STRINGS | RUN_STRINGS:
        if (
            name in ("dir", "system-config", "local-config", "user-config")
            and not value
        ):
            raise ValueError('"" is not a valid directory')
        opts.strings[name] = value
    elif name in RUN_LISTS or name == "net":
        opts.strings.setdefault(name, "")
    elif name == "insecure-options":
        chosen: list[str] = []
        if value:
            for option in value.lower().split(","):
                if option not in INSECURE_OPTIONS:
                    raise ValueError(f"unknown option {go_quote(option)}")
                if option in chosen:
                    raise ValueError(f"duplicated option {go_quote(option)}")
                chosen.append(option)
        opts.insecure = chosen
    elif name in STAGE1_FLAGS:
        if opts.stage1 is not None:
            if opts.stage1[0] == name:
                raise ValueError(f"--{name} already used")
            raise ValueError(
                f"flags --{opts.stage1[0]} and --{name} are mutually exclusive"
            )
        opts.stage1 = (name, value)
    elif name == "set-env-file":
        read_env_file(opts.env_file, value)
    elif name == "set-env":
        key, sep, val = value.partition("=")
        if not sep:
            raise ValueError("must be specified as key=value")
        if key in opts.set_env:
            raise ValueError(f"key {go_quote(key)} already set")
        opts.set_env[key] = val
        opts.set_env_order.append(key)
    elif name == "volume":
        try:
            opts.apps.volumes.append(parse_volume(value))
        except ValueError as exc:
            raise ValueError(
                f"invalid value in --volume flag {go_quote(value)}: {exc}"
            ) from None
    elif name == "mount":
        mount = parse_mount(value)
        if opts.apps.apps:
            opts.apps.apps[-1]["mounts"].append(mount)
        else:
            opts.apps.mounts.append(mount)
    elif name in APP_ONCE:
        app = opts.apps.last(name)
        if app.get(name):
            raise ValueError(
                f"--{name} specified multiple times for the same image"
            )
        app[name] = value
    elif name in APP_LAST_WINS:
        opts.apps.last(name)[name] = value
    elif name in APP_LISTS:
        opts.apps.last(name).setdefault(name, []).append(value)
    elif name in APP_BOOLS:
        opts.apps.last(name)[name] = go_parse_bool(value)
    else:
        raise AssertionError(name)


def _known(name: str, run: bool) -> bool:
    if name in GLOBAL_BOOLS | GLOBAL_STRINGS | {"insecure-options"}:
        return True
    if not run:
        return False
    return name in (
        RUN_BOOLS
        | RUN_STRINGS
        | RUN_LISTS
        | APP_ONCE
        | APP_LAST_WINS
        | APP_LISTS
        | APP_BOOLS
        | set(STAGE1_FLAGS)
        | {"net", "set-env", "set-env-file", "volume", "mount"}
    )


def _is_bool(name: str) -> bool:
    return name in GLOBAL_BOOLS | RUN_BOOLS | APP_BOOLS


def parse_flags(opts: Options, args: list[str], run: bool, extra=()) -> int:
    """pflag's Parse with interspersed flags off: parse flags until the
    first argument that is not one; return how many arguments it took."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return i + 1
        if not arg.startswith("-") or arg == "-":
            return i
        if not arg.startswith("--"):
            raise FlagError(f"unknown shorthand flag: '{arg[1]}' in {arg}")
        body = arg[2:]
        if not body or body[0] in "-=":
            raise FlagError(f"bad flag syntax: {arg}")
        name, sep, value = body.partition("=")
        known = True if name in extra else _known(name, run)
        if not known:
            raise FlagError(f"unknown flag: --{name}")
        if not sep:
            if _is_bool(name) or name in BOOL_SUBFLAGS:
                value = "true"
            elif name == "net":
                value = "default"
            elif i + 1 < len(args):
                i += 1
                value = args[i]
            else:
                raise FlagError(f"flag needs an argument: {arg}")
        try:
            if name in extra:
                extra[name](value)
            else:
                _set_flag(opts, name, value)
        except ValueError as exc:
            raise FlagError(
                f"invalid argument {go_quote(value)} for {arg}: {exc}"
            ) from None
        i += 1
    return i


def parse_apps(opts: Options, args: list[str]) -> None:
    """rkt's parseApps: images, their flags, `--` app arguments and `---`."""
    in_args = False
    apps_at_last_args = len(opts.apps.apps)
    i = 0
    while i < len(args):
        a = args[i]
        if not a:
            i += 1
            continue
        if in_args:
            if a == "---":
                in_args = False
            else:
                opts.apps.apps[-1]["args"].append(a)
            i += 1
            continue
        if a == "--":
            in_args = True
            if apps_at_last_args == len(opts.apps.apps):
                if not opts.apps.apps:
                    raise ValueError(
                        "an image is required before any app arguments"
                    )
                raise ValueError(
                    "only one set of app arguments allowed per image"
                )
            apps_at_last_args = len(opts.apps.apps)
            i += 1
            continue
        if a == "---":
            i += 1
            continue
        try:
            taken = parse_flags(opts, args[i:], run=True)
        except FlagError as exc:
            raise ValueError(str(exc)) from None
        if taken > 0:
            if args[i + taken - 1] == "--":
                taken -= 1
            i += taken
        else:
            opts.apps.apps.append({"image": a, "mounts": [], "args": []})
            i += 1
    names = {v["name"] for v in opts.apps.volumes}
    for mounts in [opts.apps.mounts] + [
        app["mounts"] for app in opts.apps.apps
    ]:
        for m in mounts:
            if m["volume"] not in names:
                raise ValueError(
                    f"dangling mount point {go_quote(m['target'])}: volume "
                    f"{go_quote(m['volume'])} not found"
                )


def split_command(argv: list[str]) -> tuple[Options, str | None, list[str]]:
    """Find the subcommand the way cobra does; global flags may stand
    before it."""
    opts = Options()
    rest = list(argv)
    i = 0
    while i < len(rest):
        a = rest[i]
        if a.startswith("--") and len(a) > 2:
            name, sep, _value = a[2:].partition("=")
            if not sep and not _is_bool(name) and _known(name, False):
                i += 2
                continue
            i += 1
            continue
        if a.startswith("-") and a != "-":
            i += 1
            continue
        return opts, a, rest[:i] + rest[i + 1 :]
    return opts, None, rest


# --- pods --------------------------------------------------------------------


def pods_dir() -> pathlib.Path:
    return DATA_DIR / "pods"


def pod_record(uuid: str) -> dict | None:
    try:
        import json

        return json.loads((pods_dir() / f"{uuid}.json").read_text())
    except (OSError, ValueError):
        return None


def read_uuid_file(path: str) -> str:
    try:
        return pathlib.Path(path).read_text().strip()
    except OSError as exc:
        raise RunError(
            f"unable to resolve UUID from file: open {path}: "
            f"{_standin.strerror(exc)}"
        ) from None


def find_image(image: str, insecure: list[str]) -> pathlib.Path:
    if image.startswith("docker://"):
        if (
            "image" not in insecure
            and "all" not in insecure
            and "all-fetch" not in insecure
        ):
            raise RunError(
                "signature verification for docker images is not supported "
                "(try --insecure-options=image)"
            )
        ref = image[len("docker://") :]
        repo, _colon, tag = (
            ref.rpartition(":")
            if ":" in ref.rsplit("/", 1)[-1]
            else (ref, "", "latest")
        )
        found = _standin.image_dir(repo, tag)
        if found is None:
            raise RunError(
                "unable to fetch docker image from URL "
                f"{go_quote(image)}: either "
                "image was not found in the store or store was disabled and "
                "fetching from remote yielded nothing or it was disabled"
            )
        return found
    name, _colon, tag = image.partition(":")
    found = (
        _standin.image_dir(name, tag or "latest")
        if name == "quay.io/coreos/etcd"
        else None
    )
    if found is None:
        raise RunError(
            f"unable to fetch image from image name {go_quote(image)}: either "
            "image was not found in the store or store was disabled and "
            "fetching from remote yielded nothing or it was disabled"
        )
    return found


def clean(path: str) -> str:
    return posixpath.normpath(path) if path else "."


def plan_run(opts: Options, environ: dict[str, str]) -> dict:
    """Everything `rkt run` checks before it starts the pod; returns the
    container's spec. Raises RunError with rkt's text."""
    apps = opts.apps
    if opts.bools.get("store-only") and opts.bools.get("no-store"):
        raise RunError("both --store-only and --no-store specified")
    if not apps.apps:
        raise RunError(
            "must provide at least one image or specify the pod manifest"
        )
    if opts.stage1 is None or (
        opts.stage1[0] != "stage1-from-dir"
        or opts.stage1[1] not in STAGE1_IMAGES
    ):
        given = (
            "--" + "=".join(opts.stage1)
            if opts.stage1
            else "the default stage1"
        )
        raise RunError(
            f"failed to fetch stage1 image: the lab's rkt has only "
            f"--stage1-from-dir=stage1-fly.aci, not {given}"
        )
    app = apps.apps[0]
    image = find_image(app["image"], opts.insecure)
    if len(apps.apps) > 1:
        raise RunError("fly only supports 1 application per Pod for now")
    seen = set()
    for v in apps.volumes:
        if v["name"] in seen:
            raise RunError(f"duplicate volume name {go_quote(v['name'])}")
        seen.add(v["name"])
    # stage0: per-app mounts, then pod-wide ones; the first on a path wins.
    merged, paths = [], set()
    for m in app["mounts"] + apps.mounts:
        path = clean(m["target"])
        if path not in paths:
            merged.append(m)
            paths.add(path)
    by_name = {}
    for m in merged:
        if m["volume"] in by_name:
            raise RunError(
                "can't evaluate mounts: duplicate mount given: "
                f"{go_quote(m['volume'])}"
            )
        by_name[m["volume"]] = m
    mounts = []
    for v in apps.volumes:
        m = by_name.get(v["name"])
        if m is None:
            continue
        if v["kind"] == "host":
            if not os.path.exists(v["source"]):
                raise RunError(
                    f"stat of host path {v['source']}: stat {v['source']}: "
                    "no such file or directory"
                )
            source = v["source"]
        else:
            source = None
        mounts.append(
            {
                "volume": v["name"],
                "kind": v["kind"],
                "source": source,
                "target": clean(m["target"]),
                "readonly": bool(v["readOnly"]),
                "recursive": bool(v["recursive"]),
                "mode": v["mode"],
                "uid": v["uid"],
                "gid": v["gid"],
            }
        )
    # stage0's order, lowest priority first: the image's environment and
    # --environment, the inherited one (which overrides neither), the
    # --set-env-file files, then --set-env.
    env = {"PATH": _standin.IMAGE_PATH}
    for item in app.get("environment", []):
        key, _sep, val = item.partition("=")
        env[key] = val
    if opts.bools.get("inherit-env"):
        for key, val in environ.items():
            env.setdefault(key, val)
    env.update(opts.env_file)
    for key in opts.set_env_order:
        env[key] = opts.set_env[key]
    env["AC_APP_NAME"] = "etcd"
    uid, gid = 0, 0
    if "user" in app:
        user = app["user"]
        if re.fullmatch(r"[0-9]+", user):
            uid = int(user)
        else:
            found = _standin.image_user(user)
            if found is None:
                raise RunError(
                    f"cannot find user {go_quote(user)} in the image"
                )
            uid = found[0]
    if "group" in app:
        group = app["group"]
        gid = int(group) if re.fullmatch(r"[0-9]+", group) else 0
    exec_path = app.get("exec") or "/usr/local/bin/etcd"
    return {
        "image": str(image),
        "uid": uid,
        "gid": gid,
        "env": env,
        "argv": [exec_path, *app["args"]],
        "mounts": mounts,
        "cwd": app.get("working-dir") or "/",
        "error_prefix": "run: ",
    }


def prepare_empty_volumes(uuid: str, spec: dict) -> None:
    for m in spec["mounts"]:
        if m["kind"] == "empty":
            path = pods_dir() / uuid / "volumes" / m["volume"]
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, int(m["mode"], 8))
            os.chown(path, m["uid"], m["gid"])
            m["source"] = str(path)


# --- commands ----------------------------------------------------------------


def err(prefix: str, message: str) -> None:
    print(f"{prefix}: {message}", file=sys.stderr, flush=True)


def check_run(argv: list[str], environ: dict[str, str]):
    """Parse and check a whole `rkt ... run ...` command line (without the
    program name) as rkt does before it starts a pod. Returns (options,
    container spec, None) or (None, None, the text rkt prints on stderr)."""
    opts, command, args = split_command(argv)
    if command != "run":
        raise AssertionError(command)
    try:
        taken = parse_flags(opts, args, run=True)
    except FlagError as exc:
        return None, None, f"Error: {exc}\nRun 'rkt run --help' for usage."
    try:
        parse_apps(opts, args[taken:])
    except ValueError as exc:
        return None, None, f"run: error parsing app image arguments: {exc}"
    try:
        spec = plan_run(opts, environ)
    except RunError as exc:
        return None, None, f"run: {exc}"
    return opts, spec, None


def cmd_run(argv: list[str]) -> int:
    opts, spec, error = check_run(argv, dict(os.environ))
    if error:
        print(error, file=sys.stderr)
        return 254
    uuid = str(uuidlib.uuid4())
    save = opts.strings.get("uuid-file-save")
    if save:
        try:
            pathlib.Path(save).write_text(uuid)
        except OSError as exc:
            err(
                "run",
                f"error saving pod UUID to file: {_standin.strerror(exc)}",
            )
            return 254
    prepare_empty_volumes(uuid, spec)
    _standin.write_json(
        pods_dir() / f"{uuid}.json",
        {
            "uuid": uuid,
            "pid": os.getpid(),
            "start": _standin.proc_start(os.getpid()),
            "image": opts.apps.apps[0]["image"],
        },
    )
    sys.stdout.flush()
    sys.stderr.flush()
    _standin.exec_container(spec)
    return 254


def _uuids(prefix: str, args: list[str], uuid_file: str | None) -> list[str]:
    if not args and uuid_file:
        return [read_uuid_file(uuid_file)]
    if args and not uuid_file:
        return args
    raise RunError(f"usage: rkt {prefix} --uuid-file=FILE | UUID ...")


def _sub_flags(opts, args, names):
    found: dict[str, str] = {}
    extra = {n: (lambda v, n=n: found.__setitem__(n, v)) for n in names}
    rest = []
    i = 0
    while i < len(args):
        taken = parse_flags(opts, args[i:], run=False, extra=extra)
        if taken:
            i += taken
        else:
            rest.append(args[i])
            i += 1
    return found, rest


def cmd_rm(opts: Options, args: list[str]) -> int:
    try:
        flags, rest = _sub_flags(opts, args, {"uuid-file": None})
    except FlagError as exc:
        print(f"Error: {exc}\nRun 'rkt rm --help' for usage.", file=sys.stderr)
        return 254
    try:
        uuids = _uuids("rm", rest, flags.get("uuid-file"))
    except RunError as exc:
        err("rm", str(exc))
        return 254
    failed = False
    for uuid in uuids:
        record = pod_record(uuid)
        if record is None:
            err("rm", f"cannot get pod: no matches found for {go_quote(uuid)}")
            failed = True
            continue
        if _standin.is_running(record):
            err("rm", f"pod {go_quote(uuid)} is currently running")
            failed = True
            continue
        (pods_dir() / f"{uuid}.json").unlink(missing_ok=True)
        vols = pods_dir() / uuid
        if vols.exists():
            import shutil

            shutil.rmtree(vols)
        print(go_quote(uuid))
    if failed:
        err("rm", "failed to remove one or more pods")
        return 254
    return 0


def cmd_stop(opts: Options, args: list[str]) -> int:
    try:
        flags, rest = _sub_flags(
            opts, args, {"uuid-file": None, "force": None}
        )
    except FlagError as exc:
        print(
            f"Error: {exc}\nRun 'rkt stop --help' for usage.", file=sys.stderr
        )
        return 254
    try:
        uuids = _uuids("stop", rest, flags.get("uuid-file"))
    except RunError as exc:
        err("stop", str(exc))
        return 254
    errors = 0
    for uuid in uuids:
        record = pod_record(uuid)
        if record is None:
            err(
                "stop",
                f"cannot get pod: no matches found for {go_quote(uuid)}",
            )
            errors += 1
            continue
        if not _standin.is_running(record):
            print(f"pod {go_quote(uuid)} is already stopped")
            continue
        sig = (
            signal.SIGKILL
            if flags.get("force") in ("true",)
            else signal.SIGTERM
        )
        with contextlib.suppress(ProcessLookupError):
            os.kill(record["pid"], sig)
        print(go_quote(uuid))
    if errors:
        err("stop", f"failed to stop {errors} pod(s)")
        return 254
    return 0


def cmd_list() -> int:
    print("UUID\tAPP\tIMAGE NAME\tSTATE")
    for path in sorted(pods_dir().glob("*.json")):
        record = pod_record(path.stem)
        if record:
            state = "running" if _standin.is_running(record) else "exited"
            print(f"{record['uuid'][:8]}\tetcd\t{record['image']}\t{state}")
    return 0


def main(argv: list[str]) -> int:
    opts, command, rest = split_command(argv)
    if command is None:
        err("rkt", "missing command")
        return 2
    if os.geteuid() != 0:
        err(command, "cannot run as unprivileged user")
        return 254
    if command == "run":
        return cmd_run(argv)
    if command == "rm":
        return cmd_rm(opts, rest)
    if command == "stop":
        return cmd_stop(opts, rest)
    if command == "list":
        return cmd_list()
    print(
        f'Error: unknown command "{command}" for "rkt"\n'
        "Run 'rkt --help' for usage.",
        file=sys.stderr,
    )
    return 254


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
