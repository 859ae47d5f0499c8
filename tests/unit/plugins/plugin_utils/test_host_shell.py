# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Tables for the shell helpers of the host_* action plugins. The scripts
run under the real /bin/sh with the real coreutils of this machine."""

from __future__ import annotations

import base64
import hashlib
import os
import pathlib
import subprocess
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.containerlinux.etcd.plugins.plugin_utils import (
    _host_shell as hs,
)

NASTY = "a b$`;'\"\\\nx ü*?[!]{a,b}~#&|<>(){}"


def sh(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )


# --------------------------------------------------------------------------
# quoting


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0"))
)
def test_quote_round_trips_through_the_shell(word: str) -> None:
    out = subprocess.run(
        ["/bin/sh", "-c", f"printf '%s' {hs.q(word)}"],
        capture_output=True,
        check=True,
    ).stdout
    assert out == word.encode("utf-8", "surrogateescape")


@pytest.mark.parametrize(
    ("script", "rc", "stdout"),
    [
        ("echo a\necho b\n", 0, "a\nb\nafter\n"),
        ("echo a\nexit 3\n", 3, "a\n"),
        ("if true; then\n  echo x\nfi", 0, "x\nafter\n"),
    ],
)
def test_as_command_survives_an_appended_command(
    script: str, rc: int, stdout: str
) -> None:
    res = sh(hs.as_command(script) + " && echo after")
    assert (res.returncode, res.stdout) == (rc, stdout)


@pytest.mark.parametrize(
    ("commands", "rc", "stdout"),
    [
        (["sh", "cat"], 0, ""),
        (
            ["cat", "no-such-command-xyz"],
            127,
            "@missing no-such-command-xyz\n",
        ),
        (["no such; command"], 127, "@missing no such; command\n"),
    ],
)
def test_require_commands(commands: list[str], rc: int, stdout: str) -> None:
    res = sh(hs.require_commands(commands) + "\n")
    assert (res.returncode, res.stdout) == (rc, stdout)


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        (
            "@a 1\nnoise\n@b\n@a two words\n",
            {"a": ["1", "two words"], "b": [""]},
        ),
        ("BECOME-SUCCESS-x\n@sha256 ab  -\n", {"sha256": ["ab  -"]}),
        ("@ leading space\n@Upper x\n", {}),
    ],
)
def test_parse_records(stdout: str, expected: dict[str, list[str]]) -> None:
    assert hs.parse_records(stdout) == expected


def test_check_missing_names_the_command() -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.check_missing({"missing": ["sha256sum"]}, "host_file")
    assert str(e.value) == (
        "the host lacks the command 'sha256sum', which host_file needs: "
        "install it on the host or put it on the PATH of the remote shell."
    )
    hs.check_missing({"other": ["x"]}, "host_file")


# --------------------------------------------------------------------------
# options


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("0644", "0644"),
        ("644", "0644"),
        ("0o600", "0600"),
        ("1777", "1777"),
        (" 0755 ", "0755"),
        (0o644, "0644"),
        (420, "0644"),
        (0, "0000"),
    ],
)
def test_normalize_mode(value: object, expected: str | None) -> None:
    assert hs.normalize_mode(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "u=rw",
            "mode 'u=rw' is not an octal file mode: write it as a quoted "
            "string of three or four octal digits such as '0644'; symbolic "
            "modes are not supported.",
        ),
        (
            "0888",
            "mode '0888' is not an octal file mode: write it as a quoted "
            "string of three or four octal digits such as '0644'; symbolic "
            "modes are not supported.",
        ),
        (
            "64",
            "mode '64' is not an octal file mode: write it as a quoted "
            "string of three or four octal digits such as '0644'; symbolic "
            "modes are not supported.",
        ),
        (
            0o10000,
            "mode 4096 is out of range: write it as a quoted octal string "
            "such as '0644'.",
        ),
        (
            True,
            "mode True is not a file mode: write it as a quoted octal string "
            "such as '0644'.",
        ),
        (
            ["0644"],
            "mode ['0644'] is not an octal file mode: write it as a quoted "
            "string of three or four octal digits such as '0644'; symbolic "
            "modes are not supported.",
        ),
    ],
)
def test_normalize_mode_refuses(value: object, message: str) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.normalize_mode(value)
    assert str(e.value) == message


@pytest.mark.parametrize(
    ("dest", "expected"),
    [
        ("/etc/x.conf", ("/etc", "x.conf")),
        ("/x", ("/", "x")),
        (f"/tmp/{NASTY}/f", (f"/tmp/{NASTY}", "f")),
        ("/a/.hidden", ("/a", ".hidden")),
    ],
)
def test_check_dest(dest: str, expected: tuple[str, str]) -> None:
    assert hs.check_dest(dest) == expected


@pytest.mark.parametrize(
    ("dest", "message"),
    [
        (
            "etc/x",
            "dest 'etc/x' is not an absolute path: give the full path of "
            "the file on the host, starting with '/'.",
        ),
        (
            "~/x",
            "dest '~/x' is not an absolute path: give the full path of "
            "the file on the host, starting with '/'.",
        ),
        (
            "/etc/",
            "dest '/etc/' names a directory: give the path of the file "
            "itself.",
        ),
        (
            "/etc/..",
            "dest '/etc/..' names a directory: give the path of the file "
            "itself.",
        ),
        ("/a\0b", "dest '/a\\x00b' holds a NUL character."),
    ],
)
def test_check_dest_refuses(dest: str, message: str) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.check_dest(dest)
    assert str(e.value) == message


@pytest.mark.parametrize("value", [None, "root", "0", "etcd", "a b"])
def test_check_account(value: str | None) -> None:
    assert hs.check_account("owner", value) == value


@pytest.mark.parametrize("value", ["", "a:b", "a\nb", "-x"])
def test_check_account_refuses(value: str) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.check_account("owner", value)
    assert str(e.value) == (
        f"owner {value!r} is not a user or group name: give a name or a "
        "numeric id without ':', newlines or a leading '-'."
    )


@pytest.mark.parametrize(
    ("validate", "temp", "expected"),
    [
        ("test -s %s", "/d/.t", "test -s /d/.t"),
        ("check %s", "/d/a b", "check '/d/a b'"),
        ("check %s && echo 100%%", "/d/$x", "check '/d/$x' && echo 100%"),
        ("cmp %s %s", "/d/x", "cmp /d/x /d/x"),
    ],
)
def test_validate_command(validate: str, temp: str, expected: str) -> None:
    assert hs.validate_command(validate, temp) == expected


@pytest.mark.parametrize(
    ("validate", "message"),
    [
        (
            "systemd-analyze verify",
            "validate 'systemd-analyze verify' has no '%s': write '%s' where "
            "the command takes the path of the new file.",
        ),
        (
            "date +%Y %s",
            "validate 'date +%Y %s' holds a '%' that is not '%s': write a "
            "literal percent sign as '%%'.",
        ),
        (
            "check %s 100%",
            "validate 'check %s 100%' holds a '%' that is not '%s': write a "
            "literal percent sign as '%%'.",
        ),
    ],
)
def test_validate_command_refuses(validate: str, message: str) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.validate_command(validate, "/t")
    assert str(e.value) == message


def test_temp_name_is_hidden_and_keeps_the_suffix() -> None:
    assert hs.temp_name("/etc/a b.conf", "00ff") == (
        "/etc/.host_file.00ff.a b.conf"
    )


# --------------------------------------------------------------------------
# the file query, run for real


def query(path: pathlib.Path, **kw: object) -> hs.FileState:
    res = sh(hs.file_query_script(str(path), **kw))  # type: ignore[arg-type]
    assert res.returncode == 0, res.stderr
    return hs.parse_file_query(res.stdout)


def test_query_of_a_file_with_a_nasty_name(tmp_path: pathlib.Path) -> None:
    d = tmp_path / NASTY
    d.mkdir()
    f = d / NASTY
    f.write_bytes(b"hello\n")
    f.chmod(0o640)
    st_ = f.stat()
    state = query(f, content_limit=100)
    assert state == hs.FileState(
        kind="file",
        parent="directory",
        mode="0640",
        uid=st_.st_uid,
        gid=st_.st_gid,
        user="root",
        group="root",
        size=6,
        sha256=hashlib.sha256(b"hello\n").hexdigest(),
        content=b"hello\n",
    )


@pytest.mark.parametrize(
    ("limit", "content"),
    [(0, None), (5, None), (6, b"x\0\xff\nyz"), (100, b"x\0\xff\nyz")],
)
def test_query_prints_content_up_to_the_limit(
    tmp_path: pathlib.Path, limit: int, content: bytes | None
) -> None:
    f = tmp_path / "f"
    f.write_bytes(b"x\0\xff\nyz")
    assert query(f, content_limit=limit).content == content


def test_query_of_missing_link_and_directory(tmp_path: pathlib.Path) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "link").symlink_to(f"target {NASTY}")
    (tmp_path / "file").write_text("x")
    assert query(tmp_path / "none") == hs.FileState("absent", "directory")
    assert query(tmp_path / "no" / "f") == hs.FileState("absent", "absent")
    assert query(tmp_path / "file" / "f") == hs.FileState("absent", "other")
    assert query(tmp_path / "link") == hs.FileState(
        "link", "directory", link=f"target {NASTY}"
    )
    assert query(tmp_path / "dir").kind == "directory"


@pytest.mark.parametrize(
    ("owner", "group", "uid", "gid", "unknown"),
    [
        ("root", "root", 0, 0, (False, False)),
        ("0", "0", None, None, (False, False)),
        ("no-such-user-x", "no-such-group-x", None, None, (True, True)),
    ],
)
def test_query_resolves_names(
    tmp_path: pathlib.Path,
    owner: str,
    group: str,
    uid: int | None,
    gid: int | None,
    unknown: tuple[bool, bool],
) -> None:
    state = query(tmp_path / "f", owner=owner, group=group)
    assert (state.owner_uid, state.group_gid) == (uid, gid)
    assert (state.owner_unknown, state.group_unknown) == unknown


def test_query_reports_a_missing_command(tmp_path: pathlib.Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("stat", "base64", "readlink"):
        (bin_dir / tool).symlink_to(f"/usr/bin/{tool}")
    res = sh(hs.file_query_script(str(tmp_path / "f")), PATH=str(bin_dir))
    assert res.returncode == hs.MISSING_RC
    with pytest.raises(hs.HostShellError) as e:
        hs.parse_file_query(res.stdout)
    assert "lacks the command 'sha256sum'" in str(e.value)


@pytest.mark.parametrize(
    ("stdout", "message"),
    [
        (
            "@kind absent\n",
            "the host's answer about the file is incomplete (no parent "
            "record); it printed: '@kind absent\\n'",
        ),
        (
            "@parent directory\n",
            "the host's answer about the file is incomplete (no type "
            "record); it printed: '@parent directory\\n'",
        ),
        (
            "@parent directory\n@type regular file\n@uid x\n",
            "the host reported uid 'x', which is not a number.",
        ),
        (
            "@parent directory\n@kind absent\n@group_entry a:x\n",
            "getent printed the group entry 'a:x', which has no numeric gid "
            "in its third field.",
        ),
        (
            "@parent directory\n@kind link\n@link !!\n",
            "the host printed a value that is not base64 ('!!'): its base64 "
            "command does not behave like GNU coreutils.",
        ),
    ],
)
def test_parse_file_query_refuses(stdout: str, message: str) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.parse_file_query(stdout)
    assert str(e.value) == message


# --------------------------------------------------------------------------
# deciding


FILE = hs.FileState(
    kind="file",
    parent="directory",
    mode="0644",
    uid=0,
    gid=0,
    user="root",
    group="root",
    size=1,
    sha256="aa",
)


@pytest.mark.parametrize(
    ("state", "want", "expected"),
    [
        (FILE, {}, []),
        (FILE, {"mode": "0644", "owner": "0", "group": "0"}, []),
        (FILE, {"sha256": "bb"}, ["content"]),
        (FILE, {"mode": "0600"}, ["mode"]),
        (FILE, {"owner": "232", "group": "232"}, ["owner", "group"]),
        (
            hs.FileState(**{**FILE.__dict__, "owner_uid": 232}),
            {"owner": "etcd"},
            ["owner"],
        ),
        (
            hs.FileState(**{**FILE.__dict__, "owner_uid": 0}),
            {"owner": "root"},
            [],
        ),
        (hs.FileState("absent", "directory"), {}, ["create"]),
    ],
)
def test_file_changes(
    state: hs.FileState, want: dict[str, str], expected: list[str]
) -> None:
    args = {"sha256": "aa", "mode": None, "owner": None, "group": None}
    args.update(want)
    assert hs.file_changes(state, **args) == expected


@pytest.mark.parametrize(
    ("state", "owner", "group", "message"),
    [
        (
            hs.FileState("link", "directory", link="/x"),
            None,
            None,
            "dest is a symbolic link to '/x': host_file writes regular "
            "files only; point dest at the link's target or remove the link "
            "first.",
        ),
        (
            hs.FileState("directory", "directory"),
            None,
            None,
            "dest exists but is a directory, not a regular file: remove it "
            "first or choose another path.",
        ),
        (
            hs.FileState("absent", "directory", owner_unknown=True),
            "etcd",
            None,
            "owner 'etcd' does not exist on the host: create the user first "
            "or give a numeric id.",
        ),
        (
            hs.FileState("absent", "directory", group_unknown=True),
            None,
            "etcd",
            "group 'etcd' does not exist on the host: create the group "
            "first or give a numeric id.",
        ),
    ],
)
def test_file_changes_refuses(
    state: hs.FileState, owner: str, group: str, message: str
) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.file_changes(state, sha256="", mode=None, owner=owner, group=group)
    assert str(e.value) == message


@pytest.mark.parametrize(
    ("before", "after", "before_size", "expected"),
    [
        (
            b"a\n",
            b"b\n",
            2,
            {"before": "a\n", "after": "b\n"},
        ),
        (None, b"new", None, {"before": "", "after": "new"}),
        (None, b"x", 5000, {"dst_larger": 100, "after": "x"}),
        (b"\xff", b"x", 1, {"dst_binary": 1, "after": "x"}),
        (b"a", b"a\0", 1, {"before": "a", "src_binary": 1}),
        (b"a", b"x" * 101, 1, {"before": "a", "src_larger": 100}),
    ],
)
def test_content_diff(
    before: bytes | None,
    after: bytes,
    before_size: int | None,
    expected: dict[str, object],
) -> None:
    diff = hs.content_diff(
        "/d",
        before,
        after,
        before_size=before_size,
        after_size=len(after),
        limit=100,
    )
    assert diff == {"before_header": "/d", "after_header": "/d", **expected}


# --------------------------------------------------------------------------
# writing, run for real


def apply(tmp_path: pathlib.Path, dest: pathlib.Path, data: bytes, **kw):
    src = tmp_path / "source"
    src.write_bytes(data)
    temp = hs.temp_name(str(dest), "t0")
    script = hs.file_apply_script(
        dest=str(dest), src=str(src), temp=temp, **kw
    )
    return sh(script), pathlib.Path(temp)


def listing(root: pathlib.Path) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        out[rel] = path.read_bytes() if path.is_file() else None
    return out


ATTRS = {"mode": None, "owner": None, "group": None}


def test_apply_writes_nasty_names_and_bytes(tmp_path: pathlib.Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    dest = root / NASTY / f"{NASTY}.conf"
    data = bytes(range(256)) * 3 + NASTY.encode()
    res, temp = apply(
        tmp_path,
        dest,
        data,
        exists=False,
        parents=True,
        **{**ATTRS, "mode": "0600", "owner": "0", "group": "root"},
    )
    assert res.returncode == 0, res.stderr
    assert listing(root) == {NASTY: None, f"{NASTY}/{NASTY}.conf": data}
    assert oct(dest.stat().st_mode & 0o7777) == "0o600"
    records = hs.parse_records(res.stdout)
    assert records["mode"] == ["600"] and "done" in records
    assert not temp.exists()


@pytest.mark.parametrize(
    ("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)]
)
def test_apply_new_file_without_mode_follows_umask(
    tmp_path: pathlib.Path, umask: int, mode: int
) -> None:
    dest = tmp_path / "f"
    old = os.umask(umask)
    try:
        res = apply(tmp_path, dest, b"x", exists=False, **ATTRS)[0]
    finally:
        os.umask(old)
    assert res.returncode == 0, res.stderr
    assert dest.stat().st_mode & 0o7777 == mode


def test_apply_keeps_the_mode_of_an_existing_file(
    tmp_path: pathlib.Path,
) -> None:
    dest = tmp_path / "f"
    dest.write_bytes(b"old")
    dest.chmod(0o751)
    res = apply(tmp_path, dest, b"new", exists=True, **ATTRS)[0]
    assert res.returncode == 0, res.stderr
    assert (dest.read_bytes(), dest.stat().st_mode & 0o7777) == (
        b"new",
        0o751,
    )


@pytest.mark.parametrize(
    ("validate", "rc", "content"),
    [
        ("grep -q new %s", 0, b"new"),
        ("grep -q nothing-like-this %s", hs.VALIDATE_RC, b"old"),
        ('test "$(stat -c %%a %s)" = 640', 0, b"new"),
        ("test -f %s && exit 7", hs.VALIDATE_RC, b"old"),
    ],
)
def test_apply_validate(
    tmp_path: pathlib.Path, validate: str, rc: int, content: bytes
) -> None:
    root = tmp_path / f"d {NASTY}"
    root.mkdir()
    dest = root / "f.conf"
    dest.write_bytes(b"old")
    res, temp = apply(
        tmp_path,
        dest,
        b"new",
        exists=True,
        validate=validate,
        **{**ATTRS, "mode": "0640"},
    )
    assert res.returncode == rc, res.stderr
    assert listing(root) == {"f.conf": content}
    if rc:
        assert hs.parse_records(res.stdout)["validate_failed"] != []
    assert not temp.exists()


def test_apply_keeps_setuid_bits_across_chown(tmp_path: pathlib.Path):
    dest = tmp_path / "tool"
    res = apply(
        tmp_path,
        dest,
        b"#!/bin/sh\n",
        exists=False,
        mode="6755",
        owner="0",
        group="0",
    )[0]
    assert res.returncode == 0, res.stderr
    assert dest.stat().st_mode & 0o7777 == 0o6755


def test_attributes_keep_setuid_bits_across_chown(tmp_path: pathlib.Path):
    dest = tmp_path / "tool"
    dest.write_bytes(b"x")
    res = sh(
        hs.file_attributes_script(str(dest), mode="4750", owner="0", group="0")
    )
    assert res.returncode == 0, res.stderr
    assert dest.stat().st_mode & 0o7777 == 0o4750
    assert hs.parse_records(res.stdout)["mode"] == ["4750"]


def test_apply_backup(tmp_path: pathlib.Path) -> None:
    dest = tmp_path / "f"
    dest.write_bytes(b"old")
    backup = str(dest) + ".2026~"
    res = apply(tmp_path, dest, b"new", exists=True, backup=backup, **ATTRS)[0]
    assert res.returncode == 0, res.stderr
    assert listing(tmp_path) == {
        "f": b"new",
        "f.2026~": b"old",
        "source": b"new",
    }


def test_apply_refuses_a_missing_directory(tmp_path: pathlib.Path) -> None:
    res = apply(tmp_path, tmp_path / "no" / "f", b"x", exists=False, **ATTRS)[
        0
    ]
    assert res.returncode == 1
    assert listing(tmp_path) == {"source": b"x"}


def test_apply_never_clobbers_an_existing_temp(
    tmp_path: pathlib.Path,
) -> None:
    dest = tmp_path / "f"
    temp = pathlib.Path(hs.temp_name(str(dest), "t0"))
    temp.write_bytes(b"someone else's")
    res = apply(tmp_path, dest, b"x", exists=False, **ATTRS)[0]
    assert res.returncode == 1
    assert not dest.exists()


def test_attributes_and_remove(tmp_path: pathlib.Path) -> None:
    dest = tmp_path / NASTY
    dest.write_bytes(b"x")
    dest.chmod(0o600)
    script = hs.file_attributes_script(
        str(dest), mode="0644", owner="0", group="0"
    )
    res = sh(script)
    assert res.returncode == 0, res.stderr
    assert dest.stat().st_mode & 0o7777 == 0o644
    res = sh(hs.file_remove_script(str(dest)))
    assert res.returncode == 0, res.stderr
    assert listing(tmp_path) == {}
    (tmp_path / "dir").mkdir()
    res = sh(hs.file_remove_script(str(tmp_path / "dir")))
    assert (res.returncode, res.stdout) == (1, "@directory\n")
    assert listing(tmp_path) == {"dir": None}


# --------------------------------------------------------------------------
# directories

DIR = hs.FileState(
    kind="directory",
    parent="directory",
    mode="0755",
    uid=0,
    gid=0,
    user="root",
    group="root",
    size=4096,
)
STAT = (
    "stat --printf='@type %F\\n@mode %a\\n@uid %u\\n@gid %g\\n"
    '@user %U\\n@group %G\\n@size %s\\n\' -- "$p"\n'
    "printf '@done\\n'\n"
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/var/lib/etcd", "/var/lib/etcd"),
        ("/var/lib/etcd//", "/var/lib/etcd"),
        ("/", "/"),
        ("//", "/"),
        (f"/{NASTY}", f"/{NASTY}"),
    ],
)
def test_check_directory(path: str, expected: str) -> None:
    assert hs.check_directory(path) == expected


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "var/lib/etcd",
            "dest 'var/lib/etcd' is not an absolute path: give the full path "
            "of the directory on the host, starting with '/'.",
        ),
        (
            "/var/..",
            "dest '/var/..' ends in '.' or '..': give the directory's own "
            "path.",
        ),
        (
            "/var/./",
            "dest '/var/./' ends in '.' or '..': give the directory's",
        ),
        ("/a\0b", "dest '/a\\x00b' holds a NUL character."),
    ],
)
def test_check_directory_refuses(path: str, message: str) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.check_directory(path)
    assert str(e.value).startswith(message)


@pytest.mark.parametrize(
    "args",
    [
        {"dest": "/d"},
        {"dest": "/d", "content": None, "src": None, "backup": False},
        {"dest": "/d", "mode": "0700", "owner": "etcd", "parents": True},
    ],
)
def test_check_directory_args(args: dict[str, object]) -> None:
    assert hs.check_directory_args(args) is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("content", ""),
        ("content", "x"),
        ("src", "f.txt"),
        ("validate", "test -d %s"),
        ("backup", True),
    ],
)
def test_check_directory_args_refuses(key: str, value: object) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.check_directory_args({"dest": "/d", key: value})
    assert str(e.value) == (
        f"{key} is not allowed with state: directory, which makes a "
        f"directory and writes no file: remove {key}, or use state: present "
        "to write a file."
    )


@pytest.mark.parametrize(
    ("state", "want", "expected"),
    [
        (DIR, {}, []),
        (DIR, {"mode": "0755", "owner": "0", "group": "0"}, []),
        (DIR, {"mode": "0700"}, ["mode"]),
        (DIR, {"mode": "2755"}, ["mode"]),
        (DIR, {"owner": "232", "group": "232"}, ["owner", "group"]),
        (
            hs.FileState(**{**DIR.__dict__, "owner_uid": 232}),
            {"owner": "etcd", "mode": "0700"},
            ["mode", "owner"],
        ),
        (
            hs.FileState(**{**DIR.__dict__, "group_gid": 0}),
            {"group": "root"},
            [],
        ),
        (hs.FileState("absent", "directory"), {}, ["create"]),
        (hs.FileState("absent", "absent"), {"mode": "0700"}, ["create"]),
    ],
)
def test_directory_changes(
    state: hs.FileState, want: dict[str, str], expected: list[str]
) -> None:
    args: dict[str, str | None] = {"mode": None, "owner": None, "group": None}
    args.update(want)
    assert hs.directory_changes("/d", state, **args) == expected


@pytest.mark.parametrize(
    ("state", "owner", "message"),
    [
        (
            hs.FileState("link", "directory", link="/x"),
            None,
            "dest '/d' is a symbolic link to '/x', not a directory: "
            "host_file does not follow links; point dest at the link's "
            "target or remove the link first.",
        ),
        (
            FILE,
            None,
            "dest '/d' exists but is a regular file, not a directory: remove "
            "it first or choose another path.",
        ),
        (
            hs.FileState("other", "directory"),
            None,
            "dest '/d' exists but is a special file (a device, socket or "
            "FIFO), not a directory: remove it first or choose another path.",
        ),
        (
            hs.FileState("absent", "directory", owner_unknown=True),
            "etcd",
            "owner 'etcd' does not exist on the host: create the user first "
            "or give a numeric id.",
        ),
    ],
)
def test_directory_changes_refuses(
    state: hs.FileState, owner: str | None, message: str
) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.directory_changes("/d", state, mode=None, owner=owner, group=None)
    assert str(e.value) == message


@pytest.mark.parametrize(
    ("state", "parents", "message"),
    [
        (hs.FileState("absent", "directory"), False, None),
        (hs.FileState("absent", "absent"), True, None),
        (DIR, False, None),
        (
            hs.FileState("absent", "absent"),
            False,
            "the directory '/a b' of dest does not exist: create it first or "
            "set parents: true.",
        ),
        (
            hs.FileState("absent", "other"),
            True,
            "the parent '/a b' of dest exists but is not a directory: remove "
            "it or choose another dest.",
        ),
    ],
)
def test_check_parent(
    state: hs.FileState, parents: bool, message: str | None
) -> None:
    if message is None:
        assert hs.check_parent("/a b", state, parents) is None
        return
    with pytest.raises(hs.HostShellError) as e:
        hs.check_parent("/a b", state, parents)
    assert str(e.value) == message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            {"create": True, "parents": True, "mode": "0700", "owner": "etcd"},
            "set -u\n"
            'for c in stat mkdir chown chmod; do command -v "$c" '
            ">/dev/null 2>&1 || { printf '@missing %s\\n' \"$c\"; exit 127; "
            "}; done\n"
            "p='/var/lib/it'\"'\"'s $x'\n"
            "mkdir -p -- /var/lib || exit 1\n"
            "um=$(umask)\n"
            "umask 077\n"
            'mkdir -- "$p" || exit 1\n'
            'chown -- etcd "$p" || exit 1\n'
            'chmod 00700 -- "$p" || exit 1\n' + STAT,
        ),
        (
            {"create": True},
            "set -u\n"
            'for c in stat mkdir chmod; do command -v "$c" '
            ">/dev/null 2>&1 || { printf '@missing %s\\n' \"$c\"; exit 127; "
            "}; done\n"
            "p='/var/lib/it'\"'\"'s $x'\n"
            "um=$(umask)\n"
            "umask 077\n"
            'mkdir -- "$p" || exit 1\n'
            'chmod "$(printf \'%o\' $((0777 & ~um)))" -- "$p" || exit 1\n'
            + STAT,
        ),
        (
            {"create": False, "group": "a b", "mode": "2750"},
            "set -u\n"
            'for c in stat chown chmod; do command -v "$c" '
            ">/dev/null 2>&1 || { printf '@missing %s\\n' \"$c\"; exit 127; "
            "}; done\n"
            "p='/var/lib/it'\"'\"'s $x'\n"
            "chown -- ':a b' \"$p\" || exit 1\n"
            'chmod 02750 -- "$p" || exit 1\n' + STAT,
        ),
        (
            {"create": False},
            "set -u\n"
            'for c in stat; do command -v "$c" '
            ">/dev/null 2>&1 || { printf '@missing %s\\n' \"$c\"; exit 127; "
            "}; done\n"
            "p='/var/lib/it'\"'\"'s $x'\n" + STAT,
        ),
    ],
)
def test_directory_apply_script(args: dict[str, Any], expected: str) -> None:
    kw: dict[str, Any] = {
        "create": False,
        "mode": None,
        "owner": None,
        "group": None,
    }
    kw.update(args)
    assert hs.directory_apply_script("/var/lib/it's $x/", **kw) == expected


@pytest.mark.parametrize(
    ("state", "changes", "want", "expected"),
    [
        (
            hs.FileState("absent", "directory"),
            ["create"],
            {"mode": "0700", "uid": 232, "gid": None},
            {
                "before": {"path": "/d", "state": "absent"},
                "after": {
                    "path": "/d",
                    "state": "directory",
                    "mode": "0700",
                    "owner": 232,
                },
            },
        ),
        (
            hs.FileState("absent", "directory"),
            ["create"],
            {"mode": None, "uid": None, "gid": None},
            {
                "before": {"path": "/d", "state": "absent"},
                "after": {"path": "/d", "state": "directory"},
            },
        ),
        (
            DIR,
            ["mode", "group"],
            {"mode": "0700", "uid": 0, "gid": 232},
            {
                "before": {"path": "/d", "mode": "0755", "group": 0},
                "after": {"path": "/d", "mode": "0700", "group": 232},
            },
        ),
    ],
)
def test_directory_diff(
    state: hs.FileState,
    changes: list[str],
    want: dict[str, Any],
    expected: dict[str, object],
) -> None:
    assert hs.directory_diff("/d", state, changes, **want) == expected


def dir_query(path: pathlib.Path, **kw: str) -> hs.FileState:
    res = sh(hs.directory_query_script(str(path), **kw))
    assert res.returncode == 0, res.stderr
    return hs.parse_file_query(res.stdout)


def test_directory_query(tmp_path: pathlib.Path) -> None:
    d = tmp_path / NASTY
    d.mkdir()
    d.chmod(0o2750)
    (tmp_path / "f").write_text("x")
    (tmp_path / "l").symlink_to(d)
    state = dir_query(pathlib.Path(f"{d}//"), owner="root", group="root")
    assert (state.kind, state.parent, state.mode) == (
        "directory",
        "directory",
        "2750",
    )
    assert (state.uid, state.owner_uid, state.group_gid) == (0, 0, 0)
    assert dir_query(tmp_path / "f").kind == "file"
    assert dir_query(tmp_path / "l") == hs.FileState(
        "link", "directory", link=str(d)
    )
    assert dir_query(tmp_path / "no" / "d") == hs.FileState("absent", "absent")
    assert dir_query(pathlib.Path("/")).kind == "directory"


def test_directory_apply_creates_with_parents(tmp_path: pathlib.Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    path = root / NASTY / f"{NASTY} ü"
    old = os.umask(0o022)
    try:
        res = sh(
            hs.directory_apply_script(
                str(path),
                create=True,
                parents=True,
                mode="0700",
                owner="65534",
                group="65534",
            )
        )
    finally:
        os.umask(old)
    assert res.returncode == 0, res.stderr
    assert listing(root) == {NASTY: None, f"{NASTY}/{NASTY} ü": None}
    st_ = path.stat()
    assert (st_.st_mode & 0o7777, st_.st_uid, st_.st_gid) == (
        0o700,
        65534,
        65534,
    )
    assert (path.parent.stat().st_mode & 0o7777) == 0o755
    records = hs.parse_records(res.stdout)
    assert (records["mode"], records["uid"], "done" in records) == (
        ["700"],
        ["65534"],
        True,
    )


@pytest.mark.parametrize(
    ("umask", "mode"), [(0o022, 0o755), (0o027, 0o750), (0o077, 0o700)]
)
def test_directory_apply_without_mode_follows_umask(
    tmp_path: pathlib.Path, umask: int, mode: int
) -> None:
    path = tmp_path / "d"
    old = os.umask(umask)
    try:
        script = hs.directory_apply_script(
            str(path), create=True, mode=None, owner=None, group=None
        )
        res = sh(script)
    finally:
        os.umask(old)
    assert res.returncode == 0, res.stderr
    assert path.stat().st_mode & 0o7777 == mode


@pytest.mark.parametrize(
    ("before", "mode", "after"),
    [
        (0o2755, "0755", 0o755),
        (0o755, "2750", 0o2750),
        (0o1777, "0700", 0o700),
        (0o700, "0700", 0o700),
    ],
)
def test_directory_apply_sets_the_mode_and_set_id_bits(
    tmp_path: pathlib.Path, before: int, mode: str, after: int
) -> None:
    path = tmp_path / "d"
    path.mkdir()
    path.chmod(before)
    (path / "keep").write_text("x")
    res = sh(
        hs.directory_apply_script(
            str(path), create=False, mode=mode, owner=None, group="0"
        )
    )
    assert res.returncode == 0, res.stderr
    assert path.stat().st_mode & 0o7777 == after
    assert listing(path) == {"keep": b"x"}


def test_directory_apply_refuses_an_existing_path(
    tmp_path: pathlib.Path,
) -> None:
    path = tmp_path / "d"
    path.write_text("a file")
    res = sh(
        hs.directory_apply_script(
            str(path), create=True, mode="0700", owner=None, group=None
        )
    )
    assert res.returncode == 1
    assert path.read_text() == "a file"
    assert "done" not in hs.parse_records(res.stdout)


# --------------------------------------------------------------------------
# units


@pytest.mark.parametrize(
    "name",
    ["etcd-member.service", "etcd", "getty@tty1.service", "a\\x2db.mount"],
)
def test_check_unit_name(name: str) -> None:
    assert hs.check_unit_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "a b.service", "a;b", "$(x)", "a/b", "x" * 256]
)
def test_check_unit_name_refuses(name: str) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.check_unit_name(name)
    assert str(e.value) == (
        f"name {name!r} is not a systemd unit name: use letters, digits and "
        "':', '-', '_', '.', '@', '\\' only, for example "
        "'etcd-member.service'."
    )


def test_check_unit_name_refuses_a_leading_dash() -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.check_unit_name("-x")
    assert (
        str(e.value) == "name '-x' starts with '-': systemd unit names do not."
    )


@pytest.mark.parametrize(
    ("verb", "no_block", "expected"),
    [
        ("start", False, "systemctl start -- etcd-member.service"),
        ("start", True, "systemctl --no-block start -- etcd-member.service"),
        ("enable", True, "systemctl enable -- etcd-member.service"),
        ("stop", True, "systemctl --no-block stop -- etcd-member.service"),
    ],
)
def test_systemctl_command(verb: str, no_block: bool, expected: str) -> None:
    assert (
        hs.systemctl_command(verb, "etcd-member.service", no_block=no_block)
        == expected
    )


def test_journal_command() -> None:
    assert hs.journal_command("a\\x2db.service", 20) == (
        "journalctl --no-pager --output=short-iso --lines=20 "
        "--unit='a\\x2db.service'"
    )


SHOW = (
    "@prop Id=etcd-member.service\n@prop LoadState=loaded\n"
    "@prop ActiveState={active}\n@prop SubState={sub}\n@prop MainPID={pid}\n"
    "@prop UnitFileState={file}\n@prop Result=success\n"
    "@prop ExecMainStatus=0\n"
)


def show(active="active", sub="running", pid="812", file="enabled"):
    return hs.parse_unit_show(
        SHOW.format(active=active, sub=sub, pid=pid, file=file)
    )


def test_parse_unit_show() -> None:
    assert show() == {
        "Id": "etcd-member.service",
        "LoadState": "loaded",
        "ActiveState": "active",
        "SubState": "running",
        "MainPID": 812,
        "UnitFileState": "enabled",
        "Result": "success",
        "ExecMainStatus": 0,
    }


def test_parse_unit_show_refuses_a_partial_answer() -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.parse_unit_show("@prop Id=x\n")
    assert str(e.value) == (
        "systemctl show did not report LoadState and ActiveState; it "
        "printed: '@prop Id=x\\n'"
    )


@pytest.mark.parametrize(
    ("status", "state", "enabled", "plan"),
    [
        (show(), "started", True, []),
        (show(active="activating"), "started", None, []),
        (
            show(active="inactive", file="disabled"),
            "started",
            True,
            ["enable", "start"],
        ),
        (show(active="failed"), "started", None, ["start"]),
        (
            show(active="activating", sub="auto-restart"),
            "started",
            None,
            ["start"],
        ),
        (show(), "stopped", False, ["disable", "stop"]),
        (show(active="inactive"), "stopped", None, []),
        (show(active="failed"), "stopped", None, []),
        (show(), "restarted", None, ["restart"]),
        (show(), "reloaded", None, ["reload"]),
        (show(active="inactive"), "reloaded", None, ["start"]),
        (show(file="static"), None, True, []),
        (show(file="static"), None, False, []),
        (show(file="enabled-runtime"), None, False, ["disable"]),
        (show(file="disabled"), None, False, []),
    ],
)
def test_unit_plan(
    status: dict[str, object],
    state: str | None,
    enabled: bool | None,
    plan: list[str],
) -> None:
    assert hs.unit_plan(status, state=state, enabled=enabled) == plan


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            {"Id": "x.service", "LoadState": "not-found"},
            "unit x.service is not loaded (LoadState=not-found): install its "
            "unit file first, and set daemon_reload: true right after "
            "writing it.",
        ),
        (
            show(file="masked"),
            "unit etcd-member.service is masked, so it cannot be enabled: "
            "unmask it first (systemctl unmask).",
        ),
        (
            show(file="bad"),
            "unit etcd-member.service cannot be enabled (UnitFileState=bad): "
            "its unit file has no usable [Install] section or is not a file.",
        ),
    ],
)
def test_unit_plan_refuses(status: dict[str, object], message: str) -> None:
    with pytest.raises(hs.HostShellError) as e:
        hs.unit_plan(status, state="started", enabled=True)
    assert str(e.value) == message


@pytest.mark.parametrize(
    ("status", "state", "failed"),
    [
        (show(), "started", False),
        (show(active="failed", sub="failed"), "started", True),
        (show(active="activating", sub="auto-restart"), "restarted", True),
        (show(active="inactive", sub="dead"), "started", False),
        (show(active="failed", sub="failed"), "stopped", False),
    ],
)
def test_unit_failed(
    status: dict[str, object], state: str, failed: bool
) -> None:
    assert hs.unit_failed(status, state) is failed


# --------------------------------------------------------------------------
# facts

COREOS_RELEASE = """NAME="Container Linux by CoreOS"
ID=coreos
VERSION=1298.6.0
VERSION_ID=1298.6.0
BUILD_ID=2017-03-14-2119
PRETTY_NAME="Container Linux by CoreOS 1298.6.0 (Ladybug)"
ANSI_COLOR="38;5;75"
HOME_URL="https://coreos.com/"
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            COREOS_RELEASE,
            {
                "NAME": "Container Linux by CoreOS",
                "ID": "coreos",
                "VERSION": "1298.6.0",
                "VERSION_ID": "1298.6.0",
                "BUILD_ID": "2017-03-14-2119",
                "PRETTY_NAME": "Container Linux by CoreOS 1298.6.0 (Ladybug)",
                "ANSI_COLOR": "38;5;75",
                "HOME_URL": "https://coreos.com/",
            },
        ),
        (
            '# c\n\nID=\'flatcar\'\nX="a \\"b\\""\nbad line\n1A=x\nE=\n',
            {"ID": "flatcar", "X": 'a "b"', "E": ""},
        ),
        ('U="unbalanced\n', {"U": "unbalanced"}),
    ],
)
def test_parse_os_release(text: str, expected: dict[str, str]) -> None:
    assert hs.parse_os_release(text) == expected


