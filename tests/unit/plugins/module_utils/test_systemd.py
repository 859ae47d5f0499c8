# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Quoting and reading of systemd Environment= assignments.  The expected
readings were taken from systemd 252 on the same texts; the integration
test checks the quoting against the real systemd."""

from __future__ import annotations

import pytest

from ansible_collections.containerlinux.etcd.plugins.module_utils._systemd import (  # noqa: E501
    SYSTEM_UNIT_PATH,
    SystemdEnvironmentError,
    assignment_lines,
    dropin_directories,
    parse_environment,
    quote_assignment,
    select_dropins,
    unit_candidates,
    unit_environment,
)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ETCD_NAME", "m1", '"ETCD_NAME=m1"'),
        ("_X1", "", '"_X1="'),
        ("A", "a b  c", '"A=a b  c"'),
        ("A", "50%", '"A=50%%"'),
        ("A", "%m", '"A=%%m"'),
        ("A", 'say "hi"', '"A=say \\"hi\\""'),
        ("A", "C:\\dir\\", '"A=C:\\\\dir\\\\"'),
        ("A", "it's", '"A=it\'s"'),
        ("A", "$X ${X}", '"A=$X ${X}"'),
        ("A", "tab\there", '"A=tab\there"'),
        ("A", "h\u00e9 \u2603 \U0001f600", '"A=h\u00e9 \u2603 \U0001f600"'),
        ("A", "\x85 C1 is not C0", '"A=\x85 C1 is not C0"'),
        ("A", "x=y=z", '"A=x=y=z"'),
    ],
)
def test_quote_assignment(name, value, expected):
    assert quote_assignment(name, value) == expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "1ETCD",
            "x",
            "environment variable name '1ETCD' is not valid: use letters, "
            "digits and underscores, not starting with a digit",
        ),
        (
            "ETCD-NAME",
            "x",
            "environment variable name 'ETCD-NAME' is not valid: use "
            "letters, digits and underscores, not starting with a digit",
        ),
        (
            "",
            "x",
            "environment variable name '' is not valid: use letters, "
            "digits and underscores, not starting with a digit",
        ),
        (
            "A\nExecStartPre",
            "x",
            "environment variable name 'A\\nExecStartPre' is not valid: "
            "use letters, digits and underscores, not starting with a digit",
        ),
        (
            3,
            "x",
            "environment variable name 3 is a int, not a string: give the "
            "name as text",
        ),
        (
            "A",
            "x\nExecStartPre=/bin/sh -c evil",
            "the value of environment variable 'A' contains a newline, "
            "which a systemd unit cannot carry: remove it from the value",
        ),
        (
            "A",
            "x\r",
            "the value of environment variable 'A' contains a carriage "
            "return, which a systemd unit cannot carry: remove it from the "
            "value",
        ),
        (
            "A",
            "x\0",
            "the value of environment variable 'A' contains a NUL, which a "
            "systemd unit cannot carry: remove it from the value",
        ),
        (
            "A",
            "\x1b[0m",
            "the value of environment variable 'A' contains the control "
            "character U+001B, which a systemd unit cannot carry: remove it "
            "from the value",
        ),
        (
            "A",
            "\x7f",
            "the value of environment variable 'A' contains the control "
            "character U+007F, which a systemd unit cannot carry: remove it "
            "from the value",
        ),
        (
            "A",
            "\udcff",
            "the value of environment variable 'A' is not valid text "
            "(U+DCFF cannot be encoded as UTF-8): remove that character",
        ),
        *[
            (
                "A",
                f"a{char}b",
                "the value of environment variable 'A' contains "
                f"U+{ord(char):04X}, a Unicode noncharacter, which systemd "
                "does not accept as UTF-8 (it refuses to load the whole "
                "unit): remove that character",
            )
            for char in ("\ufdd0", "\ufdef", "\ufffe", "\U0001ffff")
        ],
        (
            "A",
            5,
            "the value of environment variable 'A' is a int, not a string: "
            "convert it to text first",
        ),
    ],
)
def test_quote_assignment_refuses(name, value, message):
    with pytest.raises(SystemdEnvironmentError) as caught:
        quote_assignment(name, value)
    assert str(caught.value) == message


def test_assignment_lines_keeps_order():
    env = {"B": "2", "A": "%", "C": "x y"}
    assert assignment_lines(env) == ['"B=2"', '"A=%%"', '"C=x y"']
    assert assignment_lines([("Z", "1"), ("Y", "")]) == ['"Z=1"', '"Y="']
    assert assignment_lines({}) == []


S = "[Service]\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Sections: only [Service] counts, and only the exact key.
        (S + "Environment=A=1\n", {"A": "1"}),
        ("Environment=A=1\n", {}),
        ("[Unit]\nEnvironment=A=1\n", {}),
        ("[Install]\nEnvironment=A=1\n" + S + "Environment=B=2\n", {"B": "2"}),
        (S + "[X-Foo]\nEnvironment=A=1\n", {}),
        (S + "environment=A=1\nEnvironmentFile=/x\n", {}),
        (S + "  Environment =  A=1  \n", {"A": "1"}),
        # Comments, also inside a continuation.
        (S + "#Environment=A=1\n ;Environment=B=1\n", {}),
        (S + 'Environment="A=x\\\n# c\n; d\n y"\n', {"A": "x  y"}),
        (S + "Environment=A=1 # not a comment\n", {"A": "1"}),
        # Quotes, several words on one line.
        (S + 'Environment="A=a b" B=c\n', {"A": "a b", "B": "c"}),
        (
            S + "Environment='A=it\\'s' B=\"x\"y'z'\n",
            {"A": "it's", "B": "xyz"},
        ),
        (S + 'Environment=A="a  b"\tB=2\n', {"A": "a  b", "B": "2"}),
        (
            S + 'Environment="A= lead" "B=trail "\n',
            {"A": " lead", "B": "trail "},
        ),
        # C escapes, in and out of quotes.
        (S + 'Environment="A=\\"\\\\\\\'"\n', {"A": "\"\\'"}),
        (
            S + "Environment=A=\\x41\\101\\u00e9\\U0001F600\n",
            {"A": "AA\u00e9\U0001f600"},
        ),
        (S + 'Environment="A=\\xc3\\xa9"\n', {"A": "\u00e9"}),
        (S + 'Environment="A=\\t\\s\\n"\n', {"A": "\t \n"}),
        (S + 'Environment="A=\\a\\b\\f\\v\\r"\n', {"A": "\a\b\f\v\r"}),
        (S + 'Environment="A=\\0101"\n', {"A": "\b1"}),
        # Specifiers: %% is %, others stay as written, a final % is kept.
        (
            S + 'Environment="A=%%" "B=%m-%H" C=50% D=%%%\n',
            {"A": "%", "B": "%m-%H", "C": "50%", "D": "%%"},
        ),
        (S + 'Environment="A=\\x25\\x25"\n', {"A": "%"}),
        # No variable expansion.
        (S + "Environment=A=$X B=${X}\n", {"A": "$X", "B": "${X}"}),
        # Continuations: the backslash becomes a space.
        (S + "Environment=A=x\\\n B=y\n", {"A": "x", "B": "y"}),
        (S + 'Environment="A=q\\\n r"\n', {"A": "q  r"}),
        (S + "Environment=A=a\\\\\nEnvironment=B=b\n", {"A": "a\\", "B": "b"}),
        (S + "Environment=A=a\\\\\\\nB=2\n", {"A": "a\\", "B": "2"}),
        (
            S + "Environment=A=\\\nEnvironment=B=\\\\\n",
            {"A": "", "Environment": "B=\\"},
        ),
        (S + "Environment=A=x\\", {"A": "x"}),
        # Line ends: LF, CR LF, CR and NUL.
        (
            S + "Environment=A=1\r\nEnvironment=B=2\rEnvironment=C=3\0",
            {"A": "1", "B": "2", "C": "3"},
        ),
        ("\ufeff" + S + "Environment=A=1\n", {"A": "1"}),
        # Later assignments override; an empty one resets everything.
        (S + "Environment=A=1 B=1\nEnvironment=A=2\n", {"A": "2", "B": "1"}),
        (S + "Environment=A=1\nEnvironment=\nEnvironment=B=2\n", {"B": "2"}),
        (S + "Environment=A=1\nEnvironment=   \n", {}),
        # What systemd ignores: the word, or the line from a bad word on.
        (S + 'Environment="A=%Q" B=ok\n', {"B": "ok"}),
        (S + 'Environment=1X=a _X=b X-Y=c \u00c4=d W ""\n', {"_X": "b"}),
        (S + 'Environment=A=1 "B=\\q" C=3\n', {"A": "1"}),
        (S + 'Environment=A=1 "B=\\$x"\n', {"A": "1"}),
        (S + 'Environment=A=1 "B=open\n', {"A": "1"}),
        (S + 'Environment="B=\\x00" "C=\\u0000" "D=\\400" "E=\\x4"\n', {}),
        (S + 'Environment="A=\\UFFFFFFFF"\nEnvironment="B=\\U0000D800"\n', {}),
        (S + 'Environment="A=\\xff" "B=\\uD800" C=1\n', {"C": "1"}),
        (S + "Environment=A=x\\ y\n", {}),
        (S + 'Environment="A=\\ufffe" B=1\n', {"B": "1"}),
        (S + "# \ufffe \udcff\nEnvironment=B=1\n", {"B": "1"}),
        (S + "Environment=B=\ufdcf\U0010fffd\n", {"B": "\ufdcf\U0010fffd"}),
        (S + "Environment=A==x\n", {"A": "=x"}),
        (S + "N20=x\n=y\nEnvironment\n", {}),
    ],
)
def test_parse_environment(text, expected):
    assert parse_environment(text) == expected


def test_parse_environment_applies_onto_a_copy():
    base = {"A": "1", "B": "2"}
    assert parse_environment(S + "Environment=B=3 C=4\n", base) == {
        "A": "1",
        "B": "3",
        "C": "4",
    }
    assert base == {"A": "1", "B": "2"}
    assert parse_environment(S + "Environment=\n", base) == {}


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (S + "Environment=A=1\n", []),
        (
            S + 'Environment="A=%Q" B=ok\n',
            [
                "unit line 2: systemd ignores the assignment 'A=%Q': it "
                "holds an unknown % specifier"
            ],
        ),
        (
            S + "\nEnvironment=A=1 W\n",
            [
                "unit line 3: systemd ignores 'W': it is not a NAME=value "
                "assignment with a valid name"
            ],
        ),
        (
            S + 'Environment=A=1 "B=\\q" C=3\n',
            [
                'unit line 2: systemd ignores \'Environment=A=1 "B=\\q" '
                "C=3' from the word on where '\\q' is not a valid escape"
            ],
        ),
        (
            S + 'Environment=A=x\\\n y "B=open\n',
            [
                "unit line 2: systemd ignores 'y': it is not a NAME=value "
                "assignment with a valid name",
                "unit line 2: systemd ignores 'Environment=A=x  y \"B=open' "
                'from the word on where the quote " is never closed',
            ],
        ),
        (
            S + 'Environment="A=\\xff"\n',
            [
                "unit line 2: systemd ignores the assignment 'A=\\xff': "
                "it is not valid UTF-8"
            ],
        ),
    ],
)
def test_parse_environment_problems(text, problems):
    found: list[str] = []
    parse_environment(text, problems=found)
    assert found == problems


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            S + "Environment=A=1\n[Service\nEnvironment=B=2\n",
            "unit line 3: the section header '[Service' has no closing "
            "']', so systemd refuses to load the unit: close the bracket",
        ),
        (
            S + 'Environment="A=\ufffe" B=1\n',
            "unit line 2 holds U+FFFE, which systemd does not accept as "
            "UTF-8, so it refuses to load the unit: remove that character",
        ),
        (
            S + "Environment=A=\udcff\n",
            "unit line 2 holds U+DCFF, which systemd does not accept as "
            "UTF-8, so it refuses to load the unit: remove that character",
        ),
        (
            "[Unit\n",
            "unit line 1: the section header '[Unit' has no closing ']', "
            "so systemd refuses to load the unit: close the bracket",
        ),
    ],
)
def test_parse_environment_refuses(text, message):
    with pytest.raises(SystemdEnvironmentError) as caught:
        parse_environment(text)
    assert str(caught.value) == message


UNIT = (
    "[Unit]\nDescription=etcd\n\n[Service]\nType=notify\n"
    'Environment="ETCD_IMAGE_TAG=v3.0.10"\n'
    'Environment="ETCD_NAME=%m"\n'
    'Environment="RKT_RUN_ARGS=--uuid-file-save=/var/lib/coreos/x.uuid"\n'
    "ExecStart=/usr/lib/coreos/etcd-wrapper $ETCD_OPTS\n"
)


@pytest.mark.parametrize(
    ("dropins", "exclude", "expected"),
    [
        (
            {},
            None,
            {
                "ETCD_IMAGE_TAG": "v3.0.10",
                "ETCD_NAME": "%m",
                "RKT_RUN_ARGS": "--uuid-file-save=/var/lib/coreos/x.uuid",
            },
        ),
        (
            {
                "20-b.conf": S + "Environment=ETCD_IMAGE_TAG=v3.3.25\n",
                "10-a.conf": S + "Environment=ETCD_IMAGE_TAG=v3.2.0 X=1\n",
            },
            None,
            {
                "ETCD_IMAGE_TAG": "v3.3.25",
                "ETCD_NAME": "%m",
                "RKT_RUN_ARGS": "--uuid-file-save=/var/lib/coreos/x.uuid",
                "X": "1",
            },
        ),
        (
            [
                ("20-b.conf", S + "Environment=ETCD_IMAGE_TAG=v3.3.25\n"),
                ("10-a.conf", S + "Environment=ETCD_IMAGE_TAG=v3.2.0 X=1\n"),
            ],
            "20-b.conf",
            {
                "ETCD_IMAGE_TAG": "v3.2.0",
                "ETCD_NAME": "%m",
                "RKT_RUN_ARGS": "--uuid-file-save=/var/lib/coreos/x.uuid",
                "X": "1",
            },
        ),
        (
            # Byte order, as systemd sorts: "B" before "a".
            {
                "a.conf": S + "Environment=\n",
                "B.conf": S + "Environment=Y=1\n",
            },
            None,
            {},
        ),
    ],
)
def test_unit_environment(dropins, exclude, expected):
    assert unit_environment(UNIT, dropins, exclude=exclude) == expected


def test_unit_environment_names_the_file_in_problems():
    found: list[str] = []
    unit_environment(
        UNIT, {"10-x.conf": S + "Environment=W\n"}, problems=found
    )
    assert found == [
        "10-x.conf line 2: systemd ignores 'W': it is not a NAME=value "
        "assignment with a valid name"
    ]


def test_unit_environment_orders_paths_by_file_name():
    dropins = [
        ("/etc/x.service.d/20-b.conf", S + "Environment=A=etc\n"),
        ("/usr/x.service.d/10-a.conf", S + "Environment=A=usr B=1\n"),
        ("/usr/x.service.d/30-own.conf", S + "Environment=A=own\n"),
    ]
    assert unit_environment("", dropins, exclude="30-own.conf") == {
        "A": "etc",
        "B": "1",
    }


def test_unit_candidates():
    assert unit_candidates("etcd-member.service", ["/etc/s/", "/usr/s"]) == [
        "/etc/s/etcd-member.service",
        "/usr/s/etcd-member.service",
    ]
    assert unit_candidates("etcd-member.service")[4:] == [
        "/etc/systemd/system/etcd-member.service",
        "/etc/systemd/system.attached/etcd-member.service",
        "/run/systemd/system/etcd-member.service",
        "/run/systemd/system.attached/etcd-member.service",
        "/run/systemd/generator/etcd-member.service",
        "/usr/local/lib/systemd/system/etcd-member.service",
        "/usr/lib/systemd/system/etcd-member.service",
        "/run/systemd/generator.late/etcd-member.service",
    ]
    assert len(SYSTEM_UNIT_PATH) == 12


@pytest.mark.parametrize(
    ("unit", "search_path", "expected"),
    [
        (
            "etcd-member.service",
            ["/A", "/B"],
            [
                "/A/etcd-member.service.d",
                "/A/etcd-.service.d",
                "/B/etcd-member.service.d",
                "/B/etcd-.service.d",
                "/A/service.d",
                "/B/service.d",
            ],
        ),
        (
            "a-b-c.service",
            ["/A"],
            [
                "/A/a-b-c.service.d",
                "/A/a-b-.service.d",
                "/A/a-.service.d",
                "/A/service.d",
            ],
        ),
        ("etcd.service", ["/A/"], ["/A/etcd.service.d", "/A/service.d"]),
    ],
)
def test_dropin_directories(unit, search_path, expected):
    assert dropin_directories(unit, search_path) == expected


@pytest.mark.parametrize("unit", ["etcd-member", ".service"])
def test_dropin_directories_refuses(unit):
    with pytest.raises(SystemdEnvironmentError) as caught:
        dropin_directories(unit)
    assert str(caught.value) == (
        f"unit name {unit!r} has no type suffix: give a name such as "
        "'etcd-member.service'"
    )


def test_select_dropins():
    # The layout systemd 252 was seen to resolve this way: a name in an
    # earlier directory wins, prefix directories rank with their search
    # directory, the type directory comes last.
    listings = [
        ("/A/etcd-member.service.d", ["10.conf", "30.conf", "18.txt"]),
        ("/A/etcd-.service.d", ["10.conf", "15.conf"]),
        ("/B/etcd-member.service.d", ["10.conf", "15.conf", "17.conf"]),
        ("/B/etcd-.service.d", ["16.conf", "20.conf", ".hidden.conf"]),
        ("/A/service.d", ["10.conf", "16.conf", "17.conf"]),
        ("/B/service.d", ["05.conf"]),
    ]
    assert select_dropins(listings) == [
        ("05.conf", "/B/service.d"),
        ("10.conf", "/A/etcd-member.service.d"),
        ("15.conf", "/A/etcd-.service.d"),
        ("16.conf", "/B/etcd-.service.d"),
        ("17.conf", "/B/etcd-member.service.d"),
        ("20.conf", "/B/etcd-.service.d"),
        ("30.conf", "/A/etcd-member.service.d"),
    ]
    assert select_dropins([]) == []
