# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The generated flag table: its shape, and facts from etcd's release
notes that the extraction must have found."""

from __future__ import annotations

import re

import pytest

from ansible_collections.containerlinux.etcd.plugins.module_utils import (
    _etcd_flags as table,
)
from ansible_collections.containerlinux.etcd.plugins.module_utils._etcd import (  # noqa: E501
    known_flags,
)

KINDS = {
    "bool",
    "int",
    "uint",
    "float",
    "duration",
    "string",
    "urls",
    "list",
    "retention",
    "gates",
    "enum",
}
RELEASE = re.compile(r"3\.[0-7]\.\d+")
KEYS = {
    "kind",
    "kinds",
    "choices",
    "choices_since",
    "choices_removed",
    "since",
    "removed",
    "deprecated",
    "deprecated_until",
    "replacement",
}


def _r(text):
    return tuple(int(x) for x in text.split("."))


def check_presence(presence):
    since = presence["since"]
    assert since, presence
    assert all(RELEASE.fullmatch(s) for s in since), since
    # One entry per minor line, in order.
    assert [_r(s)[:2] for s in since] == sorted({_r(s)[:2] for s in since})
    if "removed" in presence:
        assert RELEASE.fullmatch(presence["removed"])
        assert _r(presence["removed"]) > _r(since[0])


@pytest.mark.parametrize("name", sorted(table.FLAGS))
def test_entry_shape(name):
    entry = table.FLAGS[name]
    assert re.fullmatch(r"[a-z][a-z0-9-]*", name)
    assert set(entry) <= KEYS
    assert ("kind" in entry) != ("kinds" in entry)
    check_presence(entry)
    for kind, presence in entry.get("kinds", {"x": entry}).items():
        assert kind == "x" or kind in KINDS
        check_presence(presence)
    if "kind" in entry:
        assert entry["kind"] in KINDS
    if entry.get("kind") == "enum":
        assert entry["choices"]
    for since in entry.get("choices_since", {}).values():
        check_presence({"since": since})
    for choice, removed in entry.get("choices_removed", {}).items():
        assert choice in entry["choices"]
        assert RELEASE.fullmatch(removed)
    if "deprecated" in entry:
        check_presence({"since": entry["deprecated"]})
    replacement = entry.get("replacement")
    if replacement:
        assert replacement.split("=")[0] in table.FLAGS


@pytest.mark.parametrize("name", sorted(table.IGNORED))
def test_ignored_shape(name):
    check_presence(table.IGNORED[name])
    assert name not in table.FLAGS


def test_releases():
    assert table.RELEASES["3.0"] >= 17
    assert table.RELEASES["3.5"] >= 16
    assert sorted(table.RELEASES) == [f"3.{n}" for n in range(8)]


# Facts from etcd's changelogs and the tags they name.
FACTS = [
    ("cipher-suites", "since", ("3.2.22", "3.3.7")),
    ("tls-min-version", "since", ("3.4.25", "3.5.8")),
    ("tls-max-version", "since", ("3.4.25", "3.5.8")),
    ("listen-client-http-urls", "since", ("3.4.25", "3.5.8")),
    ("experimental-compact-hash-check-enabled", "since", ("3.5.5",)),
    (
        "experimental-peer-skip-client-san-verification",
        "since",
        ("3.2.28", "3.3.16"),
    ),
    ("ca-file", "removed", "3.4.0"),
    ("peer-ca-file", "removed", "3.4.0"),
    ("peer-ca-file", "replacement", "peer-trusted-ca-file"),
    ("debug", "removed", "3.5.0"),
    ("log-package-levels", "removed", "3.5.0"),
    ("log-output", "removed", "3.5.0"),
    ("enable-v2", "removed", "3.6.0"),
    ("experimental-enable-v2v3", "removed", "3.6.0"),
    ("proxy", "removed", "3.6.0"),
    ("proxy-dial-timeout", "removed", "3.6.0"),
    ("discovery", "removed", "3.7.0"),
    ("discovery-proxy", "removed", "3.7.0"),
    ("experimental-initial-corrupt-check", "removed", "3.7.0"),
    (
        "experimental-watch-progress-notify-interval",
        "replacement",
        "watch-progress-notify-interval",
    ),
    ("initial-cluster-state", "choices", ("new", "existing")),
    ("client-cert-auth", "kind", "bool"),
    ("heartbeat-interval", "kind", "uint"),
    ("advertise-client-urls", "kind", "urls"),
    ("grpc-keepalive-timeout", "kind", "duration"),
    ("feature-gates", "since", ("3.6.0",)),
    ("v2-deprecation", "choices_removed", {"not-yet": "3.6.0"}),
    ("logger", "choices_removed", {"capnslog": "3.5.0"}),
]


@pytest.mark.parametrize(("name", "key", "value"), FACTS)
def test_facts(name, key, value):
    assert table.FLAGS[name].get(key) == value


# Flags of the releases whose binaries the integration tests run, as their
# sources register them; a change in the table that alters these is a
# change in what etcd accepts.
@pytest.mark.parametrize(
    ("version", "count"),
    [("3.0.0", 46), ("3.3.25", 67), ("3.4.23", 85), ("3.5.16", 111)],
)
def test_flag_counts(version, count):
    assert len(known_flags(version)) == count