UNIT = """[Unit]
Description=etcd (System Application Container)

[Service]
Type=notify
ExecStartPre=-/usr/bin/rkt rm --uuid-file=/var/lib/coreos/x.uuid
ExecStart=/usr/lib/coreos/etcd-wrapper $ETCD_OPTS
ExecStop=-/usr/bin/rkt stop --uuid-file=/var/lib/coreos/x.uuid
"""


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([UNIT], ["/usr/lib/coreos/etcd-wrapper $ETCD_OPTS"]),
        (
            [UNIT, "[Service]\nExecStart=\nExecStart=/opt/e \\\n  --x\n"],
            ["/opt/e  --x"],
        ),
        (
            [UNIT, "[Unit]\nExecStart=/not/this\n"],
            ["/usr/lib/coreos/etcd-wrapper $ETCD_OPTS"],
        ),
        (
            [UNIT, "[Service]\n# ExecStart=/comment\n"],
            ["/usr/lib/coreos/etcd-wrapper $ETCD_OPTS"],
        ),
        (["[Service]\nExecStart=\n"], []),
    ],
)
def test_unit_values(texts: list[str], expected: list[str]) -> None:
    assert hs.unit_values(texts, "Service", "ExecStart") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "/usr/lib/coreos/etcd-wrapper $ETCD_OPTS",
            "/usr/lib/coreos/etcd-wrapper",
        ),
        ("-/usr/bin/x", "/usr/bin/x"),
        ("@+/usr/bin/x argv0", "/usr/bin/x"),
        ('"/opt/a b" c', "/opt/a b"),
        ("", None),
    ],
)
def test_exec_path(value: str, expected: str | None) -> None:
    assert hs.exec_path(value) == expected


