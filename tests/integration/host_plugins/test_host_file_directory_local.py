# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""containerlinux.etcd.host_file with state: directory through real
ansible-playbook on a target where no Python module can run."""

from __future__ import annotations

import os
import pathlib

import pytest

from .conftest import NASTY, tree

FQCN = "containerlinux.etcd.host_file"
# An id that owns nothing else in the test's directories.
OTHER = 65534


def dir_task(name: str, **args: object) -> dict[str, object]:
    return {"name": name, FQCN: {"state": "directory", **args}}


def owner_of(path: pathlib.Path) -> tuple[int, int, int]:
    st = path.lstat()
    return st.st_mode & 0o7777, st.st_uid, st.st_gid


def test_check_then_create_then_nothing(play, tmp_path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    dest = root / NASTY / f"data {NASTY}"
    task = dir_task(
        "dir",
        dest=str(dest),
        mode="0700",
        owner=str(OTHER),
        group=str(OTHER),
        parents=True,
    )

    run = play([task], check=True)
    assert run.statuses() == {"dir": "changed"}, run.stdout
    assert tree(root) == {}
    result = run.task("dir")["result"]
    assert result["changes"] == ["create"]
    assert result["diff"] == {
        "before": {"path": str(dest), "state": "absent"},
        "after": {
            "path": str(dest),
            "state": "directory",
            "mode": "0700",
            "owner": OTHER,
            "group": OTHER,
        },
    }
    assert (result["mode"], result["uid"], result["gid"]) == (
        "0700",
        OTHER,
        OTHER,
    )

    run = play([task])
    assert run.statuses() == {"dir": "changed"}, run.stdout
    assert tree(root) == {
        NASTY: ("0o755", None),
        f"{NASTY}/data {NASTY}": (
            "0o700",
            None,
        ),
    }
    assert owner_of(dest) == (0o700, OTHER, OTHER)
    assert owner_of(dest.parent) == (0o755, 0, 0)
    result = run.task("dir")["result"]
    assert (result["state"], result["dest"], result["mode"]) == (
        "directory",
        str(dest),
        "0700",
    )
    assert (result["uid"], result["gid"]) == (OTHER, OTHER)

    run = play([task])
    assert run.statuses() == {"dir": "ok"}, run.stdout
    assert "diff" not in run.task("dir")["result"]
    assert "changes" not in run.task("dir")["result"]


def test_mode_and_owner_change_and_contents_stay(play, tmp_path) -> None:
    dest = tmp_path / f"tls {NASTY}"
    dest.mkdir()
    dest.chmod(0o2775)
    os.chown(dest, OTHER, OTHER)
    (dest / "member.crt").write_text("keep\n")
    inode = dest.stat().st_ino
    task = dir_task(
        "tls", dest=f"{dest}/", mode="0750", owner="root", group="root"
    )

    run = play([task], check=True)
    assert run.statuses() == {"tls": "changed"}
    assert owner_of(dest) == (0o2775, OTHER, OTHER)
    assert run.task("tls")["result"]["diff"] == {
        "before": {
            "path": str(dest),
            "mode": "2775",
            "owner": OTHER,
            "group": OTHER,
        },
        "after": {"path": str(dest), "mode": "0750", "owner": 0, "group": 0},
    }

    run = play([task])
    assert run.statuses() == {"tls": "changed"}, run.stdout
    result = run.task("tls")["result"]
    assert result["changes"] == ["mode", "owner", "group"]
    assert (result["mode"], result["owner"], result["group"]) == (
        "0750",
        "root",
        "root",
    )
    assert owner_of(dest) == (0o750, 0, 0)
    assert dest.stat().st_ino == inode
    assert tree(dest) == {"member.crt": ("0o644", b"keep\n")}
    assert play([task]).statuses() == {"tls": "ok"}

    # Without options an existing directory is left as it is.
    run = play([dir_task("bare", dest=str(dest))])
    assert run.statuses() == {"bare": "ok"}
    assert owner_of(dest) == (0o750, 0, 0)


def test_without_mode_follows_the_umask(play, tmp_path) -> None:
    dest = tmp_path / "plain"
    old = os.umask(0o027)
    try:
        run = play([dir_task("plain", dest=str(dest))])
    finally:
        os.umask(old)
    assert run.statuses() == {"plain": "changed"}, run.stdout
    assert owner_of(dest) == (0o750, os.getuid(), os.getgid())
    assert run.task("plain")["result"]["diff"] == {
        "before": {"path": str(dest), "state": "absent"},
        "after": {"path": str(dest), "state": "directory"},
    }


def test_refuses_what_is_not_a_directory(play, tmp_path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / NASTY).write_text("a file\n")
    (root / "dir").mkdir()
    (root / "link").symlink_to("dir")
    os.mkfifo(root / "fifo")
    before = tree(root)
    run = play(
        [
            {
                **dir_task(n, dest=str(root / n), mode="0700"),
                "ignore_errors": True,
            }
            for n in (NASTY, "link", "fifo")
        ]
    )
    assert run.statuses() == {
        NASTY: "failed",
        "link": "failed",
        "fifo": "failed",
    }
    assert run.task(NASTY)["result"]["msg"] == (
        f"dest {str(root / NASTY)!r} exists but is a regular file, not a "
        "directory: remove it first or choose another path."
    )
    assert run.task("link")["result"]["msg"] == (
        f"dest {str(root / 'link')!r} is a symbolic link to 'dir', not a "
        "directory: host_file does not follow links; point dest at the "
        "link's target or remove the link first."
    )
    assert run.task("fifo")["result"]["msg"] == (
        f"dest {str(root / 'fifo')!r} exists but is a special file (a "
        "device, socket or FIFO), not a directory: remove it first or "
        "choose another path."
    )
    assert tree(root) == before
    assert os.readlink(root / "link") == "dir"


def test_missing_parent_needs_parents(play, tmp_path) -> None:
    dest = tmp_path / "no" / "such" / "dir"
    run = play([dir_task("bad", dest=str(dest))])
    assert run.task("bad")["result"]["msg"] == (
        f"the directory {str(dest.parent)!r} of dest does not exist: create "
        "it first or set parents: true."
    )
    assert not (tmp_path / "no").exists()
    (tmp_path / "file").write_text("x")
    run = play(
        [dir_task("bad", dest=str(tmp_path / "file" / "d"), parents=True)]
    )
    assert run.task("bad")["result"]["msg"] == (
        f"the parent {str(tmp_path / 'file')!r} of dest exists but is not a "
        "directory: remove it or choose another dest."
    )
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"content": "x"},
            "content is not allowed with state: directory, which makes a "
            "directory and writes no file: remove content, or use state: "
            "present to write a file.",
        ),
        (
            {"src": "f.txt"},
            "src is not allowed with state: directory, which makes a "
            "directory and writes no file: remove src, or use state: "
            "present to write a file.",
        ),
        (
            {"validate": "test -d %s"},
            "validate is not allowed with state: directory, which makes a "
            "directory and writes no file: remove validate, or use state: "
            "present to write a file.",
        ),
        (
            {"backup": True},
            "backup is not allowed with state: directory, which makes a "
            "directory and writes no file: remove backup, or use state: "
            "present to write a file.",
        ),
        (
            {"mode": "u=rwx"},
            "mode 'u=rwx' is not an octal file mode: write it as a quoted "
            "string of three or four octal digits such as '0644'; symbolic "
            "modes are not supported.",
        ),
        (
            {"owner": "no-such-user-q"},
            "owner 'no-such-user-q' does not exist on the host: create the "
            "user first or give a numeric id.",
        ),
    ],
)
def test_refusals(play, tmp_path, args: dict[str, object], message: str):
    dest = tmp_path / "d"
    run = play([dir_task("bad", dest=str(dest), **args)])
    assert run.statuses() == {"bad": "failed"}
    assert run.task("bad")["result"]["msg"] == message
    assert not dest.exists()
