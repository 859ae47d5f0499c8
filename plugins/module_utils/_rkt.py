# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""``RKT_RUN_ARGS`` for the etcd-member rkt wrapper of CoreOS Container
Linux: split an existing value into words as the wrapper's shell does and
compose a new value that keeps every existing argument and adds volumes
and mounts, refusing whatever rkt or the wrapper would silently get wrong.

Pure Python (3.7+), no Ansible objects: the module and its action plugin
both call it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.containerlinux.etcd.plugins.module_utils._systemd import (  # noqa: E501
    SystemdEnvironmentError,
    check_value,
)

__all__ = [
    "DEFAULT_UNIT",
    "LEGACY_WRAPPER_VOLUMES",
    "MUTUALLY_EXCLUSIVE",
    "VOLUME_OPTIONS",
    "WRAPPER_ARGS",
    "WRAPPER_VOLUMES",
    "RktArgumentError",
    "argument_spec",
    "compose",
    "split_words",
]


class RktArgumentError(ValueError):
    """Arguments rkt or the wrapper would refuse or silently misread."""


DEFAULT_UNIT = "/usr/lib/systemd/system/etcd-member.service"


def argument_spec(path_type: str) -> Dict[str, Any]:
    """The options of containerlinux.etcd.rkt_run_args.

    The module on the host takes paths as ``path``; the action plugin on the
    controller passes ``str``, since ``path`` would expand them against the
    controller's home directory.
    """
    return {
        "unit": {"type": path_type, "default": DEFAULT_UNIT},
        "search_path": {"type": "list", "elements": path_type},
        "exclude_dropin": {"type": "str"},
        "base": {"type": "str"},
        "volumes": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {
                "name": {"type": "str", "required": True},
                "kind": {
                    "type": "str",
                    "choices": ["host", "empty"],
                    "default": "host",
                },
                "source": {"type": "str"},
                "target": {"type": "str", "required": True},
                "read_only": {"type": "bool"},
                "recursive": {"type": "bool"},
                "mode": {"type": "str"},
                "uid": {"type": "int"},
                "gid": {"type": "int"},
            },
        },
        "extra_args": {"type": "list", "elements": "str", "default": []},
    }


MUTUALLY_EXCLUSIVE = [("unit", "base")]


# The volumes the wrapper adds after $RKT_RUN_ARGS, with their targets.
WRAPPER_VOLUMES: Dict[str, str] = {
    "coreos-systemd-dir": "/run/systemd/system",
    "coreos-notify": "/run/systemd/notify",
    "coreos-data-dir": "/var/lib/etcd",
    "coreos-etc-ssl-certs": "/etc/ssl/certs",
    "coreos-usr-share-certs": "/usr/share/ca-certificates",
    "coreos-etc-hosts": "/etc/hosts",
    "coreos-etc-resolv": "/etc/resolv.conf",
}
# Wrappers before May 2017 used the same names without the prefix.
LEGACY_WRAPPER_VOLUMES: Dict[str, str] = {
    name[len("coreos-") :]: target for name, target in WRAPPER_VOLUMES.items()
}

# Arguments the wrapper passes itself, and why one must not add them.
WRAPPER_ARGS: Dict[str, str] = {
    "--insecure-options": (
        "the wrapper passes --insecure-options=image itself for docker:// "
        "images, and rkt keeps only the last one given"
    ),
    "--trust-keys-from-https": (
        "the wrapper passes it itself for quay.io images"
    ),
    "--inherit-env": "the wrapper passes it itself",
    "--stage1-": (
        "the wrapper passes the stage1 image from RKT_STAGE1_ARG: set that "
        "variable instead"
    ),
}

VOLUME_OPTIONS = (
    "name",
    "kind",
    "source",
    "target",
    "read_only",
    "recursive",
    "mode",
    "uid",
    "gid",
)
_KIND_OPTIONS = {
    "host": ("source", "read_only", "recursive"),
    "empty": ("mode", "uid", "gid"),
}
# rkt's spelling of each option in --volume.
_RKT_KEYS = {
    "source": "source",
    "read_only": "readOnly",
    "recursive": "recursive",
    "mode": "mode",
    "uid": "uid",
    "gid": "gid",
}
_RKT_VOLUME_KEYS = frozenset(("kind", *_RKT_KEYS.values()))
# Go's strconv.ParseBool, which appc uses.
_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))

_ACNAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
_MODE = re.compile(r"[0-7]{3,4}\Z")
_IFS = " \t\n"
_GLOB = "*?["
_PATH_FORBIDDEN = ",\"'\\*?[]"
# rkt reads --mount like a URL query string.
_TARGET_FORBIDDEN = "+%&;"


def split_words(value: str) -> List[str]:
    """Split ``value`` as the wrapper's bash splits an unquoted
    ``$RKT_RUN_ARGS``: at spaces, tabs and newlines only.  Quotes and
    backslashes are kept as they are (bash does not interpret them in an
    expansion).  A word with a glob character is refused, since bash would
    expand it against the host's files."""
    if not isinstance(value, str):
        raise RktArgumentError(
            f"RKT_RUN_ARGS must be a string, not a {type(value).__name__}: "
            "give the value as text"
        )
    words = re.split(f"[{_IFS}]+", value.strip(_IFS)) if value else []
    words = [word for word in words if word]
    for word in words:
        for char in _GLOB:
            if char in word:
                raise RktArgumentError(
                    f"the RKT_RUN_ARGS word {word!r} holds the glob "
                    f"character {char!r}, which the wrapper's shell would "
                    "expand against the host's files: remove it"
                )
    return words


def _wrapper_arg(word: str) -> Optional[str]:
    for prefix, reason in WRAPPER_ARGS.items():
        if prefix.endswith("-"):
            if word.startswith(prefix):
                return reason
        elif word == prefix or word.startswith(prefix + "="):
            return reason
    return None


def _is_wrapper_name(name: str) -> bool:
    return name.startswith("coreos-") or name in LEGACY_WRAPPER_VOLUMES


def _overlap(target: str) -> Optional[Tuple[str, str, str]]:
    """The wrapper mount ``target`` collides with: (relation, wrapper
    target, wrapper volume name), or None."""
    for name, mounted in WRAPPER_VOLUMES.items():
        if target == mounted:
            return "is", mounted, name
        if target == "/" or mounted.startswith(target + "/"):
            return "holds", mounted, name
        if target.startswith(mounted + "/"):
            return "lies inside", mounted, name
    return None


def _overlap_error(what: str, target: str) -> Optional[str]:
    found = _overlap(target)
    if found is None:
        return None
    relation, mounted, name = found
    if relation == "is":
        clash = f"is where the wrapper mounts its own volume {name!r}"
    elif relation == "holds":
        clash = (
            f"holds {mounted!r}, where the wrapper mounts its own volume "
            f"{name!r}"
        )
    else:
        clash = (
            f"lies inside {mounted!r}, where the wrapper mounts its own "
            f"volume {name!r}"
        )
    hint = ""
    if mounted == "/etc/ssl/certs" and relation != "holds":
        hint = (
            ", or set ETCD_SSL_DIR to the host directory that holds the "
            "certificates"
        )
    return (
        f"{what}: target {target!r} {clash}; rkt would let one mount hide "
        "the other: choose a target outside the wrapper's mount points "
        f"(such as '/etc/ssl/etcd'){hint}"
    )


def _path_error(what: str, key: str, path: Any) -> Optional[str]:
    if not isinstance(path, str) or not path:
        return f"{what}: {key} must be a non-empty path string: give one"
    if not path.startswith("/"):
        return (
            f"{what}: {key} {path!r} is not an absolute path: start it "
            "with '/'"
        )
    for char in path:
        if char.isspace() or char < " " or char == "\x7f":
            return (
                f"{what}: {key} {path!r} contains whitespace or a control "
                "character, which the wrapper's shell would split or rkt "
                "cannot carry: use a path without them"
            )
        if char in _PATH_FORBIDDEN:
            return (
                f"{what}: {key} {path!r} contains {char!r}; commas, "
                "quotes, backslashes and glob characters cannot pass "
                "through RKT_RUN_ARGS and rkt's volume syntax: use a path "
                "without them"
            )
    if path != "/":
        parts = path.split("/")[1:]
        if any(part in ("", ".", "..") for part in parts):
            return (
                f"{what}: {key} {path!r} is not a normalised path (empty, "
                "'.' or '..' components, or a trailing '/'): write it "
                "plainly, such as '/etc/ssl/etcd'"
            )
    if key == "target":
        for char in _TARGET_FORBIDDEN:
            if char in path:
                return (
                    f"{what}: target {path!r} contains {char!r}, which rkt "
                    "reads as URL query syntax in --mount: use a target "
                    "without '+', '%', '&' and ';'"
                )
    return None


