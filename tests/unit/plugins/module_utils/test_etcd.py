# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Data tables for the etcd settings core: every rule has an accepted case
and a refused case with its exact message."""

from __future__ import annotations

import re

import pytest

from ansible_collections.containerlinux.etcd.plugins.module_utils import (
    _etcd,
)
from ansible_collections.containerlinux.etcd.plugins.module_utils._etcd import (  # noqa: E501
    EtcdSettingsError,
    build_environment,
    deprecations,
    known_flags,
    parse_version,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5", (3, 5, None)),
        ("3.5.16", (3, 5, 16)),
        ("v3.5.16", (3, 5, 16)),
        (" v3.0.10 ", (3, 0, 10)),
        ("3.7.1", (3, 7, 1)),
    ],
)
def test_parse_version(text, expected):
    assert parse_version(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "3.5.x",
            "the etcd version '3.5.x' is not a release number: give it as "
            "3.5, 3.5.16 or v3.5.16 (an image tag without a suffix)",
        ),
        (
            "v3.6.0-rc.1",
            "the etcd version 'v3.6.0-rc.1' is not a release number: give it"
            " as 3.5, 3.5.16 or v3.5.16 (an image tag without a suffix)",
        ),
        (
            3.5,
            "the etcd version 3.5 is not a release number: give it as 3.5, "
            "3.5.16 or v3.5.16 (an image tag without a suffix)",
        ),
        (
            "3.8.0",
            "etcd 3.8 is not a release this collection knows the flags of "
            "(it knows 3.0 to 3.7): give one of those",
        ),
        (
            "2.3.7",
            "etcd 2.3 is not a release this collection knows the flags of "
            "(it knows 3.0 to 3.7): give one of those",
        ),
    ],
)
def test_parse_version_refused(text, message):
    with pytest.raises(EtcdSettingsError) as err:
        parse_version(text)
    assert str(err.value) == message


TLS = {
    "listen-client-urls": "https://10.0.0.1:2379,unixs://etcd:0",
    "cert-file": "/etc/ssl/certs/server.crt",
    "key-file": "/etc/ssl/certs/server.key",
    "trusted-ca-file": "/etc/ssl/certs/ca.crt",
    "client-cert-auth": True,
}

ACCEPTED = [
    # Keys: dashes, underscores, the variable name; order kept.
    (
        {"name": "etcd1", "data_dir": "/var/lib/etcd", "ETCD_WAL_DIR": "/w"},
        "3.5.16",
        {
            "ETCD_NAME": "etcd1",
            "ETCD_DATA_DIR": "/var/lib/etcd",
            "ETCD_WAL_DIR": "/w",
        },
    ),
    # None leaves a flag unset.
    ({"name": "etcd1", "wal-dir": None}, "3.5.16", {"ETCD_NAME": "etcd1"}),
    # Booleans lower case, from bool or text.
    (
        {"strict-reconfig-check": False, "enable-pprof": "True"},
        "3.4.23",
        {"ETCD_STRICT_RECONFIG_CHECK": "false", "ETCD_ENABLE_PPROF": "true"},
    ),
    # Integers from int or digits.
    (
        {"snapshot-count": 10000, "quota-backend-bytes": "-1"},
        "3.3.25",
        {"ETCD_SNAPSHOT_COUNT": "10000", "ETCD_QUOTA_BACKEND_BYTES": "-1"},
    ),
    # Durations.
    (
        {"grpc-keepalive-min-time": "5s", "grpc-keepalive-timeout": "1m30s"},
        "3.5.16",
        {
            "ETCD_GRPC_KEEPALIVE_MIN_TIME": "5s",
            "ETCD_GRPC_KEEPALIVE_TIMEOUT": "1m30s",
        },
    ),
    # Retention: hours or a duration from 3.3 on, an integer before.
    (
        {"auto-compaction-retention": 12},
        "3.5.16",
        {"ETCD_AUTO_COMPACTION_RETENTION": "12"},
    ),
    (
        {"auto-compaction-retention": "30m"},
        "3.3.25",
        {"ETCD_AUTO_COMPACTION_RETENTION": "30m"},
    ),
    (
        {"auto-compaction-retention": 1},
        "3.2.32",
        {"ETCD_AUTO_COMPACTION_RETENTION": "1"},
    ),
    # URL lists, as a list or one string.
    (
        {
            "listen-client-urls": ["http://127.0.0.1:2379", "unix://s:0"],
            "advertise-client-urls": "https://[fd00::1]:2379",
        },
        "3.5.16",
        {
            "ETCD_LISTEN_CLIENT_URLS": "http://127.0.0.1:2379,unix://s:0",
            "ETCD_ADVERTISE_CLIENT_URLS": "https://[fd00::1]:2379",
        },
    ),
    # Comma lists.
    (
        {"cipher-suites": ["TLS_A", "TLS_B"], "cors": "*"},
        "3.3.7",
        {"ETCD_CIPHER_SUITES": "TLS_A,TLS_B", "ETCD_CORS": "*"},
    ),
    # Enumerations.
    (
        {"initial-cluster-state": "existing", "log-level": "warn"},
        "3.4.23",
        {"ETCD_INITIAL_CLUSTER_STATE": "existing", "ETCD_LOG_LEVEL": "warn"},
    ),
    ({"logger": "capnslog"}, "3.4.23", {"ETCD_LOGGER": "capnslog"}),
    # Choices by release.
    (
        {"v2-deprecation": "not-yet"},
        "3.5",
        {"ETCD_V2_DEPRECATION": "not-yet"},
    ),
    (
        {"v2-deprecation": "write-only-skip-check"},
        "3.6.13",
        {"ETCD_V2_DEPRECATION": "write-only-skip-check"},
    ),
    # Feature gates from a mapping or text.
    (
        {
            "feature-gates": {
                "InitialCorruptCheck": True,
                "LeaseCheckpoint": False,
            }
        },
        "3.6.0",
        {
            "ETCD_FEATURE_GATES": (
                "InitialCorruptCheck=true,LeaseCheckpoint=false"
            )
        },
    ),
    (
        {"feature-gates": "InitialCorruptCheck=true,LeaseCheckpoint=false"},
        "3.6.0",
        {
            "ETCD_FEATURE_GATES": (
                "InitialCorruptCheck=true,LeaseCheckpoint=false"
            )
        },
    ),
    # Flags by patch release; a newer patch than known reads as the newest.
    (
        {"tls-min-version": "TLS1.3"},
        "3.5.8",
        {"ETCD_TLS_MIN_VERSION": "TLS1.3"},
    ),
    (
        {"tls-min-version": "TLS1.2"},
        "v3.4.25",
        {"ETCD_TLS_MIN_VERSION": "TLS1.2"},
    ),
    ({"cipher-suites": "TLS_A"}, "3.2.22", {"ETCD_CIPHER_SUITES": "TLS_A"}),
    (
        {"tls-min-version": "TLS1.2"},
        "3.5.99",
        {"ETCD_TLS_MIN_VERSION": "TLS1.2"},
    ),
    # A bare minor takes what every release of the line has.
    ({"log-outputs": ["stderr"]}, "3.5", {"ETCD_LOG_OUTPUTS": "stderr"}),
    # A bare minor whose releases changed the kind takes a value they all
    # read alike.
    (
        {"peer-cert-allowed-cn": "etcd-peer"},
        "3.5",
        {"ETCD_PEER_CERT_ALLOWED_CN": "etcd-peer"},
    ),
    (
        {"peer-cert-allowed-cn": ["a", "b"]},
        "3.5.15",
        {"ETCD_PEER_CERT_ALLOWED_CN": "a,b"},
    ),
    # Removed flags still work where they exist.
    ({"peer-ca-file": "/ca.crt"}, "3.3.25", {"ETCD_PEER_CA_FILE": "/ca.crt"}),
    (
        {"discovery": "https://d/x"},
        "3.6.14",
        {"ETCD_DISCOVERY": "https://d/x"},
    ),
    # The initial cluster names this member (when the name is given here).
    (
        {"name": "b", "initial-cluster": "a=https://a:2380,b=https://b:2380"},
        "3.5.16",
        {
            "ETCD_NAME": "b",
            "ETCD_INITIAL_CLUSTER": "a=https://a:2380,b=https://b:2380",
        },
    ),
    (
        {"initial-cluster": "a=https://a:2380"},
        "3.5.16",
        {"ETCD_INITIAL_CLUSTER": "a=https://a:2380"},
    ),
    # Bootstrap from one source only.
    (
        {"discovery-srv": "example.com"},
        "3.5.16",
        {"ETCD_DISCOVERY_SRV": "example.com"},
    ),
    # Certificates with their keys; cert auth with its CA.
    (
        TLS,
        "3.5.16",
        {
            "ETCD_LISTEN_CLIENT_URLS": "https://10.0.0.1:2379,unixs://etcd:0",
            "ETCD_CERT_FILE": "/etc/ssl/certs/server.crt",
            "ETCD_KEY_FILE": "/etc/ssl/certs/server.key",
            "ETCD_TRUSTED_CA_FILE": "/etc/ssl/certs/ca.crt",
            "ETCD_CLIENT_CERT_AUTH": "true",
        },
    ),
    (
        {
            "listen-peer-urls": "https://10.0.0.1:2380",
            "peer-auto-tls": True,
            "peer-client-cert-auth": True,
            "peer-trusted-ca-file": "/ca",
        },
        "3.5.16",
        {
            "ETCD_LISTEN_PEER_URLS": "https://10.0.0.1:2380",
            "ETCD_PEER_AUTO_TLS": "true",
            "ETCD_PEER_CLIENT_CERT_AUTH": "true",
            "ETCD_PEER_TRUSTED_CA_FILE": "/ca",
        },
    ),
    # Before 3.4, ca-file also turns client certificate checks on.
    (
        {
            "listen-client-urls": "https://10.0.0.1:2379",
            "auto-tls": True,
            "client-cert-auth": True,
            "ca-file": "/ca",
        },
        "3.3.25",
        {
            "ETCD_LISTEN_CLIENT_URLS": "https://10.0.0.1:2379",
            "ETCD_AUTO_TLS": "true",
            "ETCD_CLIENT_CERT_AUTH": "true",
            "ETCD_CA_FILE": "/ca",
        },
    ),
    (
        {"client-cert-auth": False},
        "3.5.16",
        {"ETCD_CLIENT_CERT_AUTH": "false"},
    ),
    # A certificate is fine while no listen URLs are given: it may serve
    # the other side, or the URLs come from a drop-in of their own.
    (
        {"cert-file": "/s.crt", "key-file": "/s.key"},
        "3.5.16",
        {"ETCD_CERT_FILE": "/s.crt", "ETCD_KEY_FILE": "/s.key"},
    ),
    # Election timeout: 5 x heartbeat at least, 50000 at most.
    (
        {"heartbeat-interval": 200, "election-timeout": 1000},
        "3.5.16",
        {"ETCD_HEARTBEAT_INTERVAL": "200", "ETCD_ELECTION_TIMEOUT": "1000"},
    ),
    (
        {"election-timeout": 50000},
        "3.5.16",
        {"ETCD_ELECTION_TIMEOUT": "50000"},
    ),
    ({"election-timeout": 500}, "3.5.16", {"ETCD_ELECTION_TIMEOUT": "500"}),
]


@pytest.mark.parametrize(("settings", "version", "expected"), ACCEPTED)
def test_build_environment(settings, version, expected):
    env = build_environment(settings, version)
    assert env == expected
    assert list(env) == list(expected)


REFUSED = [
    # Keys.
    (
        {1: "x"},
        "3.5.16",
        "the etcd setting key 1 is not a string: name the flag, such as "
        "'data-dir'",
    ),
    (
        {"Data-Dir": "/x"},
        "3.5.16",
        "the etcd setting key 'Data-Dir' is not a flag name: use lower-case "
        "letters, digits and dashes (or underscores), such as "
        "'peer-client-cert-auth', or the variable name, such as "
        "'ETCD_PEER_CLIENT_CERT_AUTH'",
    ),
    (
        {"data-dir": "/a", "ETCD_DATA_DIR": "/b"},
        "3.5.16",
        "'data-dir' and 'ETCD_DATA_DIR' both set the etcd flag 'data-dir': "
        "keep one of them",
    ),
    (
        ["data-dir"],
        "3.5.16",
        "the etcd settings must be a mapping of flag names to values, not "
        "list",
    ),
    # Unknown flag, with the closest real name or without one.
    (
        {"peer-client-cert-auht": True},
        "3.5.16",
        "'peer-client-cert-auht' is not a flag of etcd 3.5.16; did you mean "
        "'peer-client-cert-auth'?",
    ),
    (
        {"zzz": 1},
        "3.5.16",
        "'zzz' is not a flag of etcd 3.5.16; see 'etcd --help' of that "
        "release for the flags it has",
    ),
    # Removed, with and without a replacement.
    (
        {"peer-ca-file": "/ca.crt"},
        "3.4.0",
        "'peer-ca-file' was removed in etcd 3.4 (the version is 3.4.0); use "
        "'peer-trusted-ca-file'",
    ),
    (
        {"log_output": "stderr"},
        "v3.5.16",
        "'log_output' was removed in etcd 3.5 (the version is v3.5.16); use "
        "'log-outputs'",
    ),
    (
        {"proxy": "off"},
        "3.6.0",
        "'proxy' was removed in etcd 3.6 (the version is 3.6.0); it has no "
        "replacement, so remove it",
    ),
    (
        {"discovery": "https://d/x"},
        "3.7.1",
        "'discovery' was removed in etcd 3.7 (the version is 3.7.1); use "
        "'discovery-endpoints'",
    ),
    (
        {"experimental-initial-corrupt-check": True},
        "3.7.0",
        "'experimental-initial-corrupt-check' was removed in etcd 3.7 (the "
        "version is 3.7.0); use 'feature-gates=InitialCorruptCheck=true'",
    ),
    # Not yet there: an older patch release, an older line, a bare minor.
    (
        {"tls-min-version": "TLS1.2"},
        "3.5.7",
        "'tls-min-version' arrived in etcd 3.5.8 (the version is 3.5.7): "
        "upgrade etcd or remove it",
    ),
    (
        {"cipher-suites": "TLS_A"},
        "3.3.6",
        "'cipher-suites' arrived in etcd 3.3.7 (the version is 3.3.6): "
        "upgrade etcd or remove it",
    ),
    (
        {"feature-gates": "A=true"},
        "3.5.16",
        "'feature-gates' arrived in etcd 3.6 (the version is 3.5.16): "
        "upgrade etcd or remove it",
    ),
    (
        {"tls-min-version": "TLS1.2"},
        "3.5",
        "'tls-min-version' arrived in etcd 3.5.8, and the version '3.5' "
        "stands for every 3.5 release: give the exact release (3.5.8 or "
        "later) or remove it",
    ),
    (
        {"peer-cert-allowed-cn": ["a", "b"]},
        "3.5",
        "'peer-cert-allowed-cn' is read as string before etcd 3.5.15 and as "
        "list from then on, and the version '3.5' stands for all of them: "
        "give the exact release for the value ['a', 'b']",
    ),
    (
        {"peer-cert-allowed-cn": ["a", "b"]},
        "3.5.14",
        "'peer-cert-allowed-cn' must be a string for etcd 3.5.14, not "
        "['a', 'b']",
    ),
    # Wrapper-only and rkt names.
    (
        {"image-tag": "v3.5.16"},
        "3.5.16",
        "'image-tag' is read by the etcd-wrapper, not by etcd (which would "
        "only warn about an unrecognized ETCD_IMAGE_TAG): set it as a role "
        "variable or in the wrapper's environment, not among etcd's "
        "settings",
    ),
    (
        {"ETCD_SSL_DIR": "/etc/ssl/etcd"},
        "3.5.16",
        "'ETCD_SSL_DIR' is read by the etcd-wrapper, not by etcd (which "
        "would only warn about an unrecognized ETCD_SSL_DIR): set it as a "
        "role variable or in the wrapper's environment, not among etcd's "
        "settings",
    ),
    (
        {"user": "etcd"},
        "3.5.16",
        "'user' is read by the etcd-wrapper, not by etcd (which would only "
        "warn about an unrecognized ETCD_USER): set it as a role variable "
        "or in the wrapper's environment, not among etcd's settings",
    ),
    (
        {"rkt_run_args": "--x"},
        "3.5.16",
        "'rkt_run_args' is read by the rkt etcd-wrapper of CoreOS, not by "
        "etcd: set RKT_RUN_ARGS and its kin through the collection's rkt "
        "arguments (containerlinux.etcd.rkt_run_args), not as an etcd "
        "setting",
    ),
    # Command-line only, configuration file, etcd 0.4 leftovers.
    (
        {"version": True},
        "3.5.16",
        "'version' only makes etcd print something and exit; it is no "
        "setting for etcd 3.5.16: remove it",
    ),
    (
        {"config-file": "/etc/etcd.yml"},
        "3.5.16",
        "'config-file' makes etcd 3.5.16 read that file alone and ignore "
        "every other flag and ETCD_* variable, so the other settings would "
        "be lost without a word: give the settings here instead of a "
        "configuration file",
    ),
    (
        {"peer-heartbeat-interval": 100},
        "3.5.16",
        "'peer-heartbeat-interval' is a name from etcd 0.4 that etcd 3.5.16 "
        "accepts and then ignores: remove it",
    ),
    # Values by kind.
    (
        {"name": ""},
        "3.5.16",
        "'name' is empty, which etcd 3.5.16 reads as unset: give it a "
        "value, or null (None) to leave it unset",
    ),
    (
        {"cors": []},
        "3.5.16",
        "'cors' is empty, which etcd 3.5.16 reads as unset: give it a "
        "value, or null (None) to leave it unset",
    ),
    (
        {"client-cert-auth": "maybe"},
        "3.5.16",
        "'client-cert-auth' must be true or false for etcd 3.5.16, not "
        "'maybe'",
    ),
    (
        {"client-cert-auth": 1},
        "3.5.16",
        "'client-cert-auth' must be true or false for etcd 3.5.16, not 1",
    ),
    (
        {"snapshot-count": "many"},
        "3.5.16",
        "'snapshot-count' must be an integer for etcd 3.5.16, not 'many'",
    ),
    (
        {"snapshot-count": True},
        "3.5.16",
        "'snapshot-count' must be an integer for etcd 3.5.16, not True",
    ),
    (
        {"max-wals": -1},
        "3.5.16",
        "'max-wals' must be an integer of 0 or more for etcd 3.5.16, not -1",
    ),
    (
        {"grpc-keepalive-min-time": 5},
        "3.5.16",
        "'grpc-keepalive-min-time' must be a duration with a unit, such as "
        "'5s' or '1m30s' for etcd 3.5.16, not 5",
    ),
    (
        {"auto-compaction-retention": "soon"},
        "3.5.16",
        "'auto-compaction-retention' must be a number of hours or a "
        "duration, such as 12 or '30m' for etcd 3.5.16, not 'soon'",
    ),
    (
        {"auto-compaction-retention": "1h"},
        "3.2.32",
        "'auto-compaction-retention' must be an integer for etcd 3.2.32, "
        "not '1h'",
    ),
    (
        {"name": ["a"]},
        "3.5.16",
        "'name' must be a string for etcd 3.5.16, not ['a']",
    ),
    (
        {"log-level": "verbose"},
        "3.5.16",
        "'log-level' must be one of 'debug', 'info', 'warn', 'error', "
        "'panic', 'fatal' for etcd 3.5.16, not 'verbose'",
    ),
    (
        {"initial-cluster-state": "New"},
        "3.5.16",
        "'initial-cluster-state' must be one of 'new', 'existing' for etcd "
        "3.5.16, not 'New'",
    ),
    (
        {"logger": "capnslog"},
        "3.5.16",
        "'logger': etcd 3.5 and later refuse 'capnslog' (the version is "
        "3.5.16); use 'zap'",
    ),
    (
        {"v2-deprecation": "not-yet"},
        "3.6.0",
        "'v2-deprecation': etcd 3.6 and later refuse 'not-yet' (the version "
        "is 3.6.0); use 'write-only', 'write-only-drop-data', 'gone'",
    ),
    (
        {"v2-deprecation": "write-only-skip-check"},
        "3.6.12",
        "'v2-deprecation': 'write-only-skip-check' arrived in etcd 3.6.13 "
        "(the version is 3.6.12); use 'write-only', 'write-only-drop-data', "
        "'gone', or upgrade etcd",
    ),
    (
        {"v2-deprecation": "write-only-skip-check"},
        "3.5",
        "'v2-deprecation': 'write-only-skip-check' arrived in etcd 3.5.32 "
        "(the version is 3.5); use 'not-yet', 'write-only', "
        "'write-only-drop-data', 'gone', or upgrade etcd",
    ),
    (
        {"listen-client-urls": ["127.0.0.1:2379"]},
        "3.5.16",
        "'listen-client-urls': '127.0.0.1:2379' is not a URL etcd 3.5.16 "
        "can use: write it as scheme://host:port, without a path, with the "
        "scheme http, https, unix or unixs",
    ),
    (
        {"advertise-client-urls": "https://etcd.example.com"},
        "3.5.16",
        "'advertise-client-urls': 'https://etcd.example.com' is not a URL "
        "etcd 3.5.16 can use: write it as scheme://host:port, without a "
        "path, with the scheme http, https, unix or unixs",
    ),
    (
        {"advertise-client-urls": "https://10.0.0.1:2379/v3"},
        "3.5.16",
        "'advertise-client-urls': 'https://10.0.0.1:2379/v3' is not a URL "
        "etcd 3.5.16 can use: write it as scheme://host:port, without a "
        "path, with the scheme http, https, unix or unixs",
    ),
    (
        {"listen-client-urls": 2379},
        "3.5.16",
        "'listen-client-urls' must be a list of URLs (or one "
        "comma-separated string) for etcd 3.5.16, not 2379",
    ),
    (
        {"cipher-suites": ["TLS_A,TLS_B"]},
        "3.5.16",
        "'cipher-suites': the item 'TLS_A,TLS_B' holds a comma, which etcd "
        "3.5.16 would read as two items; give each item on its own",
    ),
    (
        {"cipher-suites": ["TLS_A", ""]},
        "3.5.16",
        "'cipher-suites' must be a list of strings for etcd 3.5.16, not "
        "['TLS_A', '']",
    ),
    (
        {"feature-gates": {"initial-corrupt-check": True}},
        "3.6.0",
        "'feature-gates': 'initial-corrupt-check' is not a feature gate "
        "name; gates are CamelCase, such as 'InitialCorruptCheck'",
    ),
    (
        {"feature-gates": {"InitialCorruptCheck": 0}},
        "3.6.0",
        "'feature-gates': the gate 'InitialCorruptCheck' must be true or "
        "false, not 0",
    ),
    # Settings that cannot go together.
    (
        {"discovery": "https://d/x", "initial-cluster": "a=https://a:2380"},
        "3.5.16",
        "'initial-cluster' and 'discovery' cannot go together: etcd 3.5.16 "
        "bootstraps a cluster from only one of initial-cluster, discovery "
        "and discovery-srv, so keep one and remove the others",
    ),
    (
        {"initial_cluster": "a=https://a:2380", "discovery-srv": "x.org"},
        "3.4.23",
        "'initial_cluster' and 'discovery-srv' cannot go together: etcd "
        "3.4.23 bootstraps a cluster from only one of initial-cluster, "
        "discovery and discovery-srv, so keep one and remove the others",
    ),
    (
        {"name": "c", "initial-cluster": "a=https://a:2380,b=https://b:2380"},
        "3.5.16",
        "'initial-cluster' lists no member named 'c', the 'name' of this "
        "member, and etcd 3.5.16 refuses to bootstrap so: add c=<its peer "
        "URL>",
    ),
    (
        {"initial-cluster": "a=https://a:2380,https://b:2380"},
        "3.5.16",
        "'initial-cluster': 'https://b:2380' is not a member as etcd 3.5.16 "
        "reads one: write each as name=URL, such as "
        "'etcd1=https://10.0.0.1:2380'",
    ),
    (
        {"cert-file": "/s.crt"},
        "3.5.16",
        "'cert-file' is set without 'key-file': etcd 3.5.16 needs a "
        "certificate and its key together, so set both or neither",
    ),
    (
        {"peer-key-file": "/p.key"},
        "3.5.16",
        "'peer-key-file' is set without 'peer-cert-file': etcd 3.5.16 needs "
        "a certificate and its key together, so set both or neither",
    ),
    (
        {"client-cert-auth": True},
        "3.5.16",
        "'client-cert-auth' is true but 'trusted-ca-file' is not set: etcd "
        "3.5.16 cannot check client certificates without the CA that signed "
        "them, so set 'trusted-ca-file'",
    ),
    (
        {"peer_client_cert_auth": "true", "trusted-ca-file": "/ca"},
        "3.5.16",
        "'peer_client_cert_auth' is true but 'peer-trusted-ca-file' is not "
        "set: etcd 3.5.16 cannot check client certificates without the CA "
        "that signed them, so set 'peer-trusted-ca-file'",
    ),
    (
        {"listen-client-urls": "https://10.0.0.1:2379"},
        "3.5.16",
        "'listen-client-urls' holds 'https://10.0.0.1:2379', and etcd 3.5.16 "
        "refuses to start without a certificate for it: set 'cert-file' and "
        "its key (or 'auto-tls')",
    ),
    (
        {"listen_peer_urls": ["unixs://p:0"]},
        "3.5.16",
        "'listen_peer_urls' holds 'unixs://p:0', and etcd 3.5.16 refuses to "
        "start without a certificate for it: set 'peer-cert-file' and its "
        "key (or 'peer-auto-tls')",
    ),
    (
        dict(TLS, **{"listen-client-urls": ["https://a:1", "http://b:2"]}),
        "3.5.16",
        "'client-cert-auth' is true, but etcd 3.5.16 checks no certificate "
        "on 'http://b:2' of 'listen-client-urls', and only warns: listen on "
        "https (or unixs) URLs alone, or drop 'client-cert-auth'",
    ),
    (
        {"peer-client-cert-auth": True, "peer-trusted-ca-file": "/ca"},
        "3.4.23",
        "'peer-client-cert-auth' is true, but etcd 3.4.23 checks no "
        "certificate on its default 'http://localhost:2380', as "
        "'listen-peer-urls' is not set, and only warns: listen on https (or "
        "unixs) URLs alone, or drop 'peer-client-cert-auth'",
    ),
    (
        {
            "listen-client-urls": "http://127.0.0.1:2379",
            "cert-file": "/s.crt",
            "key-file": "/s.key",
        },
        "3.5.16",
        "'cert-file' is set, but 'listen-client-urls' holds no https URL, so "
        "etcd 3.5.16 ignores the certificate and only warns: listen on https "
        "URLs, or drop the certificate",
    ),
    (
        {
            "listen-peer-urls": "http://127.0.0.1:2380",
            "peer-cert-file": "/p.crt",
            "peer-key-file": "/p.key",
        },
        "3.5.16",
        "'peer-cert-file' is set, but 'listen-peer-urls' holds no https URL, "
        "so etcd 3.5.16 ignores the certificate and only warns: listen on "
        "https URLs, or drop the certificate",
    ),
    (
        {"heartbeat-interval": 300},
        "3.5.16",
        "election-timeout 1000 ms is below 5 x heartbeat-interval 300 ms, "
        "which etcd 3.5.16 refuses to start with: raise election-timeout "
        "to 1500 or more, or lower heartbeat-interval",
    ),
    (
        {"election-timeout": 499},
        "3.5.16",
        "election-timeout 499 ms is below 5 x heartbeat-interval 100 ms, "
        "which etcd 3.5.16 refuses to start with: raise election-timeout "
        "to 500 or more, or lower heartbeat-interval",
    ),
    (
        {"election-timeout": 50001, "heartbeat-interval": 1000},
        "3.5.16",
        "election-timeout 50001 ms is above etcd's limit of 50000 ms, which "
        "etcd 3.5.16 refuses to start with: lower it",
    ),
]


@pytest.mark.parametrize(("settings", "version", "message"), REFUSED)
def test_build_environment_refused(settings, version, message):
    with pytest.raises(EtcdSettingsError) as err:
        build_environment(settings, version)
    assert str(err.value) == message


def test_error_is_a_value_error():
    assert issubclass(EtcdSettingsError, ValueError)


@pytest.mark.parametrize(
    ("settings", "version", "expected"),
    [
        ({"snapshot-count": 10000}, "3.5.16", []),
        (
            {"snapshot-count": 10000, "max_snapshots": 5},
            "3.6.0",
            [
                "'snapshot-count' is deprecated since etcd 3.6: plan to "
                "drop it",
                "'max_snapshots' is deprecated since etcd 3.6: plan to drop "
                "it",
            ],
        ),
        # 3.7 no longer calls snapshot-count deprecated.
        ({"snapshot-count": 10000}, "3.7.1", []),
        (
            {"experimental-watch-progress-notify-interval": "5s"},
            "3.6.14",
            [
                "'experimental-watch-progress-notify-interval' is deprecated "
                "since etcd 3.6; etcd 3.7 removes it: use "
                "'watch-progress-notify-interval' instead"
            ],
        ),
        (
            {"ca-file": "/ca", "name": None},
            "3.3",
            [
                "'ca-file' is deprecated since etcd 3.0; etcd 3.4 removes "
                "it: use 'trusted-ca-file' instead"
            ],
        ),
    ],
)
def test_deprecations(settings, version, expected):
    assert deprecations(settings, version) == expected


def test_deprecations_refuse_what_build_refuses():
    with pytest.raises(EtcdSettingsError) as err:
        deprecations({"peer-ca-file": "/ca"}, "3.4.0")
    assert str(err.value).startswith("'peer-ca-file' was removed in etcd 3.4")


@pytest.mark.parametrize(
    ("version", "name", "expected"),
    [
        (
            "3.5.16",
            "tls-min-version",
            _etcd.FlagInfo(
                name="tls-min-version",
                env="ETCD_TLS_MIN_VERSION",
                kind="enum",
                choices=("TLS1.2", "TLS1.3"),
                since="3.5.8",
                deprecated=False,
                replacement=None,
            ),
        ),
        (
            "3.3.25",
            "peer-ca-file",
            _etcd.FlagInfo(
                name="peer-ca-file",
                env="ETCD_PEER_CA_FILE",
                kind="string",
                choices=(),
                since="3.3",
                deprecated=True,
                replacement="peer-trusted-ca-file",
            ),
        ),
        (
            "3.4.23",
            "logger",
            _etcd.FlagInfo(
                name="logger",
                env="ETCD_LOGGER",
                kind="enum",
                choices=("capnslog", "zap"),
                since="3.4",
                deprecated=False,
                replacement=None,
            ),
        ),
        ("3.5", "tls-min-version", None),
        ("3.4.23", "peer-ca-file", None),
        ("3.5.16", "snapshot", None),
    ],
)
def test_known_flags(version, name, expected):
    assert known_flags(version).get(name) == expected


@pytest.mark.parametrize("version", ["3.0.0", "3.3.25", "3.5.16", "3.7.1"])
def test_known_flags_env_names(version):
    for name, info in known_flags(version).items():
        assert info.name == name
        assert re.fullmatch(r"ETCD_[A-Z0-9_]+", info.env), info.env
        assert info.env == "ETCD_" + name.upper().replace("-", "_")
