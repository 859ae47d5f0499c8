# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Round trip through the real systemd of this machine: random values are
quoted with quote_assignment, written into a unit and a drop-in, and read
back by systemd (``systemd --test`` dumps the parsed environment, and
``systemd-analyze verify`` must have nothing to say).  Every value must
come back unchanged, and parse_environment must read the same text the
same way systemd does."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from ansible_collections.containerlinux.etcd.plugins.module_utils._rkt import (
    compose,
)
from ansible_collections.containerlinux.etcd.plugins.module_utils._systemd import (  # noqa: E501
    SystemdEnvironmentError,
    quote_assignment,
    unit_environment,
)

SYSTEMD = pathlib.Path("/lib/systemd/systemd")
UNIT = "etcd-member.service"
DROPIN = "40-etcd-member.conf"
NOBODY = 65534


def _need(path: str | None, what: str) -> str:
    if not path or not os.access(path, os.X_OK):
        pytest.fail(
            f"{what} is missing: install systemd (apt-get install systemd)"
        )
    return path


@pytest.fixture(scope="module")
def unit_dir():
    """A directory every user can read, since systemd runs as nobody."""
    _need(str(SYSTEMD), str(SYSTEMD))
    _need(shutil.which("systemd-analyze"), "systemd-analyze")
    path = pathlib.Path(tempfile.mkdtemp(prefix="systemd-roundtrip-"))
    try:
        path.chmod(0o755)
        (path / f"{UNIT}.d").mkdir(mode=0o755)
        yield path
    finally:
        shutil.rmtree(path)


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = _need(shutil.which("setpriv"), "setpriv")
    return [
        setpriv,
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        "--clear-groups",
    ]


def _run(command: list[str], unit_dir: pathlib.Path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SYSTEMD_LOG_TARGET": "console",
        "SYSTEMD_UNIT_PATH": f"{unit_dir}:",
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        _as_nobody() + command, capture_output=True, env=env, check=False
    )


def _write(unit_dir: pathlib.Path, unit_text: str, dropin_text: str):
    for path, text in (
        (unit_dir / UNIT, unit_text),
        (unit_dir / f"{UNIT}.d" / DROPIN, dropin_text),
    ):
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)


def systemd_environment(unit_dir: pathlib.Path) -> dict[str, str]:
    """The environment systemd parses for the unit in ``unit_dir``."""
    run = _run(
        [str(SYSTEMD), "--test", "--system", f"--unit={UNIT}"], unit_dir
    )
    found: dict[str, str] = {}
    inside = False
    for line in run.stdout.decode("utf-8").split("\n"):
        if line.startswith("\t-> Unit "):
            inside = line == f"\t-> Unit {UNIT}:"
        elif inside and line.startswith("\t\tEnvironment: "):
            name, value = line[len("\t\tEnvironment: ") :].split("=", 1)
            found[name] = value
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    return found


def systemd_verify(unit_dir: pathlib.Path) -> str:
    """What systemd-analyze verify says about the unit: empty if fine."""
    run = _run(
        [
            shutil.which("systemd-analyze") or "",
            "verify",
            str(unit_dir / UNIT),
        ],
        unit_dir,
    )
    return run.stderr.decode("utf-8", "replace") + (
        f"(exit status {run.returncode})" if run.returncode else ""
    )


def _lines(assignments: list[tuple[str, str]], pair: bool) -> str:
    quoted = [quote_assignment(name, value) for name, value in assignments]
    if pair:
        # Two assignments on one line, as systemd also allows.
        grouped = [
            " ".join(quoted[i : i + 2]) for i in range(0, len(quoted), 2)
        ]
    else:
        grouped = quoted
    return "".join(f"Environment={item}\n" for item in grouped)


def render(unit_env, dropin_env, pair) -> tuple[str, str]:
    executable = shutil.which("true") or "/bin/true"
    unit = (
        "[Unit]\nDescription=etcd (System Application Container)\n\n"
        "[Service]\nType=notify\nTimeoutStartSec=0\n"
        + _lines(unit_env, pair)
        + f"ExecStart={executable} $ETCD_OPTS\n"
        "\n[Install]\nWantedBy=multi-user.target\n"
    )
    dropin = "[Service]\n" + _lines(dropin_env, not pair)
    return unit, dropin


def _clean(char: str) -> bool:
    """Not a Unicode noncharacter: quote_assignment refuses those."""
    code = ord(char)
    return not (0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE)


