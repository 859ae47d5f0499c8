# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The host plugins on a lab machine: systemd as PID 1, no Python on the
path, reached through community.docker.nsenter."""

from __future__ import annotations

import hashlib
import os
import secrets
from typing import Any

import pytest

from .conftest import NASTY, OLDEST_BIN, run_playbook, tree

pytestmark = pytest.mark.lab

FILE = "containerlinux.etcd.host_file"
UNIT = "containerlinux.etcd.host_unit"
FACTS = "containerlinux.etcd.host_facts"


@pytest.fixture
def lab_play(tmp_path, collections_path, lab):
    work = tmp_path / "ansible"

    def run(tasks: list[dict[str, Any]], **kw: Any):
        play = {"hosts": lab.host, **kw.pop("play", {})}
        return run_playbook(
            work, collections_path, lab.inventory, tasks, play=play, **kw
        )

    return run


@pytest.fixture
def workdir(lab):
    """A fresh directory on the machine, removed afterwards."""
    path = f"/var/tmp/hostplugins-{secrets.token_hex(4)}"
    res = lab.sh(f"mkdir -p {path}")
    assert res.returncode == 0, res.stderr
    yield path
    lab.sh(f"rm -rf {path}")


def test_facts(lab_play, lab) -> None:
    run = lab_play([{"name": "facts", FACTS: {}}])
    assert run.statuses() == {"facts": "ok"}, run.stdout
    facts = run.task("facts")["result"]["ansible_facts"][
        "containerlinux_etcd_host"
    ]
    flavour = {"coreos": "rkt", "flatcar": "docker"}[lab.flavour]
    wrapper = {
        "coreos": "/usr/lib/coreos/etcd-wrapper",
        "flatcar": "/usr/lib/flatcar/etcd-wrapper",
    }[lab.flavour]
    assert facts["flavour"] == flavour
    assert facts["os_release"]["ID"] == lab.flavour
    assert facts["user"] == {"name": "etcd", "uid": 232, "gid": 232}
    assert facts["architecture"] == os.uname().machine
    unit = facts["unit"]
    assert (unit["installed"], unit["wrapper"], unit["wrapper_found"]) == (
        True,
        wrapper,
        True,
    )
    shipped = lab.path(unit["path"]).read_text()
    assert unit["text"] == shipped
    assert unit["exec_start"] == f"{wrapper} $ETCD_OPTS"
    env = unit["environment"]
    assert (env["ETCD_USER"], env["ETCD_DATA_DIR"], env["ETCD_NAME"]) == (
        "etcd",
        "/var/lib/etcd",
        "%m",
    )
    assert unit["environment_problems"] == []


def test_files(lab_play, lab, workdir) -> None:
    root = f"{workdir}/{NASTY}"
    dest = f"{root}/{NASTY}.conf"
    content = f"{NASTY}\n$(touch {workdir}/pwned)\n"
    tasks = [
        {
            "name": "text",
            FILE: {
                "dest": dest,
                "content": content,
                "mode": "0640",
                "owner": "etcd",
                "group": "etcd",
                "parents": True,
            },
        },
    ]
    run = lab_play(tasks, check=True)
    assert run.statuses() == {"text": "changed"}, run.stdout
    assert tree(lab.path(workdir)) == {}
    assert run.task("text")["result"]["diff"][0]["after"] == content

    run = lab_play(tasks)
    assert run.statuses() == {"text": "changed"}, run.stdout
    got = lab.path(dest)
    assert got.read_bytes() == content.encode()
    st = got.stat()
    assert (st.st_mode & 0o7777, st.st_uid, st.st_gid) == (0o640, 232, 232)
    assert run.task("text")["result"]["uid"] == 232

    assert lab_play(tasks).statuses() == {"text": "ok"}
    assert not lab.path(f"{workdir}/pwned").exists()


def test_directories(lab_play, lab, workdir) -> None:
    data = f"{workdir}/{NASTY}/lib/etcd"
    tls = f"{workdir}/{NASTY}/tls"
    tasks = [
        {
            "name": "data",
            FILE: {
                "dest": data,
                "state": "directory",
                "mode": "0700",
                "owner": "etcd",
                "group": "232",
                "parents": True,
            },
        },
        {
            "name": "tls",
            FILE: {
                "dest": tls,
                "state": "directory",
                "mode": "0750",
                "owner": "root",
                "group": "etcd",
                "parents": True,
            },
        },
    ]
    run = lab_play(tasks, check=True)
    assert run.statuses() == {"data": "changed", "tls": "changed"}, run.stdout
    assert tree(lab.path(workdir)) == {}
    assert run.task("data")["result"]["diff"]["after"] == {
        "path": data,
        "state": "directory",
        "mode": "0700",
        "owner": 232,
        "group": 232,
    }

    run = lab_play(tasks)
    assert run.statuses() == {"data": "changed", "tls": "changed"}, run.stdout
    for path, mode, uid in ((data, 0o700, 232), (tls, 0o750, 0)):
        st = lab.path(path).stat()
        assert (st.st_mode & 0o7777, st.st_uid, st.st_gid) == (mode, uid, 232)
    result = run.task("data")["result"]
    assert (result["owner"], result["group"], result["mode"]) == (
        "etcd",
        "etcd",
        "0700",
    )
    assert tree(lab.path(workdir)) == {
        NASTY: ("0o755", None),
        f"{NASTY}/lib": ("0o755", None),
        f"{NASTY}/lib/etcd": ("0o700", None),
        f"{NASTY}/tls": ("0o750", None),
    }
    assert lab_play(tasks).statuses() == {"data": "ok", "tls": "ok"}


def test_binary_validate_and_become(lab_play, lab, workdir, tmp_path) -> None:
    blob = os.urandom(3 * 1024 * 1024) + b"\0\xff" + NASTY.encode()
    src = tmp_path / "blob.bin"
    src.write_bytes(blob)
    dest = f"{workdir}/{NASTY}.bin"
    conf = f"{workdir}/member.conf"
    lab.path(conf).write_text("good\n")
    become = {
        "become": True,
        "become_method": "ansible.builtin.su",
        "become_user": "root",
    }
    env = {"ANSIBLE_BECOME_ALLOW_SAME_USER": "true"}
    tasks = [
        {"name": "blob", FILE: {"src": str(src), "dest": dest}, **become},
        {
            "name": "refused",
            FILE: {
                "dest": conf,
                "content": "bad\n",
                "validate": "grep -q good %s",
            },
            "ignore_errors": True,
            **become,
        },
    ]
    run = lab_play(tasks, env=env, verbosity=3)
    assert run.statuses() == {"blob": "changed", "refused": "failed"}
    assert "su " in run.stdout
    assert lab.path(dest).read_bytes() == blob
    assert (
        hashlib.sha256(blob).hexdigest()
        == (run.task("blob")["result"]["checksum"])
    )
    assert "refused the new content" in run.task("refused")["result"]["msg"]
    assert tree(lab.path(workdir)) == {
        f"{NASTY}.bin": ("0o644", blob),
        "member.conf": ("0o644", b"good\n"),
    }
    run = lab_play(tasks[:1], env=env)
    assert run.statuses() == {"blob": "ok"}


def unit_text(exec_start: str, kind: str = "simple") -> str:
    return (
        "[Unit]\nDescription=host_unit probe\n\n"
        f"[Service]\nType={kind}\nExecStart={exec_start}\n\n"
        "[Install]\nWantedBy=multi-user.target\n"
    )


@pytest.fixture
def probe(lab):
    """Names of probe units, stopped, disabled and removed afterwards."""
    names: list[str] = []

    def new() -> str:
        name = f"hostplugins-probe-{secrets.token_hex(4)}.service"
        names.append(name)
        return name

    yield new
    for name in names:
        lab.sh(
            f"systemctl disable --now {name}; "
            f"rm -f /etc/systemd/system/{name}; systemctl reset-failed {name}"
        )
    lab.sh("systemctl daemon-reload")


def is_active(lab, name: str) -> str:
    return lab.sh(f"systemctl is-active {name}").stdout.strip()


def test_unit_lifecycle(lab_play, lab, probe) -> None:
    name = probe()
    install = {
        "name": "install",
        FILE: {
            "dest": f"/etc/systemd/system/{name}",
            "content": unit_text("/bin/sleep infinity"),
            "mode": "0644",
        },
        "register": "unit_file",
    }
    start = {
        "name": "start",
        UNIT: {
            "name": name,
            "state": "started",
            "enabled": True,
            "daemon_reload": "{{ unit_file is changed }}",
        },
    }
    run = lab_play([install, start])
    assert run.statuses() == {"install": "changed", "start": "changed"}, (
        run.stdout
    )
    result = run.task("start")["result"]
    assert result["actions"] == ["enable", "start"]
    assert result["daemon_reloaded"] is True
    assert result["enabled"] is True
    status = result["status"]
    assert (status["ActiveState"], status["SubState"]) == ("active", "running")
    assert status["MainPID"] > 0
    assert is_active(lab, name) == "active"

    run = lab_play([install, start])
    assert run.statuses() == {"install": "ok", "start": "ok"}
    assert (
        run.task("start")["result"]["status"]["MainPID"] == (status["MainPID"])
    )

    stop = {
        "name": "stop",
        UNIT: {"name": name, "state": "stopped", "enabled": False},
    }
    run = lab_play([stop], check=True)
    assert run.statuses() == {"stop": "changed"}
    assert run.task("stop")["result"]["actions"] == ["disable", "stop"]
    assert is_active(lab, name) == "active"

    run = lab_play([stop])
    assert run.statuses() == {"stop": "changed"}
    assert run.task("stop")["result"]["status"]["ActiveState"] == "inactive"
    assert is_active(lab, name) == "inactive"
    assert lab_play([stop]).statuses() == {"stop": "ok"}

    nb = {
        "name": "nb",
        UNIT: {"name": name, "state": "restarted", "no_block": True},
    }
    run = lab_play([nb])
    assert run.statuses() == {"nb": "changed"}
    assert run.task("nb")["result"]["actions"] == ["restart"]


def test_failing_start_reports_the_journal(lab_play, lab, probe) -> None:
    name = probe()
    mark = f"probe-failure-{secrets.token_hex(4)}"
    tasks = [
        {
            "name": "install",
            FILE: {
                "dest": f"/etc/systemd/system/{name}",
                "content": unit_text(
                    f"/bin/sh -c 'echo {mark}; exit 3'", "oneshot"
                ),
            },
        },
        {
            "name": "start",
            UNIT: {"name": name, "state": "started", "daemon_reload": True},
        },
    ]
    run = lab_play(tasks)
    assert run.statuses() == {"install": "changed", "start": "failed"}
    result = run.task("start")["result"]
    assert result["msg"].startswith(f"systemctl start {name} failed (rc 1): ")
    assert (
        f"The unit {name} is failed/failed (Result=exit-code)."
        in (result["msg"])
    )
    assert mark in result["msg"]
    assert any(mark in line for line in result["journal"])
    assert result["status"]["ActiveState"] == "failed"

    run = lab_play([{"name": "read", UNIT: {"name": name, "log_lines": 5}}])
    assert run.statuses() == {"read": "ok"}
    result = run.task("read")["result"]
    assert result["status"]["ActiveState"] == "failed"
    assert len(result["journal"]) <= 5
    assert any(mark in line for line in result["journal"])


def test_unit_refusals(lab_play, probe) -> None:
    name = probe()
    run = lab_play(
        [{"name": "missing", UNIT: {"name": name, "state": "started"}}]
    )
    assert run.task("missing")["result"]["msg"] == (
        f"unit {name} is not loaded (LoadState=not-found): install its unit "
        "file first, and set daemon_reload: true right after writing it."
    )
    run = lab_play(
        [{"name": "missing", UNIT: {"name": name, "state": "started"}}],
        check=True,
    )
    assert run.statuses() == {"missing": "changed"}
    assert f"unit {name} is not loaded" in run.stdout + run.stderr


def test_oldest_ansible_core_smoke(
    tmp_path, collections_path, lab, workdir, probe
) -> None:
    name = probe()
    tasks = [
        {"name": "facts", FACTS: {}},
        {
            "name": "file",
            FILE: {"dest": f"{workdir}/{NASTY}", "content": NASTY},
        },
        {
            "name": "unit file",
            FILE: {
                "dest": f"/etc/systemd/system/{name}",
                "content": unit_text("/bin/sleep infinity"),
            },
        },
        {
            "name": "unit",
            UNIT: {"name": name, "state": "started", "daemon_reload": True},
        },
    ]
    for expected in ("changed", "ok"):
        run = run_playbook(
            tmp_path,
            collections_path,
            lab.inventory,
            tasks,
            play={"hosts": lab.host},
            bin_dir=OLDEST_BIN,
        )
        assert run.statuses() == {
            "facts": "ok",
            "file": expected,
            "unit file": expected,
            "unit": expected,
        }, run.stdout
    facts = run.task("facts")["result"]["ansible_facts"]
    assert facts["containerlinux_etcd_host"]["user"]["uid"] == 232
    assert lab.path(f"{workdir}/{NASTY}").read_text() == NASTY
    assert is_active(lab, name) == "active"