RKT_WRAPPER = """#!/usr/bin/bash -e
# Wrapper for launching etcd via rkt.
ETCD_IMAGE_URL="${ETCD_IMAGE_URL:-docker://quay.io/coreos/etcd}"
case "${ETCD_IMAGE%%/*}" in
docker:) RKT_RUN_ARGS="${RKT_RUN_ARGS} --insecure-options=image" ;;
esac
RKT="${RKT:-/usr/bin/rkt}"
exec ${RKT} ${RKT_GLOBAL_ARGS} run ${RKT_RUN_ARGS} --inherit-env
"""
DOCKER_WRAPPER = """#!/usr/bin/bash -e
# Wrapper for launching etcd via docker (it used rkt before).
DOCKER="${DOCKER:-/usr/bin/docker}"
exec ${DOCKER} run --name=etcd-member "$@"
"""


@pytest.mark.parametrize(
    ("text", "flavour"),
    [
        (RKT_WRAPPER, "rkt"),
        (DOCKER_WRAPPER, "docker"),
        (RKT_WRAPPER + DOCKER_WRAPPER, None),
        ("#!/bin/sh\nexec /usr/bin/etcd\n", None),
        ("", None),
    ],
)
def test_wrapper_flavour(text: str, flavour: str | None) -> None:
    assert hs.wrapper_flavour(text) == flavour


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_parse_facts() -> None:
    unit = "/usr/lib/systemd/system/etcd-member.service"
    drop = "/etc/systemd/system/etcd-member.service.d/40 x.conf"
    stdout = (
        f"@os_release {b64(COREOS_RELEASE)}\n@arch x86_64\n"
        "@uid 232\n@gid 232\n"
        "@prop LoadState=loaded\n"
        f"@prop FragmentPath={unit}\n@prop DropInPaths={drop}\n"
        f"@file {b64(unit)} {b64(UNIT)}\n"
        f"@file {b64(drop)} {b64('[Service]')}\n"
    )
    facts = hs.parse_facts(stdout)
    assert facts == {
        "os_release": hs.parse_os_release(COREOS_RELEASE),
        "architecture": "x86_64",
        "uid": 232,
        "gid": 232,
        "load_state": "loaded",
        "fragment_path": unit,
        "unit_text": UNIT,
        "dropins": [{"name": "40 x.conf", "path": drop, "text": "[Service]"}],
        "systemctl": "ok",
    }


