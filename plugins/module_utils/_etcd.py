# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""etcd server settings checked against the release that will read them.

Pure logic, no Ansible objects: the filter containerlinux.etcd.
etcd_environment and the role's preflight call it.

Rules (the filter's documentation explains them to users):

- A version is ``3.5.16``, ``v3.5.16`` (an image tag) or ``3.5``.  A bare
  minor stands for every release of that line, so a flag is accepted only
  if all of them have it.  A patch release newer than the newest one in
  the table is read as that newest one.
- Keys are flag names with dashes or underscores, or the variable name
  itself (``ETCD_DATA_DIR``).  A value of None leaves the flag unset.
- Deprecated flags are accepted; ``deprecations()`` lists them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Dict, List, NamedTuple, Optional, Tuple

from ansible_collections.containerlinux.etcd.plugins.module_utils import (
    _etcd_flags as table,
)

__all__ = [
    "EtcdSettingsError",
    "FlagInfo",
    "build_environment",
    "deprecations",
    "known_flags",
    "parse_version",
]

Release = Tuple[int, int, int]

DEFAULT_HEARTBEAT_MS = 100
DEFAULT_ELECTION_MS = 1000
MAX_ELECTION_MS = 50000

# Names the etcd-wrapper (rkt on CoreOS, docker on Flatcar) reads from
# its own environment; etcd itself does not know them.
WRAPPER_NAMES = {
    "image": "ETCD_IMAGE",
    "image-url": "ETCD_IMAGE_URL",
    "image-tag": "ETCD_IMAGE_TAG",
    "image-args": "ETCD_IMAGE_ARGS",
    "ssl-dir": "ETCD_SSL_DIR",
    "user": "ETCD_USER",
    "opts": "ETCD_OPTS",
}
RKT_NAMES = (
    "RKT",
    "RKT_RUN_ARGS",
    "RKT_GLOBAL_ARGS",
    "RKT_STAGE1_ARG",
)
COMMAND_ONLY = ("version", "help")

_VERSION_RE = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")
_KEY_RE = re.compile(r"[a-z0-9][a-z0-9.]*(?:[-_][a-z0-9.]+)*")
_DURATION_RE = re.compile(
    r"[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|ms|s|m|h))+)"
)
# etcd wants host:port and no path for http and https; unix sockets are
# a name or a path.
_URL_RE = re.compile(
    r"https?://(?:\[[0-9A-Fa-f:.]+\]|[^\s,/:\[\]]+):\d+"
    r"|unixs?://[^\s,]+"
)
_GATE_RE = re.compile(r"[A-Z][A-Za-z0-9]*")
_BOOL_TEXT = {"true": "true", "false": "false"}


class EtcdSettingsError(ValueError):
    """A setting etcd would refuse, ignore or misread."""


class FlagInfo(NamedTuple):
    """What one release knows of one flag."""

    name: str
    env: str
    kind: str
    choices: Tuple[str, ...]
    since: str
    deprecated: bool
    replacement: Optional[str]


class _Version(NamedTuple):
    text: str
    minor: Tuple[int, int]
    # The releases the version stands for: one, or a whole minor line.
    releases: Tuple[Release, ...]

    @property
    def newest(self) -> Release:
        return self.releases[-1]


def _release(text: str) -> Release:
    major, minor, patch = (int(x) for x in text.split("."))
    return major, minor, patch


def _show(release: Release) -> str:
    """3.4.0 reads as 3.4, as etcd's own notes call a new minor line."""
    return ".".join(str(x) for x in release[: 2 if release[2] == 0 else 3])


def _known_minors() -> str:
    minors = sorted(
        table.RELEASES, key=lambda k: tuple(map(int, k.split(".")))
    )
    return f"{minors[0]} to {minors[-1]}"


def parse_version(text: object) -> Tuple[int, int, Optional[int]]:
    """Read '3.5', '3.5.16' or 'v3.5.16' as (3, 5, None) or (3, 5, 16)."""
    m = _VERSION_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise EtcdSettingsError(
            f"the etcd version {text!r} is not a release number: give it as "
            "3.5, 3.5.16 or v3.5.16 (an image tag without a suffix)"
        )
    patch = int(m.group(3)) if m.group(3) is not None else None
    major, minor = int(m.group(1)), int(m.group(2))
    if f"{major}.{minor}" not in table.RELEASES:
        raise EtcdSettingsError(
            f"etcd {major}.{minor} is not a release this collection knows "
            f"the flags of (it knows {_known_minors()}): give one of those"
        )
    return major, minor, patch


def _version(text: object) -> _Version:
    major, minor, patch = parse_version(text)
    newest = table.RELEASES[f"{major}.{minor}"]
    if patch is None:
        releases = tuple((major, minor, p) for p in range(newest + 1))
    else:
        releases = ((major, minor, min(patch, newest)),)
    return _Version(str(text).strip(), (major, minor), releases)


def _present(presence: Mapping, release: Release) -> bool:
    removed = presence.get("removed")
    if removed and release >= _release(removed):
        return False
    since = [_release(s) for s in presence["since"]]
    for first in since:
        if first[:2] == release[:2]:
            return release >= first
    return release[:2] > since[-1][:2]


def _arrival(presence: Mapping, release: Release) -> Release:
    """The first release of release's minor line that has the flag, or
    of the next line that has it."""
    since = [_release(s) for s in presence["since"]]
    for first in since:
        if first[:2] >= release[:2]:
            return first
    return release[0], release[1], 0


def _kind(entry: Mapping, release: Release) -> str:
    if "kind" in entry:
        return entry["kind"]
    for kind, presence in entry["kinds"].items():
        if _present(presence, release):
            return kind
    raise AssertionError(f"no kind of {entry!r} holds in {release!r}")


def _env(name: str) -> str:
    return "ETCD_" + name.upper().replace("-", "_").replace(".", "_")


def _deprecated(entry: Mapping, release: Release) -> bool:
    if "deprecated" not in entry:
        return False
    presence = {"since": entry["deprecated"]}
    if "deprecated_until" in entry:
        presence["removed"] = entry["deprecated_until"]
    return _present(presence, release)


def known_flags(version: str) -> Dict[str, FlagInfo]:
    """The flags every release that version stands for accepts."""
    v = _version(version)
    found = {}
    for name, entry in table.FLAGS.items():
        if not all(_present(entry, r) for r in v.releases):
            continue
        found[name] = FlagInfo(
            name=name,
            env=_env(name),
            kind=_kind(entry, v.newest),
            choices=_choices(entry, v.releases),
            since=_show(_arrival(entry, v.releases[0])),
            deprecated=_deprecated(entry, v.newest),
            replacement=entry.get("replacement"),
        )
    return found


def _choice_presence(entry: Mapping, choice: str) -> Dict[str, object]:
    presence: Dict[str, object] = {
        "since": entry.get("choices_since", {}).get(choice, entry["since"])
    }
    removed = entry.get("choices_removed", {}).get(choice)
    if removed:
        presence["removed"] = removed
    return presence


def _choices(entry: Mapping, releases: Tuple[Release, ...]) -> Tuple[str, ...]:
    """The choices every one of releases accepts."""
    return tuple(
        c
        for c in entry.get("choices", ())
        if all(_present(_choice_presence(entry, c), r) for r in releases)
    )


def _key_name(key: object) -> str:
    """The flag name a settings key means."""
    if not isinstance(key, str):
        raise EtcdSettingsError(
            f"the etcd setting key {key!r} is not a string: name the flag, "
            "such as 'data-dir'"
        )
    if key.upper().replace("-", "_") in RKT_NAMES:
        raise EtcdSettingsError(
            f"{key!r} is read by the rkt etcd-wrapper of CoreOS, not by "
            "etcd: set RKT_RUN_ARGS and its kin through the collection's rkt "
            "arguments (containerlinux.etcd.rkt_run_args), not as an etcd "
            "setting"
        )
    if re.fullmatch(r"ETCD_[A-Z0-9_]+", key):
        name = key[len("ETCD_") :].lower().replace("_", "-")
    else:
        name = key.replace("_", "-")
    if not _KEY_RE.fullmatch(name):
        raise EtcdSettingsError(
            f"the etcd setting key {key!r} is not a flag name: use "
            "lower-case letters, digits and dashes (or underscores), such "
            "as 'peer-client-cert-auth', or the variable name, such as "
            "'ETCD_PEER_CLIENT_CERT_AUTH'"
        )
    return name


def _refuse_name(key: str, name: str, v: _Version) -> None:
    """Raise for a name that is not a flag of every release of v."""
    if name in WRAPPER_NAMES:
        raise EtcdSettingsError(
            f"{key!r} is read by the etcd-wrapper, not by etcd (which would "
            f"only warn about an unrecognized {WRAPPER_NAMES[name]}): set it "
            "as a role variable or in the wrapper's environment, not among "
            "etcd's settings"
        )
    if name in COMMAND_ONLY:
        raise EtcdSettingsError(
            f"{key!r} only makes etcd print something and exit; it is no "
            f"setting for etcd {v.text}: remove it"
        )
    if name == "config-file":
        raise EtcdSettingsError(
            f"{key!r} makes etcd {v.text} read that file alone and ignore "
            "every other flag and ETCD_* variable, so the other settings "
            "would be lost without a word: give the settings here instead "
            "of a configuration file"
        )
    if name in table.IGNORED and all(
        _present(table.IGNORED[name], r) for r in v.releases
    ):
        raise EtcdSettingsError(
            f"{key!r} is a name from etcd 0.4 that etcd {v.text} accepts and "
            "then ignores: remove it"
        )
    entry = table.FLAGS.get(name)
    if entry is None:
        close = difflib.get_close_matches(name, list(table.FLAGS), n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "see 'etcd --help' of that release for the flags it has"
        )
        raise EtcdSettingsError(
            f"{key!r} is not a flag of etcd {v.text}; {hint}"
        )
    for release in v.releases:
        if _present(entry, release):
            continue
        removed = entry.get("removed")
        if removed and release >= _release(removed):
            replacement = entry.get("replacement")
            fix = (
                f"use {replacement!r}"
                if replacement
                else "it has no replacement, so remove it"
            )
            raise EtcdSettingsError(
                f"{key!r} was removed in etcd {_show(_release(removed))} "
                f"(the version is {v.text}); {fix}"
            )
        arrival = _show(_arrival(entry, release))
        if len(v.releases) > 1 and _arrival(entry, release)[:2] == v.minor:
            minor = "{}.{}".format(*v.minor)
            raise EtcdSettingsError(
                f"{key!r} arrived in etcd {arrival}, and the version "
                f"{v.text!r} stands for every {minor} release: give the "
                f"exact release ({arrival} or later) or remove it"
            )
        raise EtcdSettingsError(
            f"{key!r} arrived in etcd {arrival} (the version is {v.text}): "
            "upgrade etcd or remove it"
        )


def _type_error(key: str, v: _Version, wanted: str, value: object) -> str:
    return f"{key!r} must be {wanted} for etcd {v.text}, not {value!r}"


def _items(key: str, v: _Version, value: object, what: str) -> List[str]:
    if isinstance(value, str):
        items: List[object] = list(value.split(","))
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        wanted = f"a list of {what} (or one comma-separated string)"
        raise EtcdSettingsError(_type_error(key, v, wanted, value))
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise EtcdSettingsError(
                _type_error(key, v, f"a list of {what}", value)
            )
        if "," in item:
            raise EtcdSettingsError(
                f"{key!r}: the item {item!r} holds a comma, which etcd "
                f"{v.text} would read as two items; give each item on its own"
            )
    return [str(item).strip() for item in items]


def _render(key: str, name: str, value: object, v: _Version) -> str:
    """The text etcd reads for one value, or raise."""
    entry = table.FLAGS[name]
    if (isinstance(value, str) and not value.strip()) or value in ([], ()):
        raise EtcdSettingsError(
            f"{key!r} is empty, which etcd {v.text} reads as unset: give it "
            "a value, or null (None) to leave it unset"
        )
    kinds = list(dict.fromkeys(_kind(entry, r) for r in v.releases))
    if len(kinds) == 1:
        return _render_kind(key, entry, kinds[0], value, v)
    # A bare minor whose releases read the flag differently: take only a
    # value that every one of them reads alike.
    texts = set()
    for kind in kinds:
        try:
            texts.add(_render_kind(key, entry, kind, value, v))
        except EtcdSettingsError:
            texts.add(None)
    if len(texts) == 1 and None not in texts:
        return texts.pop()
    change = _show(_arrival(entry["kinds"][kinds[-1]], v.releases[0]))
    raise EtcdSettingsError(
        f"{key!r} is read as {kinds[0]} before etcd {change} and as "
        f"{kinds[-1]} from then on, and the version {v.text!r} stands for "
        f"all of them: give the exact release for the value {value!r}"
    )


def _render_kind(
    key: str, entry: Mapping, kind: str, value: object, v: _Version
) -> str:
    if kind == "bool":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str) and value.lower() in _BOOL_TEXT:
            return _BOOL_TEXT[value.lower()]
        raise EtcdSettingsError(_type_error(key, v, "true or false", value))
    if kind in ("int", "uint"):
        number = value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            number = int(value)
        if isinstance(number, bool) or not isinstance(number, int):
            raise EtcdSettingsError(_type_error(key, v, "an integer", value))
        if kind == "uint" and number < 0:
            raise EtcdSettingsError(
                _type_error(key, v, "an integer of 0 or more", value)
            )
        return str(number)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise EtcdSettingsError(_type_error(key, v, "a number", value))
        return repr(value)
    if kind in ("duration", "retention"):
        return _duration(key, kind, value, v)
    if kind == "enum":
        return _enum(key, entry, value, v)
    if kind == "urls":
        urls = _items(key, v, value, "URLs")
        for url in urls:
            if not _URL_RE.fullmatch(url):
                raise EtcdSettingsError(
                    f"{key!r}: {url!r} is not a URL etcd {v.text} can use: "
                    "write it as scheme://host:port, without a path, with "
                    "the scheme http, https, unix or unixs"
                )
        return ",".join(urls)
    if kind == "list":
        return ",".join(_items(key, v, value, "strings"))
    if kind == "gates":
        return _gates(key, value, v)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise EtcdSettingsError(_type_error(key, v, "a string", value))
    return str(value)