# Characters that matter to systemd, bash or rkt, plus any printable text.
TRICKY = [
    "%",
    "%%",
    "%m",
    "%n",
    '"',
    "'",
    "\\",
    "\\\\",
    "\\n",
    "\\x41",
    "$",
    "${X}",
    "$X",
    " ",
    "  ",
    "\t",
    "#",
    ";",
    "=",
    "[Service]",
    "\u00e9",
    "\u65e5\u672c",
    "\U0001f600",
    "\u00a0",
    "\u2028",
]
values = st.lists(
    st.one_of(
        st.sampled_from(TRICKY),
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc")).filter(_clean),
            max_size=6,
        ),
    ),
    max_size=8,
).map("".join)
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
batches = st.lists(st.tuples(names, values), min_size=1, max_size=10)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    # Shrinking would run systemd hundreds of times; the failing example
    # is printed as found.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@example(
    unit_values=[
        ("ETCD_NAME", "%m"),
        ("A", '\\"\\'),
        ("B", "a\\\\"),
        ("T", "\ta\tb\t"),
        ("S", " [Service] \u2028 \u00e9 "),
    ],
    dropin_values=[("C", "x \\ "), ("D", "${X} $Y '%%'"), ("E", "")],
    override=True,
    pair=True,
    ends_with_backslash="\\\\",
)
@given(
    unit_values=batches,
    dropin_values=batches,
    override=st.booleans(),
    pair=st.booleans(),
    ends_with_backslash=values.map(lambda v: v + "\\"),
)
def test_values_come_back_unchanged(
    unit_dir, unit_values, dropin_values, override, pair, ends_with_backslash
):
    # Distinct names per file; the drop-in overrides some unit names.
    unit_env = [(f"U{i}_{n}", v) for i, (n, v) in enumerate(unit_values)]
    unit_env.append(("TRAILING_BACKSLASH", ends_with_backslash))
    dropin_env = [(f"D{i}_{n}", v) for i, (n, v) in enumerate(dropin_values)]
    if override:
        dropin_env.append((unit_env[0][0], dropin_values[0][1]))
    expected = dict(unit_env)
    expected.update(dropin_env)

    unit_text, dropin_text = render(unit_env, dropin_env, pair)
    _write(unit_dir, unit_text, dropin_text)

    assert systemd_environment(unit_dir) == expected
    assert systemd_verify(unit_dir) == ""
    assert unit_environment(unit_text, {DROPIN: dropin_text}) == expected


@pytest.mark.parametrize(
    "volumes",
    [
        [{"name": "tls", "source": "/etc/etcd-member/tls", "target": "/tls"}],
        [
            {"name": "a", "source": "/a+b%c&d;e", "target": "/srv/a"},
            {"name": "e", "kind": "empty", "target": "/e", "mode": "0700"},
        ],
    ],
)
def test_rkt_run_args_value_comes_back_unchanged(unit_dir, volumes):
    base = "--uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid"
    value = compose(base, volumes, ["--dns=host"])["value"]
    unit_text, dropin_text = render(
        [("RKT_RUN_ARGS", base)], [("RKT_RUN_ARGS", value)], False
    )
    _write(unit_dir, unit_text, dropin_text)
    assert systemd_environment(unit_dir) == {"RKT_RUN_ARGS": value}
    assert systemd_verify(unit_dir) == ""
    assert unit_environment(unit_text, {}) == {"RKT_RUN_ARGS": base}


@settings(max_examples=100, deadline=None, database=None)
@given(
    before=values,
    after=values,
    breaker=st.sampled_from(["\n", "\r", "\r\n", "\0", "\x0b", "\x1b"]),
)
def test_line_breaks_never_reach_a_unit(before, after, breaker):
    with pytest.raises(SystemdEnvironmentError):
        quote_assignment("ETCD_NAME", before + breaker + after)


def test_why_a_newline_is_refused(unit_dir):
    # Written without care, a newline in a value becomes a directive.
    value = "m1\nExecStartPre=/bin/false"
    executable = shutil.which("true") or "/bin/true"
    _write(
        unit_dir,
        "[Service]\nType=notify\n"
        f"Environment=ETCD_NAME={value}\n"
        f"ExecStart={executable}\n",
        "[Service]\n",
    )
    run = _run(
        [str(SYSTEMD), "--test", "--system", f"--unit={UNIT}"], unit_dir
    )
    assert "\t\t-> ExecStartPre:\n\t\t\tCommand Line: /bin/false\n" in (
        run.stdout.decode("utf-8")
    )
    with pytest.raises(SystemdEnvironmentError) as caught:
        quote_assignment("ETCD_NAME", value)
    assert str(caught.value) == (
        "the value of environment variable 'ETCD_NAME' contains a newline, "
        "which a systemd unit cannot carry: remove it from the value"
    )


@pytest.mark.parametrize("char", ["\ufdd0", "\ufffe", "\U0010ffff"])
def test_why_a_noncharacter_is_refused(unit_dir, char):
    # systemd refuses a line with a Unicode noncharacter as not UTF-8,
    # and with it the whole unit.
    executable = shutil.which("true") or "/bin/true"
    _write(
        unit_dir,
        "[Service]\nType=notify\n"
        f'Environment="ETCD_NAME=a{char}b" "ETCD_OTHER=1"\n'
        f"ExecStart={executable}\n",
        "[Service]\n",
    )
    assert "is not UTF-8 clean" in systemd_verify(unit_dir)
    with pytest.raises(SystemdEnvironmentError) as caught:
        quote_assignment("ETCD_NAME", f"a{char}b")
    assert str(caught.value) == (
        "the value of environment variable 'ETCD_NAME' contains "
        f"U+{ord(char):04X}, a Unicode noncharacter, which systemd does not "
        "accept as UTF-8 (it refuses to load the whole unit): remove that "
        "character"
    )