@pytest.mark.parametrize(
    ("stdout", "systemctl"),
    [
        ("@arch aarch64\n@no_systemctl\n", "missing"),
        (f"@arch aarch64\n@systemctl_failed {b64('no bus')}\n", "no bus"),
    ],
)
def test_parse_facts_without_systemd(stdout: str, systemctl: str) -> None:
    facts = hs.parse_facts(stdout)
    assert facts["systemctl"] == systemctl
    assert facts["unit_text"] is None and facts["dropins"] == []
    assert facts["uid"] is None and facts["os_release"] == {}


def test_facts_script_runs_here(tmp_path: pathlib.Path) -> None:
    res = sh(hs.facts_script("etcd-member.service", "root"))
    assert res.returncode == 0, res.stderr
    facts = hs.parse_facts(res.stdout)
    assert facts["uid"] == 0 and facts["gid"] == 0
    assert facts["architecture"] == os.uname().machine
    assert facts["os_release"]["ID"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"#!/bin/sh\nrkt\n", b"#!/bin/sh\nrkt\n"), (None, None)],
)
def test_cat_script(
    tmp_path: pathlib.Path, content: bytes | None, expected: bytes | None
) -> None:
    path = tmp_path / NASTY
    if content is not None:
        path.write_bytes(content)
    res = sh(hs.cat_script(str(path)))
    records = hs.parse_records(res.stdout)
    got = hs.first(records, "file")
    assert (hs.b64decode(got) if got is not None else None) == expected
    assert ("absent" in records) is (content is None)