def _duration(key: str, kind: str, value: object, v: _Version) -> str:
    if kind == "retention" and not isinstance(value, bool):
        if isinstance(value, int) and value >= 0:
            return str(value)
        if isinstance(value, str) and value.isdigit():
            return value
    if isinstance(value, str) and _DURATION_RE.fullmatch(value):
        return value
    wanted = "a duration with a unit, such as '5s' or '1m30s'"
    if kind == "retention":
        wanted = "a number of hours or a duration, such as 12 or '30m'"
    raise EtcdSettingsError(_type_error(key, v, wanted, value))


def _enum(key: str, entry: Mapping, value: object, v: _Version) -> str:
    choices = _choices(entry, v.releases)
    if isinstance(value, str) and value in choices:
        return value
    listed = ", ".join(repr(c) for c in choices)
    if isinstance(value, str) and value in entry.get("choices", ()):
        presence = _choice_presence(entry, value)
        removed = presence.get("removed")
        if removed and v.newest >= _release(str(removed)):
            raise EtcdSettingsError(
                f"{key!r}: etcd {_show(_release(str(removed)))} and later "
                f"refuse {value!r} (the version is {v.text}); use {listed}"
            )
        arrival = _show(_arrival(presence, v.releases[0]))
        raise EtcdSettingsError(
            f"{key!r}: {value!r} arrived in etcd {arrival} (the version is "
            f"{v.text}); use {listed}, or upgrade etcd"
        )
    raise EtcdSettingsError(_type_error(key, v, "one of " + listed, value))


