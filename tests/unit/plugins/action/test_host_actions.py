# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The host action plugins run in-process with real ansible-core objects
and the real local connection: option handling and check mode, without
the start-up time of ansible-playbook."""

from __future__ import annotations

import os
import pathlib
import warnings
from typing import Any

import pytest
from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import (
    action_loader,
    connection_loader,
    init_plugin_loader,
)
from ansible.template import Templar

REPO = pathlib.Path(__file__).resolve().parents[4]
NASTY = "a b$`;'\"\\\nx ü*?[!](){}~&|<>"


@pytest.fixture(scope="module", autouse=True)
def plugins() -> None:
    # Another test may have configured the collection finder already.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        init_plugin_loader([str(REPO / ".cache" / "collections")])


def run_action(
    name: str, args: dict[str, Any], *, check: bool = False, diff: bool = False
) -> dict[str, Any]:
    loader = DataLoader()
    task = Task.load(
        {
            f"containerlinux.etcd.{name}": args,
            "check_mode": check,
            "diff": diff,
        },
        loader=loader,
    )
    context = PlayContext()
    context.check_mode = check
    context.diff = diff
    connection = connection_loader.get("local", context, os.devnull)
    action = action_loader.get(
        f"containerlinux.etcd.{name}",
        task=task,
        connection=connection,
        play_context=context,
        loader=loader,
        templar=Templar(loader=loader),
        shared_loader_obj=None,
    )
    return action.run(task_vars={})


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        (
            "host_file",
            {"dest": "/tmp/x", "content": "x", "mode": "rw"},
            "mode 'rw' is not an octal file mode: write it as a quoted string "
            "of three or four octal digits such as '0644'; symbolic modes are "
            "not supported.",
        ),
        (
            "host_file",
            {"dest": "/tmp/x", "content": ["a"]},
            "content must be a string, not a list: render structured data "
            "with a filter such as to_nice_json or to_nice_yaml.",
        ),
        (
            "host_file",
            {"dest": "/tmp/x", "content": "x", "owner": "a:b"},
            "owner 'a:b' is not a user or group name: give a name or a "
            "numeric id without ':', newlines or a leading '-'.",
        ),
        (
            "host_file",
            {"dest": "/tmp/x", "src": "/nonexistent/file"},
            "src '/nonexistent/file' cannot be read on the controller: ",
        ),
        (
            "host_file",
            {"dest": "/tmp/x", "state": "directory", "content": "x"},
            "content is not allowed with state: directory, which makes a "
            "directory and writes no file: remove content, or use state: "
            "present to write a file.",
        ),
        (
            "host_file",
            {"dest": "tmp/x", "state": "directory"},
            "dest 'tmp/x' is not an absolute path: give the full path of the "
            "directory on the host, starting with '/'.",
        ),
        (
            "host_unit",
            {"name": "a b", "state": "started"},
            "name 'a b' is not a systemd unit name: use letters, digits and "
            "':', '-', '_', '.', '@', '\\' only, for example "
            "'etcd-member.service'.",
        ),
        (
            "host_unit",
            {"name": "x.service", "enabled": True, "log_lines": -1},
            "log_lines -1 is negative: give the number of journal lines to "
            "show on failure, 0 for none.",
        ),
        (
            "host_facts",
            {"user": "-x"},
            "user '-x' is not a user or group name: give a name or a numeric "
            "id without ':', newlines or a leading '-'.",
        ),
        (
            "rkt_run_args",
            {"unit": "etcd-member.service"},
            "'etcd-member.service' is not an absolute path: give unit and "
            "search_path as absolute paths on the host.",
        ),
    ],
)
def test_refusals(name: str, args: dict[str, Any], message: str) -> None:
    with pytest.raises(AnsibleActionFail) as e:
        run_action(name, args)
    assert str(e.value.message).startswith(message)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("host_file", {"dest": "/tmp/x"}),
        ("host_file", {"dest": "/tmp/x", "content": "a", "src": "b"}),
        ("host_file", {"dest": "/tmp/x", "content": "a", "bogus": 1}),
        ("host_unit", {"state": "started"}),
        ("host_unit", {"enabled": True}),
        ("host_unit", {}),
        ("host_unit", {"name": "x.service", "state": "running"}),
        ("rkt_run_args", {"unit": "/x.service", "base": ""}),
    ],
)
def test_argument_spec_refusals(name: str, args: dict[str, Any]) -> None:
    with pytest.raises(AnsibleActionFail):
        run_action(name, args)


def test_host_file_check_mode_and_write(tmp_path: pathlib.Path) -> None:
    dest = tmp_path / NASTY
    args = {"dest": str(dest), "content": f"{NASTY}\n", "mode": "0600"}
    result = run_action("host_file", args, check=True, diff=True)
    assert (result["changed"], result["changes"]) == (True, ["create"])
    assert result["diff"][0]["after"] == f"{NASTY}\n"
    assert list(tmp_path.iterdir()) == []
    result = run_action("host_file", args)
    assert result["changed"] is True
    assert dest.read_text() == f"{NASTY}\n"
    assert dest.stat().st_mode & 0o7777 == 0o600
    assert run_action("host_file", args)["changed"] is False


def test_host_file_diff_is_off_without_diff_mode(tmp_path: pathlib.Path):
    dest = tmp_path / "f"
    dest.write_text("old\n")
    result = run_action(
        "host_file", {"dest": str(dest), "content": "new\n"}, check=True
    )
    assert result["changed"] is True and "diff" not in result
    assert dest.read_text() == "old\n"


def test_host_file_directory_check_mode_and_create(
    tmp_path: pathlib.Path,
) -> None:
    dest = tmp_path / NASTY / "etcd"
    args = {
        "dest": f"{dest}/",
        "state": "directory",
        "mode": "0700",
        "parents": True,
    }
    result = run_action("host_file", args, check=True, diff=True)
    assert (result["changed"], result["changes"], result["dest"]) == (
        True,
        ["create"],
        str(dest),
    )
    assert result["diff"]["after"] == {
        "path": str(dest),
        "state": "directory",
        "mode": "0700",
    }
    assert list(tmp_path.iterdir()) == []
    result = run_action("host_file", args)
    assert (result["changed"], result["mode"]) == (True, "0700")
    assert dest.stat().st_mode & 0o7777 == 0o700
    assert run_action("host_file", args)["changed"] is False


def test_host_facts_here() -> None:
    result = run_action("host_facts", {"user": "root"})
    facts = result["ansible_facts"]["containerlinux_etcd_host"]
    assert result["changed"] is False
    assert facts["user"] == {"name": "root", "uid": 0, "gid": 0}
    assert facts["architecture"] == os.uname().machine
    assert facts["os_release"]["ID"]


def test_rkt_run_args_from_a_base_touches_no_host() -> None:
    base = "--uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid"
    result = run_action("rkt_run_args", {"base": base, "extra_args": []})
    assert result == {
        "changed": False,
        "args": [base],
        "value": base,
        "base": base,
        "sources": [],
    }


def test_host_unit_check_mode_runs_no_daemon_reload() -> None:
    # This machine has no systemd as PID 1: a reload would fail.
    result = run_action("host_unit", {"daemon_reload": True}, check=True)
    assert result == {"changed": False, "daemon_reloaded": False}


def test_host_unit_reports_a_failing_daemon_reload() -> None:
    with pytest.raises(AnsibleActionFail) as e:
        run_action("host_unit", {"daemon_reload": True})
    assert str(e.value.message).startswith(
        "systemctl daemon-reload failed on the host (rc 1): "
    )