# --------------------------------------------------------------------------
# unit files for rkt_run_args, run for real


def test_unit_listing(tmp_path: pathlib.Path) -> None:
    etc = tmp_path / f"etc {NASTY}"
    usr = tmp_path / "usr"
    unit = usr / "x.service"
    (usr / "x.service.d").mkdir(parents=True)
    (etc / "x.service.d").mkdir(parents=True)
    unit.write_text("[Service]\n")
    (etc / "x.service").symlink_to(unit)
    (etc / "x.service.d" / f"{NASTY}.conf").write_text("a")
    (etc / "x.service.d" / ".hidden.conf").write_text("b")
    (etc / "x.service.d" / "masked.conf").symlink_to("/dev/null")
    (etc / "x.service.d" / "broken.conf").symlink_to("/nonexistent")
    (etc / "x.service.d" / "subdir").mkdir()
    dirs = [str(etc / "x.service.d"), str(usr / "x.service.d"), "/none.d"]
    script = hs.unit_listing_script(
        str(unit), [str(etc / "x.service"), str(unit)], dirs
    )
    res = sh(script)
    assert res.returncode == 0, res.stderr
    listing = hs.parse_unit_listing(res.stdout)
    assert listing["candidate"] == (str(etc / "x.service"), str(unit))
    assert (listing["unit_is_file"], listing["unit_real"]) == (True, str(unit))
    assert {k: sorted(v) for k, v in listing["listings"].items()} == {
        dirs[0]: sorted([f"{NASTY}.conf", ".hidden.conf", "masked.conf"])
    }


def test_unit_listing_of_a_missing_unit(tmp_path: pathlib.Path) -> None:
    unit = str(tmp_path / "none.service")
    res = sh(hs.unit_listing_script(unit, [unit], []))
    listing = hs.parse_unit_listing(res.stdout)
    assert listing == {
        "candidate": None,
        "unit_is_file": False,
        "unit_real": unit,
        "listings": {},
    }


def test_cat_files(tmp_path: pathlib.Path) -> None:
    a = tmp_path / NASTY
    a.write_bytes("ü".encode() + b"\xff\n")
    empty = tmp_path / "masked.conf"
    empty.symlink_to("/dev/null")
    res = sh(hs.cat_files_script([str(a), str(empty), str(tmp_path / "no")]))
    texts, unreadable = hs.parse_cat_files(res.stdout)
    assert texts == {str(a): "ü\udcff\n", str(empty): ""}
    assert unreadable == [str(tmp_path / "no")]