def _gates(key: str, value: object, v: _Version) -> str:
    pairs: List[Tuple[object, object]]
    if isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        pairs = []
        for item in _items(key, v, value, "Name=true pairs"):
            name, _sep, flag = item.partition("=")
            pairs.append((name, _BOOL_TEXT.get(flag.lower(), flag)))
    out = []
    for name, flag in pairs:
        if isinstance(flag, bool):
            flag = "true" if flag else "false"
        if not isinstance(name, str) or not _GATE_RE.fullmatch(name):
            raise EtcdSettingsError(
                f"{key!r}: {name!r} is not a feature gate name; gates are "
                "CamelCase, such as 'InitialCorruptCheck'"
            )
        if flag not in ("true", "false"):
            raise EtcdSettingsError(
                f"{key!r}: the gate {name!r} must be true or false, not "
                f"{flag!r}"
            )
        out.append(f"{name}={flag}")
    return ",".join(out)


def _normalise(
    settings: Mapping[str, object], version: str
) -> Tuple[_Version, Dict[str, Tuple[str, object]]]:
    """Map each set flag name to (the user's key, value), names checked."""
    if not isinstance(settings, Mapping):
        raise EtcdSettingsError(
            "the etcd settings must be a mapping of flag names to values, "
            f"not {type(settings).__name__}"
        )
    v = _version(version)
    named: Dict[str, Tuple[str, object]] = {}
    for key, value in settings.items():
        name = _key_name(key)
        if name in named:
            raise EtcdSettingsError(
                f"{named[name][0]!r} and {key!r} both set the etcd flag "
                f"{name!r}: keep one of them"
            )
        _refuse_name(key, name, v)
        named[name] = (key, value)
    return v, {n: kv for n, kv in named.items() if kv[1] is not None}


