# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""containerlinux.etcd.host_file through real ansible-playbook on a target
where no Python module can run."""

from __future__ import annotations

import hashlib
import os
import pathlib

import pytest

from .conftest import NASTY, tree

FQCN = "containerlinux.etcd.host_file"
CONTENT = f"line one\n{NASTY}\n$(touch /tmp/pwned) `id`; rm -rf x\n"


def file_task(name: str, **args: object) -> dict[str, object]:
    return {"name": name, FQCN: args}


def test_the_rig_runs_no_python(play) -> None:
    run = play([{"name": "ping", "ansible.builtin.ping": {}}])
    assert run.statuses() == {"ping": "failed"}


def test_check_first_then_write_then_nothing(play, tmp_path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    dest = root / NASTY / f"{NASTY}.conf"
    task = file_task(
        "put", dest=str(dest), content=CONTENT, mode="0640", parents=True
    )

    run = play([task], check=True)
    assert run.statuses() == {"put": "changed"}, run.stdout
    assert tree(root) == {}
    result = run.task("put")["result"]
    assert result["diff"] == [
        {
            "before_header": str(dest),
            "after_header": str(dest),
            "before": "",
            "after": CONTENT,
        }
    ]

    run = play([task])
    assert run.statuses() == {"put": "changed"}, run.stdout
    assert tree(root) == {
        NASTY: ("0o755", None),
        f"{NASTY}/{NASTY}.conf": ("0o640", CONTENT.encode()),
    }
    result = run.task("put")["result"]
    assert result["checksum"] == hashlib.sha256(CONTENT.encode()).hexdigest()
    assert (result["mode"], result["uid"], result["size"]) == (
        "0640",
        os.getuid(),
        len(CONTENT.encode()),
    )

    run = play([task])
    assert run.statuses() == {"put": "ok"}, run.stdout
    assert "diff" not in run.task("put")["result"]

    changed = {**task[FQCN], "content": CONTENT + "more\n"}
    run = play([{"name": "put", FQCN: changed}], check=True)
    assert run.statuses() == {"put": "changed"}
    assert run.task("put")["result"]["diff"][0]["before"] == CONTENT
    assert run.task("put")["result"]["diff"][0]["after"] == CONTENT + "more\n"
    assert tree(root)[f"{NASTY}/{NASTY}.conf"] == ("0o640", CONTENT.encode())


def test_mode_and_owner_alone(play, tmp_path) -> None:
    dest = tmp_path / NASTY
    dest.write_text(CONTENT)
    dest.chmod(0o600)
    inode = dest.stat().st_ino
    task = file_task(
        "attrs",
        dest=str(dest),
        content=CONTENT,
        mode="0644",
        owner="root",
        group="0",
    )
    run = play([task])
    assert run.statuses() == {"attrs": "changed"}, run.stdout
    result = run.task("attrs")["result"]
    assert result["changes"] == ["mode"]
    assert (result["mode"], result["owner"], result["gid"]) == (
        "0644",
        "root",
        0,
    )
    assert result["diff"] == [
        {
            "before_header": f"{dest} (attributes)",
            "after_header": f"{dest} (attributes)",
            "before": "mode: 0600\n",
            "after": "mode: 0644\n",
        }
    ]
    assert (dest.stat().st_mode & 0o7777, dest.stat().st_ino) == (
        0o644,
        inode,
    )
    assert play([task]).statuses() == {"attrs": "ok"}


def test_only_the_named_files_change(play, tmp_path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    names = [NASTY, "a", "b", "a b", "$x", ";", "*", "x ü", "`id`", "-rf"]
    for n in names:
        (root / n).write_text(f"keep {n}\n")
    (root / "sub").mkdir()
    (root / "sub" / NASTY).write_text("sub\n")
    before = tree(root)
    run = play(
        [
            file_task("one", dest=str(root / NASTY), content="new\n"),
            file_task("two", dest=str(root / "sub" / "*"), content="star\n"),
            file_task("three", dest=str(root / "a b"), state="absent"),
            file_task("four", dest=str(root / "-rf"), content="dash\n"),
        ]
    )
    assert run.statuses() == {
        "one": "changed",
        "two": "changed",
        "three": "changed",
        "four": "changed",
    }, run.stdout
    expected = dict(before)
    expected[NASTY] = (before[NASTY][0], b"new\n")
    expected["sub/*"] = ("0o644", b"star\n")
    expected["-rf"] = (before["-rf"][0], b"dash\n")
    del expected["a b"]
    assert tree(root) == expected
    assert not pathlib.Path("/tmp/pwned").exists()


def test_validate_refusing_keeps_the_old_file(play, tmp_path) -> None:
    root = tmp_path / f"etc {NASTY}"
    root.mkdir()
    dest = root / "member.conf"
    dest.write_text("good\n")
    dest.chmod(0o644)
    before = tree(root)
    run = play(
        [
            file_task(
                "refused",
                dest=str(dest),
                content="bad\n",
                validate="grep -q good %s",
            )
        ]
    )
    assert run.statuses() == {"refused": "failed"}
    msg = run.task("refused")["result"]["msg"]
    assert msg.startswith(
        f"validate 'grep -q good %s' refused the new content of {str(dest)!r} "
        f"(rc 1); {str(dest)!r} was left as it was."
    )
    assert tree(root) == before

    run = play(
        [
            file_task(
                "accepted",
                dest=str(dest),
                content="good too\n",
                validate="grep -q good %s",
                backup=True,
            )
        ]
    )
    assert run.statuses() == {"accepted": "changed"}
    backup = run.task("accepted")["result"]["backup_file"]
    after = tree(root)
    assert after.pop("member.conf") == ("0o644", b"good too\n")
    assert after == {pathlib.Path(backup).name: ("0o644", b"good\n")}


def test_binary_and_large_content_arrive_byte_for_byte(play, tmp_path) -> None:
    src = tmp_path / "controller" / "blob.bin"
    src.parent.mkdir()
    data = os.urandom(4 * 1024 * 1024) + b"\0\xff\xfe" + NASTY.encode()
    src.write_bytes(data)
    small = tmp_path / "controller" / "small.bin"
    small.write_bytes(b"\xff\xfe not utf-8 \0")
    root = tmp_path / "root"
    root.mkdir()
    tasks = [
        file_task("large", src=str(src), dest=str(root / "blob"), mode="0600"),
        file_task("binary", src=str(small), dest=str(root / "small")),
    ]
    run = play(tasks)
    assert run.statuses() == {"large": "changed", "binary": "changed"}
    assert (root / "blob").read_bytes() == data
    assert (root / "small").read_bytes() == small.read_bytes()
    large_diff = run.task("large")["result"]["diff"][0]
    assert "src_larger" in large_diff and "after" not in large_diff
    assert "src_binary" in run.task("binary")["result"]["diff"][0]
    assert "diff skipped: source file size is greater than" in run.stdout

    small.write_bytes(b"\xff other")
    run = play(tasks, check=True)
    assert run.statuses() == {"large": "ok", "binary": "changed"}
    assert run.task("binary")["result"]["diff"][0].keys() == {
        "before_header",
        "after_header",
        "dst_binary",
        "src_binary",
    }


def test_no_log_content_never_shows(play, tmp_path) -> None:
    secret = "SECRET-KEY-7f3a9"
    dest = tmp_path / "member.key"
    dest.write_text(f"old {secret}-old\n")
    task = {
        **file_task("key", dest=str(dest), content=f"{secret}\n", mode="0600"),
        "no_log": True,
    }
    run = play([task], verbosity=4)
    assert run.statuses() == {"key": "changed"}
    assert dest.read_text() == f"{secret}\n"
    seen = run.stdout + run.stderr + repr(run.results)
    assert secret not in seen


def test_absent(play, tmp_path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / NASTY).write_text("x\n")
    (root / "link").symlink_to("/nonexistent")
    (root / "dir").mkdir()
    tasks = [
        file_task("file", dest=str(root / NASTY), state="absent"),
        file_task("link", dest=str(root / "link"), state="absent"),
    ]
    run = play(tasks, check=True)
    assert run.statuses() == {"file": "changed", "link": "changed"}
    assert run.task("file")["result"]["diff"]["before"] == "x\n"
    assert run.task("link")["result"]["diff"] == {
        "before_header": str(root / "link"),
        "after_header": f"{root / 'link'} (absent)",
        "before": "symbolic link to /nonexistent\n",
        "after": "",
    }
    assert set(tree(root)) == {NASTY, "link", "dir"}
    assert play(tasks).statuses() == {"file": "changed", "link": "changed"}
    assert set(tree(root)) == {"dir"}
    assert play(tasks).statuses() == {"file": "ok", "link": "ok"}
    run = play([file_task("dir", dest=str(root / "dir"), state="absent")])
    assert run.statuses() == {"dir": "failed"}
    assert run.task("dir")["result"]["msg"] == (
        f"dest {str(root / 'dir')!r} is a directory: host_file removes "
        "files and symbolic links only."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"dest": "relative/x", "content": "x"},
            "dest 'relative/x' is not an absolute path: give the full path "
            "of the file on the host, starting with '/'.",
        ),
        (
            {"dest": "/tmp/x", "content": "x", "mode": "u+rw"},
            "mode 'u+rw' is not an octal file mode: write it as a quoted "
            "string of three or four octal digits such as '0644'; symbolic "
            "modes are not supported.",
        ),
        (
            {"dest": "/tmp/x", "content": {"a": 1}},
            "content must be a string, not a dictionary: render structured "
            "data with a filter such as to_nice_json or to_nice_yaml.",
        ),
        (
            {"dest": "/tmp/x", "content": "x", "validate": "true"},
            "validate 'true' has no '%s': write '%s' where the command "
            "takes the path of the new file.",
        ),
        (
            {"dest": "/tmp/x", "content": "x", "owner": "no-such-user-q"},
            "owner 'no-such-user-q' does not exist on the host: create the "
            "user first or give a numeric id.",
        ),
    ],
)
def test_refusals(play, args: dict[str, object], message: str) -> None:
    run = play([file_task("bad", **args)])
    assert run.statuses() == {"bad": "failed"}
    assert run.task("bad")["result"]["msg"] == message


def test_missing_parent_directory(play, tmp_path) -> None:
    dest = tmp_path / "no" / "such" / "f"
    run = play([file_task("bad", dest=str(dest), content="x")])
    assert run.task("bad")["result"]["msg"] == (
        f"the directory {str(dest.parent)!r} of dest does not exist: create "
        "it first or set parents: true."
    )
    assert not (tmp_path / "no").exists()


def test_missing_command_is_named(play, tmp_path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for d in ("/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        for tool in pathlib.Path(d).iterdir():
            link = bin_dir / tool.name
            if tool.name != "sha256sum" and not link.exists():
                link.symlink_to(tool)
    dest = tmp_path / "f"
    run = play(
        [file_task("no sha", dest=str(dest), content="x")],
        env={"PATH": str(bin_dir)},
    )
    assert run.task("no sha")["result"]["msg"] == (
        "the host lacks the command 'sha256sum', which "
        "containerlinux.etcd.host_file needs: install it on the host or put "
        "it on the PATH of the remote shell."
    )
    assert not dest.exists()


def test_become(play, tmp_path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    dest = root / NASTY
    task = {
        **file_task("become", dest=str(dest), content=CONTENT, mode="0600"),
        "become": True,
        "become_method": "ansible.builtin.su",
        "become_user": "root",
    }
    env = {"ANSIBLE_BECOME_ALLOW_SAME_USER": "true"}
    run = play([task], env=env, verbosity=3)
    assert run.statuses() == {"become": "changed"}, run.stdout
    assert "su " in run.stdout
    assert tree(root) == {NASTY: ("0o600", CONTENT.encode())}
    assert play([task], env=env).statuses() == {"become": "ok"}
