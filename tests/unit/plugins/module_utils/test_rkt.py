# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Splitting and composing RKT_RUN_ARGS for the etcd-member rkt wrapper."""

from __future__ import annotations

import pytest

from ansible_collections.containerlinux.etcd.plugins.module_utils._rkt import (
    RktArgumentError,
    compose,
    split_words,
)
from ansible_collections.containerlinux.etcd.plugins.module_utils._systemd import (  # noqa: E501
    parse_environment,
    quote_assignment,
)

UUID = "--uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid"
SSL = {
    "name": "etcd-ssl",
    "source": "/etc/ssl/etcd",
    "target": "/etc/ssl/etcd",
}
SSL_WORDS = [
    "--volume=etcd-ssl,kind=host,source=/etc/ssl/etcd,readOnly=true",
    "--mount=volume=etcd-ssl,target=/etc/ssl/etcd",
]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", []),
        ("  \t\n ", []),
        (UUID, [UUID]),
        ("  a\tb\n\nc  ", ["a", "b", "c"]),
        # Quotes and backslashes are not interpreted in an expansion.
        ('--a="x y"', ['--a="x', 'y"']),
        ("--a='x' --b=\\y", ["--a='x'", "--b=\\y"]),
        ("--a=%m --b=${X} --c=$Y ]", ["--a=%m", "--b=${X}", "--c=$Y", "]"]),
    ],
)
def test_split_words(value, words):
    assert split_words(value) == words


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "--volume=x,source=/srv/*",
            "the RKT_RUN_ARGS word '--volume=x,source=/srv/*' holds the glob "
            "character '*', which the wrapper's shell would expand against "
            "the host's files: remove it",
        ),
        (
            "a --b=? c",
            "the RKT_RUN_ARGS word '--b=?' holds the glob character '?', "
            "which the wrapper's shell would expand against the host's "
            "files: remove it",
        ),
        (
            "--x=[ab]",
            "the RKT_RUN_ARGS word '--x=[ab]' holds the glob character '[', "
            "which the wrapper's shell would expand against the host's "
            "files: remove it",
        ),
        (
            None,
            "RKT_RUN_ARGS must be a string, not a NoneType: give the value "
            "as text",
        ),
    ],
)
def test_split_words_refuses(value, message):
    with pytest.raises(RktArgumentError) as caught:
        split_words(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("base", "volumes", "extra", "args"),
    [
        (UUID, [], None, [UUID]),
        (UUID, [SSL], None, [UUID, *SSL_WORDS]),
        # Defaults: kind host, read_only true; None means not given.
        (
            UUID,
            [dict(SSL, kind="host", read_only=None, recursive=None)],
            None,
            [UUID, *SSL_WORDS],
        ),
        (
            UUID,
            [dict(SSL, read_only=False, recursive=True)],
            None,
            [
                UUID,
                "--volume=etcd-ssl,kind=host,source=/etc/ssl/etcd,"
                "readOnly=false,recursive=true",
                SSL_WORDS[1],
            ],
        ),
        (
            UUID,
            [
                {
                    "name": "scratch",
                    "kind": "empty",
                    "target": "/tmp",
                    "mode": "0700",
                    "uid": 232,
                    "gid": 0,
                }
            ],
            None,
            [
                UUID,
                "--volume=scratch,kind=empty,mode=0700,uid=232,gid=0",
                "--mount=volume=scratch,target=/tmp",
            ],
        ),
        (
            UUID,
            [{"name": "e", "kind": "empty", "target": "/srv/e"}],
            None,
            [UUID, "--volume=e,kind=empty", "--mount=volume=e,target=/srv/e"],
        ),
        # Unknown base words are kept, in order, before the new ones.
        (
            f"--dns=host {UUID} --hosts-entry host",
            [SSL],
            None,
            ["--dns=host", UUID, "--hosts-entry", "host", *SSL_WORDS],
        ),
        # A base volume defined identically is not added again, in
        # either spelling of the flags and booleans.
        (f"{UUID} {' '.join(SSL_WORDS)}", [SSL], None, [UUID, *SSL_WORDS]),
        (
            f"{UUID} --volume etcd-ssl,kind=host,source=/etc/ssl/etcd,"
            "readOnly=True --mount volume=etcd-ssl,target=/etc/ssl/etcd",
            [SSL],
            None,
            [
                UUID,
                "--volume",
                "etcd-ssl,kind=host,source=/etc/ssl/etcd,readOnly=True",
                "--mount",
                "volume=etcd-ssl,target=/etc/ssl/etcd",
            ],
        ),
        # Other base volumes stay, and names and targets may be close.
        (
            f"{UUID} --volume=etcd-ssl2,kind=host,source=/x "
            "--mount=volume=etcd-ssl2,target=/etc/ssl/etcd2",
            [SSL],
            None,
            [
                UUID,
                "--volume=etcd-ssl2,kind=host,source=/x",
                "--mount=volume=etcd-ssl2,target=/etc/ssl/etcd2",
                *SSL_WORDS,
            ],
        ),
        # Paths next to (not inside) the wrapper's targets are fine.
        (
            UUID,
            [{"name": "a", "source": "/", "target": "/etc/hostsx"}],
            None,
            [
                UUID,
                "--volume=a,kind=host,source=/,readOnly=true",
                "--mount=volume=a,target=/etc/hostsx",
            ],
        ),
        (
            UUID,
            [{"name": "a", "source": "/a+b%c&d;e=f", "target": "/a=b"}],
            None,
            [
                UUID,
                "--volume=a,kind=host,source=/a+b%c&d;e=f,readOnly=true",
                "--mount=volume=a,target=/a=b",
            ],
        ),
        # Extra arguments go last and are not repeated.
        (
            UUID,
            [SSL],
            ["--dns=host", "--dns=host", "--hosts-entry=host"],
            [UUID, *SSL_WORDS, "--dns=host", "--hosts-entry=host"],
        ),
        (f"{UUID} --dns=host", [], ["--dns=host"], [UUID, "--dns=host"]),
        ("", [SSL], None, SSL_WORDS),
    ],
)
def test_compose(base, volumes, extra, args):
    result = compose(base, volumes, extra)
    assert result["args"] == args
    assert result["value"] == " ".join(args)
    assert result["base"] == base
    assert split_words(result["value"]) == args
    # Composing again from the result gives the same value.
    again = compose(result["value"], volumes, extra)
    assert again["value"] == result["value"]
    # The value passes through systemd quoting unchanged.
    line = "[Service]\nEnvironment=" + quote_assignment(
        "RKT_RUN_ARGS", result["value"]
    )
    assert parse_environment(line) == {"RKT_RUN_ARGS": result["value"]}