BOOTSTRAP = ("initial-cluster", "discovery", "discovery-srv")
KEY_PAIRS = (
    ("cert-file", "key-file"),
    ("peer-cert-file", "peer-key-file"),
    ("client-cert-file", "client-key-file"),
    ("peer-client-cert-file", "peer-client-key-file"),
)
CERT_AUTH = (
    ("client-cert-auth", ("trusted-ca-file", "ca-file")),
    ("peer-client-cert-auth", ("peer-trusted-ca-file", "peer-ca-file")),
)
# Per side: the listen URLs, etcd's default for them, the certificate,
# the generated-certificate switch and the certificate check.
LISTENERS = (
    (
        "listen-client-urls",
        "http://localhost:2379",
        "cert-file",
        "auto-tls",
        "client-cert-auth",
    ),
    (
        "listen-peer-urls",
        "http://localhost:2380",
        "peer-cert-file",
        "peer-auto-tls",
        "peer-client-cert-auth",
    ),
)
TLS_SCHEMES = ("https", "unixs")


def _check_together(
    v: _Version, values: Mapping[str, str], keys: Mapping[str, str]
) -> None:
    def key(name: str) -> str:
        return repr(keys.get(name, name))

    bootstrap = [n for n in BOOTSTRAP if n in values]
    if len(bootstrap) > 1:
        raise EtcdSettingsError(
            " and ".join(key(n) for n in bootstrap) + " cannot go together: "
            f"etcd {v.text} bootstraps a cluster from only one of "
            "initial-cluster, discovery and discovery-srv, so keep one and "
            "remove the others"
        )
    _check_initial_cluster(v, values, key)
    for cert, private in KEY_PAIRS:
        for have, lack in ((cert, private), (private, cert)):
            if have in values and lack not in values:
                raise EtcdSettingsError(
                    f"{key(have)} is set without {lack!r}: etcd {v.text} "
                    "needs a certificate and its key together, so set both "
                    "or neither"
                )
    for auth, cas in CERT_AUTH:
        if values.get(auth) == "true" and not any(c in values for c in cas):
            raise EtcdSettingsError(
                f"{key(auth)} is true but {cas[0]!r} is not set: etcd "
                f"{v.text} cannot check client certificates without the CA "
                f"that signed them, so set {cas[0]!r}"
            )
    for urls_name, default, cert, auto, auth in LISTENERS:
        _check_listener(v, values, key, urls_name, default, cert, auto, auth)
    heartbeat = int(values.get("heartbeat-interval", DEFAULT_HEARTBEAT_MS))
    election = int(values.get("election-timeout", DEFAULT_ELECTION_MS))
    if election < 5 * heartbeat:
        raise EtcdSettingsError(
            f"election-timeout {election} ms is below 5 x heartbeat-interval"
            f" {heartbeat} ms, which etcd {v.text} refuses to start with: "
            f"raise election-timeout to {5 * heartbeat} or more, or lower "
            "heartbeat-interval"
        )
    if election > MAX_ELECTION_MS:
        raise EtcdSettingsError(
            f"election-timeout {election} ms is above etcd's limit of "
            f"{MAX_ELECTION_MS} ms, which etcd {v.text} refuses to start "
            "with: lower it"
        )