class _Volume:
    """One requested volume, checked, with its rkt words."""

    def __init__(self, name: str, options: Dict[str, str], target: str):
        self.name = name
        self.options = options
        self.target = target

    @property
    def words(self) -> List[str]:
        spec = ",".join(
            [self.name] + [f"{key}={val}" for key, val in self.options.items()]
        )
        return [
            f"--volume={spec}",
            f"--mount=volume={self.name},target={self.target}",
        ]


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def _check_volume(index: int, volume: Any) -> _Volume:
    if not isinstance(volume, Mapping):
        raise RktArgumentError(
            f"volumes[{index}] is a {type(volume).__name__}, not a mapping: "
            "give each volume as a mapping with name, target and source"
        )
    given = {key: val for key, val in volume.items() if val is not None}
    name = given.get("name")
    if name is None:
        raise RktArgumentError(
            f"volumes[{index}] has no name: give every volume a name"
        )
    if not isinstance(name, str) or not _ACNAME.match(name):
        raise RktArgumentError(
            f"volume name {name!r} is not a valid rkt name: use lower-case "
            "letters, digits and single dashes"
        )
    what = f"volume {name!r}"
    if _is_wrapper_name(name):
        raise RktArgumentError(
            f"{what}: the name is one the wrapper uses for its own volumes "
            "(coreos-* and the older names without that prefix): choose "
            "another name"
        )
    unknown = sorted(str(key) for key in given if key not in VOLUME_OPTIONS)
    if unknown:
        raise RktArgumentError(
            f"{what}: unknown option {unknown[0]!r}: use "
            + ", ".join(VOLUME_OPTIONS)
        )
    kind = given.get("kind", "host")
    if kind not in _KIND_OPTIONS:
        raise RktArgumentError(
            f"{what}: kind {kind!r} is not supported: use 'host' or 'empty'"
        )
    for key in ("source", "read_only", "recursive", "mode", "uid", "gid"):
        if key in given and key not in _KIND_OPTIONS[kind]:
            raise RktArgumentError(
                f"{what}: option {key!r} does not apply to kind={kind} "
                f"volumes: remove it, or use kind="
                + ("empty" if kind == "host" else "host")
            )
    if "target" not in given:
        raise RktArgumentError(
            f"{what} has no target: give the path inside the container"
        )
    target = given["target"]
    error = _path_error(what, "target", target)
    if error is None:
        error = _overlap_error(what, target)
    if error:
        raise RktArgumentError(error)
    options = {"kind": kind}
    if kind == "host":
        if "source" not in given:
            raise RktArgumentError(
                f"{what} has no source: give the host path to mount"
            )
        error = _path_error(what, "source", given["source"])
        if error:
            raise RktArgumentError(error)
        options["source"] = given["source"]
        for key, default in (("read_only", True), ("recursive", None)):
            val = given.get(key, default)
            if val is None:
                continue
            if not isinstance(val, bool):
                raise RktArgumentError(
                    f"{what}: {key} must be true or false, not {val!r}"
                )
            options[_RKT_KEYS[key]] = _bool_text(val)
    else:
        if "mode" in given:
            mode = given["mode"]
            if not isinstance(mode, str) or not _MODE.match(mode):
                raise RktArgumentError(
                    f"{what}: mode {mode!r} is not an octal mode: give it "
                    "as a quoted string of 3 or 4 octal digits, such as "
                    "'0700'"
                )
            options["mode"] = mode
        for key in ("uid", "gid"):
            if key in given:
                val = given[key]
                if isinstance(val, bool) or not isinstance(val, int):
                    raise RktArgumentError(
                        f"{what}: {key} must be a whole number, not {val!r}"
                    )
                if val < 0:
                    raise RktArgumentError(
                        f"{what}: {key} {val} is negative: give 0 or more"
                    )
                options[key] = str(val)
    return _Volume(name, options, target)