@pytest.mark.parametrize(
    ("base", "warnings"),
    [
        (UUID, []),
        (
            "--dns=host",
            [
                "the base RKT_RUN_ARGS (from the unit and its other "
                "drop-ins) holds no --uuid-file-save=...; without it the "
                "unit's 'rkt rm' and 'rkt stop' find no pod and old pods "
                "pile up: add it through extra_args if the unit expects it"
            ],
        ),
    ],
)
def test_compose_warnings(base, warnings):
    assert compose(base, [])["warnings"] == warnings


def volume(**kw):
    return dict(SSL, **kw)


B = "the base RKT_RUN_ARGS (from the unit and its other drop-ins)"
OUTSIDE = (
    "rkt would let one mount hide the other: choose a target outside the "
    "wrapper's mount points (such as '/etc/ssl/etcd')"
)


@pytest.mark.parametrize(
    ("base", "volumes", "extra", "message"),
    [
        # Names.
        (
            UUID,
            [volume(name="Certs")],
            None,
            "volume name 'Certs' is not a valid rkt name: use lower-case "
            "letters, digits and single dashes",
        ),
        (
            UUID,
            [volume(name="a--b")],
            None,
            "volume name 'a--b' is not a valid rkt name: use lower-case "
            "letters, digits and single dashes",
        ),
        (
            UUID,
            [volume(name="-a")],
            None,
            "volume name '-a' is not a valid rkt name: use lower-case "
            "letters, digits and single dashes",
        ),
        (
            UUID,
            [{"source": "/a", "target": "/b"}],
            None,
            "volumes[0] has no name: give every volume a name",
        ),
        (
            UUID,
            [volume(name="coreos-etc-ssl-certs")],
            None,
            "volume 'coreos-etc-ssl-certs': the name is one the wrapper uses "
            "for its own volumes (coreos-* and the older names without that "
            "prefix): choose another name",
        ),
        (
            UUID,
            [volume(name="coreos-mine")],
            None,
            "volume 'coreos-mine': the name is one the wrapper uses for its "
            "own volumes (coreos-* and the older names without that "
            "prefix): choose another name",
        ),
        (
            UUID,
            [volume(name="data-dir")],
            None,
            "volume 'data-dir': the name is one the wrapper uses for its own "
            "volumes (coreos-* and the older names without that prefix): "
            "choose another name",
        ),
        (
            UUID,
            [SSL, volume(target="/other")],
            None,
            "volume 'etcd-ssl' is given twice in volumes (items 0 and 1): "
            "give each volume its own name",
        ),
        (
            f"{UUID} --volume=etcd-ssl,kind=host,source=/elsewhere "
            "--mount=volume=etcd-ssl,target=/etc/ssl/etcd",
            [SSL],
            None,
            f"volume 'etcd-ssl' is already defined differently in {B}: "
            "choose another name, or remove it there",
        ),
        (
            f"{UUID} --volume=etcd-ssl,kind=host,source=/etc/ssl/etcd,"
            "readOnly=true --mount=volume=etcd-ssl,target=/srv",
            [SSL],
            None,
            f"volume 'etcd-ssl' is already defined differently in {B}: "
            "choose another name, or remove it there",
        ),
        # Targets the wrapper mounts, or that hide or are hidden by them.
        (
            UUID,
            [volume(target="/etc/ssl/certs")],
            None,
            "volume 'etcd-ssl': target '/etc/ssl/certs' is where the wrapper "
            f"mounts its own volume 'coreos-etc-ssl-certs'; {OUTSIDE}, or "
            "set ETCD_SSL_DIR to the host directory that holds the "
            "certificates",
        ),
        (
            UUID,
            [volume(target="/etc/ssl/certs/etcd")],
            None,
            "volume 'etcd-ssl': target '/etc/ssl/certs/etcd' lies inside "
            "'/etc/ssl/certs', where the wrapper mounts its own volume "
            f"'coreos-etc-ssl-certs'; {OUTSIDE}, or set ETCD_SSL_DIR to the "
            "host directory that holds the certificates",
        ),
        (
            UUID,
            [volume(target="/var/lib/etcd")],
            None,
            "volume 'etcd-ssl': target '/var/lib/etcd' is where the wrapper "
            f"mounts its own volume 'coreos-data-dir'; {OUTSIDE}",
        ),
        (
            UUID,
            [volume(target="/var/lib")],
            None,
            "volume 'etcd-ssl': target '/var/lib' holds '/var/lib/etcd', "
            "where the wrapper mounts its own volume 'coreos-data-dir'; "
            f"{OUTSIDE}",
        ),
        (
            UUID,
            [volume(target="/")],
            None,
            "volume 'etcd-ssl': target '/' holds '/run/systemd/system', "
            "where the wrapper mounts its own volume 'coreos-systemd-dir'; "
            f"{OUTSIDE}",
        ),
        (
            UUID,
            [volume(target="/run")],
            None,
            "volume 'etcd-ssl': target '/run' holds '/run/systemd/system', "
            "where the wrapper mounts its own volume 'coreos-systemd-dir'; "
            f"{OUTSIDE}",
        ),
        (
            UUID,
            [volume(target="/usr/share/ca-certificates/x")],
            None,
            "volume 'etcd-ssl': target '/usr/share/ca-certificates/x' lies "
            "inside '/usr/share/ca-certificates', where the wrapper mounts "
            f"its own volume 'coreos-usr-share-certs'; {OUTSIDE}",
        ),
        (
            UUID,
            [volume(target="/etc/resolv.conf")],
            None,
            "volume 'etcd-ssl': target '/etc/resolv.conf' is where the "
            f"wrapper mounts its own volume 'coreos-etc-resolv'; {OUTSIDE}",
        ),
        (
            UUID,
            [volume(target="/etc/hosts")],
            None,
            "volume 'etcd-ssl': target '/etc/hosts' is where the wrapper "
            f"mounts its own volume 'coreos-etc-hosts'; {OUTSIDE}",
        ),
        (
            UUID,
            [volume(target="/run/systemd/notify")],
            None,
            "volume 'etcd-ssl': target '/run/systemd/notify' is where the "
            f"wrapper mounts its own volume 'coreos-notify'; {OUTSIDE}",
        ),
        # Duplicate targets: rkt keeps the first silently.
        (
            UUID,
            [SSL, volume(name="other")],
            None,
            "volume 'other': target '/etc/ssl/etcd' is already the mount "
            "point of volume 'etcd-ssl'; rkt silently keeps the first mount "
            "of a target: choose another target",
        ),
        (
            f"{UUID} --volume=x,kind=host,source=/a "
            "--mount=volume=x,target=/etc/ssl/etcd",
            [SSL],
            None,
            "volume 'etcd-ssl': target '/etc/ssl/etcd' is already the mount "
            "point of volume 'x'; rkt silently keeps the first mount of a "
            "target: choose another target",
        ),
        # Paths.
        (
            UUID,
            [volume(target="etc/ssl/etcd")],
            None,
            "volume 'etcd-ssl': target 'etc/ssl/etcd' is not an absolute "
            "path: start it with '/'",
        ),
        (
            UUID,
            [volume(source="ssl")],
            None,
            "volume 'etcd-ssl': source 'ssl' is not an absolute path: start "
            "it with '/'",
        ),
        (
            UUID,
            [volume(source="")],
            None,
            "volume 'etcd-ssl': source must be a non-empty path string: "
            "give one",
        ),
        (
            UUID,
            [volume(target=7)],
            None,
            "volume 'etcd-ssl': target must be a non-empty path string: "
            "give one",
        ),
        *[
            (
                UUID,
                [volume(target=path)],
                None,
                f"volume 'etcd-ssl': target {path!r} is not a normalised "
                "path (empty, '.' or '..' components, or a trailing '/'): "
                "write it plainly, such as '/etc/ssl/etcd'",
            )
            for path in ("/srv/", "//srv", "/srv//x", "/srv/./x", "/a/../b")
        ],
        (
            UUID,
            [volume(source="/etc/ssl/../ssl")],
            None,
            "volume 'etcd-ssl': source '/etc/ssl/../ssl' is not a normalised "
            "path (empty, '.' or '..' components, or a trailing '/'): write "
            "it plainly, such as '/etc/ssl/etcd'",
        ),
        *[
            (
                UUID,
                [volume(source=f"/etc/a{char}b")],
                None,
                f"volume 'etcd-ssl': source {'/etc/a' + char + 'b'!r} "
                f"contains {char!r}; commas, quotes, backslashes and glob "
                "characters cannot pass through RKT_RUN_ARGS and rkt's "
                "volume syntax: use a path without them",
            )
            for char in ",\"'\\*?[]"
        ],
        *[
            (
                UUID,
                [volume(target=f"/etc/a{char}b")],
                None,
                f"volume 'etcd-ssl': target {'/etc/a' + char + 'b'!r} "
                "contains whitespace or a control character, which the "
                "wrapper's shell would split or rkt cannot carry: use a path "
                "without them",
            )
            for char in (" ", "\t", "\n", "\x01", "\u00a0")
        ],
        *[
            (
                UUID,
                [volume(target=f"/etc/a{char}b")],
                None,
                f"volume 'etcd-ssl': target '/etc/a{char}b' contains "
                f"'{char}', which rkt reads as URL query syntax in --mount: "
                "use a target without '+', '%', '&' and ';'",
            )
            for char in "+%&;"
        ],
        # Kinds and options.
        (
            UUID,
            [volume(kind="bind")],
            None,
            "volume 'etcd-ssl': kind 'bind' is not supported: use 'host' or "
            "'empty'",
        ),
        (
            UUID,
            [volume(readonly=True)],
            None,
            "volume 'etcd-ssl': unknown option 'readonly': use name, kind, "
            "source, target, read_only, recursive, mode, uid, gid",
        ),
        (
            UUID,
            [volume(mode="0700")],
            None,
            "volume 'etcd-ssl': option 'mode' does not apply to kind=host "
            "volumes: remove it, or use kind=empty",
        ),
        (
            UUID,
            [volume(uid=0)],
            None,
            "volume 'etcd-ssl': option 'uid' does not apply to kind=host "
            "volumes: remove it, or use kind=empty",
        ),
        (
            UUID,
            [{"name": "e", "kind": "empty", "target": "/e", "source": "/x"}],
            None,
            "volume 'e': option 'source' does not apply to kind=empty "
            "volumes: remove it, or use kind=host",
        ),
        (
            UUID,
            [{"name": "e", "kind": "empty", "target": "/e", "read_only": 1}],
            None,
            "volume 'e': option 'read_only' does not apply to kind=empty "
            "volumes: remove it, or use kind=host",
        ),
        (
            UUID,
            [{"name": "e", "kind": "empty", "target": "/e", "mode": 493}],
            None,
            "volume 'e': mode 493 is not an octal mode: give it as a quoted "
            "string of 3 or 4 octal digits, such as '0700'",
        ),
        (
            UUID,
            [{"name": "e", "kind": "empty", "target": "/e", "mode": "0789"}],
            None,
            "volume 'e': mode '0789' is not an octal mode: give it as a "
            "quoted string of 3 or 4 octal digits, such as '0700'",
        ),
        (
            UUID,
            [{"name": "e", "kind": "empty", "target": "/e", "uid": "232"}],
            None,
            "volume 'e': uid must be a whole number, not '232'",
        ),
        (
            UUID,
            [{"name": "e", "kind": "empty", "target": "/e", "gid": -1}],
            None,
            "volume 'e': gid -1 is negative: give 0 or more",
        ),
        (
            UUID,
            [volume(read_only="yes")],
            None,
            "volume 'etcd-ssl': read_only must be true or false, not 'yes'",
        ),
        (
            UUID,
            [{"name": "a", "target": "/a"}],
            None,
            "volume 'a' has no source: give the host path to mount",
        ),
        (
            UUID,
            [{"name": "a", "source": "/a"}],
            None,
            "volume 'a' has no target: give the path inside the container",
        ),
        (
            UUID,
            ["etcd-ssl"],
            None,
            "volumes[0] is a str, not a mapping: give each volume as a "
            "mapping with name, target and source",
        ),
        (
            UUID,
            SSL,
            None,
            "volumes must be a list of mappings, not a dict: give a list",
        ),
        # Extra arguments.
        *[
            (
                UUID,
                [],
                [arg],
                f"extra argument {arg!r} is refused: {reason}",
            )
            for arg, reason in (
                (
                    "--insecure-options=image,ondisk",
                    "the wrapper passes --insecure-options=image itself for "
                    "docker:// images, and rkt keeps only the last one given",
                ),
                (
                    "--trust-keys-from-https",
                    "the wrapper passes it itself for quay.io images",
                ),
                ("--inherit-env=true", "the wrapper passes it itself"),
                (
                    "--stage1-from-dir=stage1-coreos.aci",
                    "the wrapper passes the stage1 image from "
                    "RKT_STAGE1_ARG: set that variable instead",
                ),
            )
        ],
        (
            UUID,
            [],
            ["--volume=x,kind=host,source=/x"],
            "extra argument '--volume=x,kind=host,source=/x' adds a volume "
            "or mount: use the volumes option, which checks it",
        ),
        (
            UUID,
            [],
            ["--mount=volume=x,target=/x"],
            "extra argument '--mount=volume=x,target=/x' adds a volume or "
            "mount: use the volumes option, which checks it",
        ),
        (
            UUID,
            [],
            ["--dns", "host"],
            "extra argument 'host' is not a single --flag=value word: write "
            "the flag and its value as one word, such as '--dns=host'",
        ),
        (
            UUID,
            [],
            ["--dns=a b"],
            "extra argument '--dns=a b' is not a single --flag=value word: "
            "write the flag and its value as one word, such as '--dns=host'",
        ),
        (
            UUID,
            [],
            ["--x=/srv/*"],
            "extra argument '--x=/srv/*' holds the glob character '*', which "
            "the wrapper's shell would expand against the host's files: "
            "remove it",
        ),
        (
            UUID,
            [],
            ["--x=\x1b"],
            "the value of environment variable 'RKT_RUN_ARGS' contains the "
            "control character U+001B, which a systemd unit cannot carry: "
            "remove it from the value",
        ),
        (
            UUID,
            [],
            [5],
            "extra_args[0] is a int, not a string: give each argument as text",
        ),
        # The base.
        *[
            (
                f"{UUID} {word}",
                [],
                None,
                f"{B} holds {word!r}, but {reason}: remove it there",
            )
            for word, reason in (
                (
                    "--insecure-options=image",
                    "the wrapper passes --insecure-options=image itself for "
                    "docker:// images, and rkt keeps only the last one given",
                ),
                ("--inherit-env", "the wrapper passes it itself"),
                (
                    "--stage1-name=coreos.com/rkt/stage1-fly",
                    "the wrapper passes the stage1 image from "
                    "RKT_STAGE1_ARG: set that variable instead",
                ),
            )
        ],
        (
            f"{UUID} --mount=volume=x,target=/etc/ssl/certs",
            [],
            None,
            f"{B} holds --mount 'volume=x,target=/etc/ssl/certs': target "
            "'/etc/ssl/certs' is where the wrapper mounts its own volume "
            f"'coreos-etc-ssl-certs'; {OUTSIDE}, or set ETCD_SSL_DIR to the "
            "host directory that holds the certificates; remove it there",
        ),
        (
            f"{UUID} --mount volume=x,target=/var/lib",
            [],
            None,
            f"{B} holds --mount 'volume=x,target=/var/lib': target "
            "'/var/lib' holds '/var/lib/etcd', where the wrapper mounts its "
            f"own volume 'coreos-data-dir'; {OUTSIDE}; remove it there",
        ),
        (
            f"{UUID} --mount=volume=a,target=/x --mount=volume=b,target=/x",
            [],
            None,
            f"{B} mounts two volumes on '/x' ('a' and 'b'); rkt silently "
            "keeps the first: remove one",
        ),
        (
            f"{UUID} --mount=volume=a,target=/x,readOnly=true",
            [],
            None,
            f"{B} holds --mount 'volume=a,target=/x,readOnly=true', which "
            "rkt refuses (use only volume=NAME,target=PATH): fix or remove "
            "it there",
        ),
        (
            f"{UUID} --mount=volume=a",
            [],
            None,
            f"{B} holds --mount 'volume=a' without both volume= and "
            "target=: fix or remove it there",
        ),
        (
            f"{UUID} --volume=coreos-data-dir,kind=host,source=/x",
            [],
            None,
            f"{B} defines volume 'coreos-data-dir', a name the wrapper uses "
            "itself, so rkt refuses to start: remove it there",
        ),
        (
            f"{UUID} --volume=a,kind=host,source=/x --volume=a,kind=empty",
            [],
            None,
            f"{B} defines volume 'a' twice, which rkt refuses: remove one",
        ),
        (
            f"{UUID} --volume=A,kind=empty",
            [],
            None,
            f"{B} defines --volume 'A,kind=empty', whose name 'A' is not a "
            "valid rkt name: fix or remove it there",
        ),
        (
            f"{UUID} --volume=a,kind=empty,size=1",
            [],
            None,
            f"{B} defines --volume 'a,kind=empty,size=1', which rkt refuses "
            "('size=1' is not a single known key=value): fix or remove it "
            "there",
        ),
        (
            f"{UUID} --volume=a,kind=empty,kind=host",
            [],
            None,
            f"{B} defines --volume 'a,kind=empty,kind=host', which rkt "
            "refuses ('kind=host' is not a single known key=value): fix or "
            "remove it there",
        ),
        (
            f"{UUID} --volume",
            [],
            None,
            f"{B} ends with --volume and no value: complete or remove it",
        ),
        (
            f"{UUID} --x=*",
            [],
            None,
            "the RKT_RUN_ARGS word '--x=*' holds the glob character '*', "
            "which the wrapper's shell would expand against the host's "
            "files: remove it",
        ),
    ],
)
def test_compose_refuses(base, volumes, extra, message):
    with pytest.raises(RktArgumentError) as caught:
        compose(base, volumes, extra)
    assert str(caught.value) == message