def _check_initial_cluster(v, values, key):
    text = values.get("initial-cluster")
    if text is None:
        return
    members = set()
    for item in text.split(","):
        member, sep, url = item.partition("=")
        if not (sep and member and _URL_RE.fullmatch(url)):
            raise EtcdSettingsError(
                f"{key('initial-cluster')}: {item!r} is not a member as etcd "
                f"{v.text} reads one: write each as name=URL, such as "
                "'etcd1=https://10.0.0.1:2380'"
            )
        members.add(member)
    # ETCD_NAME may come from the unit (CoreOS sets it to the machine id),
    # so only a name given here is checked.
    name = values.get("name")
    if name is not None and name not in members:
        raise EtcdSettingsError(
            f"{key('initial-cluster')} lists no member named {name!r}, the "
            f"{key('name')} of this member, and etcd {v.text} refuses to "
            f"bootstrap so: add {name}=<its peer URL>"
        )


def _check_listener(v, values, key, urls_name, default, cert, auto, auth):
    """TLS settings that etcd would refuse, or ignore with a warning."""
    given = urls_name in values
    urls = values[urls_name].split(",") if given else [default]
    secure = [u for u in urls if u.split("://")[0] in TLS_SCHEMES]
    plain = [u for u in urls if u not in secure]
    has_cert = cert in values or values.get(auto) == "true"
    if secure and not has_cert:
        raise EtcdSettingsError(
            f"{key(urls_name)} holds {secure[0]!r}, and etcd {v.text} "
            f"refuses to start without a certificate for it: set {cert!r} "
            f"and its key (or {auto!r})"
        )
    if values.get(auth) == "true" and plain:
        where = (
            f"{plain[0]!r} of {key(urls_name)}"
            if given
            else f"its default {default!r}, as {urls_name!r} is not set"
        )
        raise EtcdSettingsError(
            f"{key(auth)} is true, but etcd {v.text} checks no certificate "
            f"on {where}, and only warns: listen on https (or unixs) URLs "
            f"alone, or drop {auth!r}"
        )
    if cert in values and given and not secure:
        raise EtcdSettingsError(
            f"{key(cert)} is set, but {key(urls_name)} holds no https URL, "
            f"so etcd {v.text} ignores the certificate and only warns: "
            "listen on https URLs, or drop the certificate"
        )


def build_environment(
    settings: Mapping[str, object], version: str
) -> Dict[str, str]:
    """Check settings against etcd version and return the ETCD_*
    variables that carry them, in the order of settings."""
    v, named = _normalise(settings, version)
    values = {
        name: _render(key, name, value, v)
        for name, (key, value) in named.items()
    }
    _check_together(v, values, {n: kv[0] for n, kv in named.items()})
    return {_env(name): text for name, text in values.items()}


def deprecations(settings: Mapping[str, object], version: str) -> List[str]:
    """One sentence for each deprecated flag that settings use."""
    v, named = _normalise(settings, version)
    notes = []
    for name, (key, _value) in named.items():
        entry = table.FLAGS[name]
        if not any(_deprecated(entry, r) for r in v.releases):
            continue
        starts = [_release(s) for s in entry["deprecated"]]
        since = next((s for s in starts if s[:2] == v.minor), starts[0])
        removed = entry.get("removed")
        later = (
            f"; etcd {_show(_release(removed))} removes it" if removed else ""
        )
        fix = entry.get("replacement")
        advice = f"use {fix!r} instead" if fix else "plan to drop it"
        notes.append(
            f"{key!r} is deprecated since etcd {_show(since)}{later}: {advice}"
        )
    return notes