def _normal_options(options: Mapping[str, str]) -> Dict[str, str]:
    """Options with booleans spelt one way, for comparing definitions."""
    normal = {}
    for key, val in options.items():
        if key in ("readOnly", "recursive"):
            if val in _TRUE:
                val = "true"
            elif val in _FALSE:
                val = "false"
        normal[key] = val
    return normal


class _Base:
    """What the base arguments already define."""

    def __init__(self) -> None:
        self.volumes: Dict[str, Dict[str, str]] = {}
        self.mounts: List[Tuple[str, str]] = []
        self.uuid_file_save = False


_BASE = "the base RKT_RUN_ARGS (from the unit and its other drop-ins)"


def _flag_value(words: Sequence[str], i: int, flag: str) -> Tuple[str, int]:
    word = words[i]
    if word == flag:
        if i + 1 >= len(words):
            raise RktArgumentError(
                f"{_BASE} ends with {flag} and no value: complete or remove it"
            )
        return words[i + 1], i + 2
    return word[len(flag) + 1 :], i + 1


def _read_volume(spec: str, base: _Base) -> None:
    parts = spec.split(",")
    name = parts[0]
    if not _ACNAME.match(name):
        raise RktArgumentError(
            f"{_BASE} defines --volume {spec!r}, whose name {name!r} is not "
            "a valid rkt name: fix or remove it there"
        )
    if _is_wrapper_name(name):
        raise RktArgumentError(
            f"{_BASE} defines volume {name!r}, a name the wrapper uses "
            "itself, so rkt refuses to start: remove it there"
        )
    if name in base.volumes:
        raise RktArgumentError(
            f"{_BASE} defines volume {name!r} twice, which rkt refuses: "
            "remove one"
        )
    options: Dict[str, str] = {}
    for part in parts[1:]:
        key, sep, val = part.partition("=")
        if not sep or key not in _RKT_VOLUME_KEYS or key in options:
            raise RktArgumentError(
                f"{_BASE} defines --volume {spec!r}, which rkt refuses "
                f"({part!r} is not a single known key=value): fix or "
                "remove it there"
            )
        options[key] = val
    base.volumes[name] = _normal_options(options)


def _read_mount(spec: str, base: _Base) -> None:
    fields: Dict[str, str] = {}
    for part in spec.split(","):
        key, sep, val = part.partition("=")
        if not sep or key not in ("volume", "target") or key in fields:
            raise RktArgumentError(
                f"{_BASE} holds --mount {spec!r}, which rkt refuses (use "
                "only volume=NAME,target=PATH): fix or remove it there"
            )
        fields[key] = val
    if len(fields) != 2:
        raise RktArgumentError(
            f"{_BASE} holds --mount {spec!r} without both volume= and "
            "target=: fix or remove it there"
        )
    target = fields["target"]
    error = _overlap_error(f"{_BASE} holds --mount {spec!r}", target)
    if error:
        raise RktArgumentError(error + "; remove it there")
    for name, known in base.mounts:
        if known == target:
            raise RktArgumentError(
                f"{_BASE} mounts two volumes on {target!r} ({name!r} and "
                f"{fields['volume']!r}); rkt silently keeps the first: "
                "remove one"
            )
    base.mounts.append((fields["volume"], target))


def _read_base(words: Sequence[str]) -> _Base:
    base = _Base()
    i = 0
    while i < len(words):
        word = words[i]
        reason = _wrapper_arg(word)
        if reason:
            raise RktArgumentError(
                f"{_BASE} holds {word!r}, but {reason}: remove it there"
            )
        if word == "--volume" or word.startswith("--volume="):
            spec, i = _flag_value(words, i, "--volume")
            _read_volume(spec, base)
        elif word == "--mount" or word.startswith("--mount="):
            spec, i = _flag_value(words, i, "--mount")
            _read_mount(spec, base)
        else:
            if word.startswith("--uuid-file-save="):
                base.uuid_file_save = True
            i += 1
    return base


def _check_extra(index: int, arg: Any) -> str:
    if not isinstance(arg, str):
        raise RktArgumentError(
            f"extra_args[{index}] is a {type(arg).__name__}, not a string: "
            "give each argument as text"
        )
    if not arg.startswith("--") or any(c in _IFS for c in arg):
        raise RktArgumentError(
            f"extra argument {arg!r} is not a single --flag=value word: "
            "write the flag and its value as one word, such as "
            "'--dns=host'"
        )
    if arg == "--volume" or arg.startswith(("--volume=", "--mount")):
        raise RktArgumentError(
            f"extra argument {arg!r} adds a volume or mount: use the "
            "volumes option, which checks it"
        )
    reason = _wrapper_arg(arg)
    if reason:
        raise RktArgumentError(f"extra argument {arg!r} is refused: {reason}")
    for char in _GLOB:
        if char in arg:
            raise RktArgumentError(
                f"extra argument {arg!r} holds the glob character "
                f"{char!r}, which the wrapper's shell would expand against "
                "the host's files: remove it"
            )
    return arg


def compose(
    base: str,
    volumes: Sequence[Mapping[str, Any]],
    extra_args: Optional[Sequence[str]] = None,
) -> Dict[str, Any]:
    """Compose ``RKT_RUN_ARGS`` from ``base`` (the value the unit and its
    other drop-ins set), the requested ``volumes`` and ``extra_args``.

    Every base word is kept, in order (``--uuid-file-save=...`` above
    all); words this code does not know are kept as they are.  Each
    volume adds ``--volume=...`` and ``--mount=...``; a volume the base
    already defines identically is not added again, so composing from a
    value composed before gives that value back.  An extra argument the
    base already holds is not repeated either.

    Returns ``args`` (the words), ``value`` (the string for
    ``RKT_RUN_ARGS``), ``base`` and ``warnings`` (sentences for what does
    not stop the run).
    """
    words = split_words(base)
    known = _read_base(words)
    warnings = []
    if not known.uuid_file_save:
        warnings.append(
            f"{_BASE} holds no --uuid-file-save=...; without it the unit's "
            "'rkt rm' and 'rkt stop' find no pod and old pods pile up: "
            "add it through extra_args if the unit expects it"
        )
    if isinstance(volumes, (str, bytes, Mapping)) or not isinstance(
        volumes, Sequence
    ):
        raise RktArgumentError(
            f"volumes must be a list of mappings, not a "
            f"{type(volumes).__name__}: give a list"
        )
    added: List[str] = []
    names: Dict[str, int] = {}
    targets: Dict[str, str] = {target: name for name, target in known.mounts}
    for index, requested in enumerate(volumes):
        volume = _check_volume(index, requested)
        what = f"volume {volume.name!r}"
        if volume.name in names:
            raise RktArgumentError(
                f"{what} is given twice in volumes (items "
                f"{names[volume.name]} and {index}): give each volume its "
                "own name"
            )
        names[volume.name] = index
        if volume.name in known.volumes:
            mounted = [t for n, t in known.mounts if n == volume.name]
            same = known.volumes[volume.name] == _normal_options(
                volume.options
            ) and mounted == [volume.target]
            if same:
                continue
            raise RktArgumentError(
                f"{what} is already defined differently in {_BASE}: "
                "choose another name, or remove it there"
            )
        owner = targets.get(volume.target)
        if owner is not None:
            raise RktArgumentError(
                f"{what}: target {volume.target!r} is already the mount "
                f"point of volume {owner!r}; rkt silently keeps the first "
                "mount of a target: choose another target"
            )
        targets[volume.target] = volume.name
        added.extend(volume.words)
    extra = []
    for index, arg in enumerate(extra_args or ()):
        arg = _check_extra(index, arg)
        if arg not in words and arg not in extra:
            extra.append(arg)
    args = [*words, *added, *extra]
    value = " ".join(args)
    try:
        check_value("RKT_RUN_ARGS", value)
    except SystemdEnvironmentError as exc:
        raise RktArgumentError(str(exc)) from None
    if split_words(value) != args:
        raise AssertionError(f"RKT_RUN_ARGS {value!r} does not split back")
    return {"args": args, "value": value, "base": base, "warnings": warnings}
