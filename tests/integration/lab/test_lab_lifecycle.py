# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""`lab up` and `lab down` are idempotent, and `lab down` leaves no process,
mount, namespace or cgroup behind, also after a crashed earlier run."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess

import pytest

pytestmark = pytest.mark.lab

LAB = pathlib.Path(__file__).resolve().parents[3] / "tests" / "lab" / "lab"


def leftovers(labctl) -> list[str]:
    """Everything of the lab (instance) still present on the host."""
    run_dir = labctl.state.parent
    prefix = labctl.prefix
    cgroups = [
        pathlib.Path(f"/sys/fs/cgroup/{h}/celab{labctl.instance}")
        for h in ("systemd", "unified")
    ]
    found = []
    for line in pathlib.Path("/proc/self/mounts").read_text().splitlines():
        source, target = line.split()[:2]
        if prefix in source or prefix in target or str(run_dir) in target:
            found.append(f"mount {source} on {target}")
    netns = subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True, check=True
    ).stdout
    found += [f"netns {n}" for n in netns.split() if n.startswith(prefix)]
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            root = os.readlink(entry / "root")
        except OSError:
            continue
        if b"systemd-nspawn" in cmdline and str(run_dir).encode() in cmdline:
            found.append(f"process {entry.name}: {cmdline.decode()}")
        elif root.startswith(str(run_dir)):
            found.append(f"process {entry.name} rooted in {root}")
    found += [f"cgroup {c}" for c in cgroups if c.exists()]
    if run_dir.exists():
        found.append(f"run directory {run_dir}")
    return found


def start_etcd_everywhere(booted) -> None:
    for m in booted.machines:
        m.sh("systemctl start --no-block etcd-member")


@pytest.fixture
def clean_lab(labctl):
    """Tear down before and after, whatever the test did."""
    labctl.lab("down")
    try:
        yield
    finally:
        labctl.lab("down")


def test_down_leaves_nothing_behind(clean_lab, labctl):
    booted = labctl.boot("flatcar", 2)
    start_etcd_everywhere(booted)
    assert leftovers(labctl) != []
    labctl.lab("down")
    assert leftovers(labctl) == []


def test_down_cleans_up_after_a_crashed_run(clean_lab, labctl):
    booted = labctl.boot("coreos", 2)
    start_etcd_everywhere(booted)
    # A crash that lost the lab's own records: only names are left to go by.
    labctl.state.unlink()
    assert labctl.lab("status", check=False).stdout == "down\n"
    labctl.lab("down")
    assert leftovers(labctl) == []


def test_up_recovers_when_a_machine_died(clean_lab, labctl):
    booted = labctl.boot("coreos", 2)
    os.kill(booted.machines[1].pid, signal.SIGKILL)
    status = labctl.lab("status", check=False)
    assert status.returncode == 1
    assert status.stdout.splitlines()[-1].startswith("etcd2\t198.18.0.12\t")
    assert status.stdout.splitlines()[-1].endswith("\tgone")
    labctl.lab("up", "--flavour", "coreos", "--members", "2")
    assert labctl.lab("status").returncode == 0
    machines = json.loads(labctl.state.read_text())["machines"]
    assert machines[1]["init_pid"] != booted.machines[1].pid


def test_up_and_down_are_idempotent(clean_lab, labctl):
    booted = labctl.boot("coreos", 2)
    again = labctl.lab("up", "--flavour", "coreos", "--members", "2").stdout
    assert again.strip() == str(booted.inventory)
    assert labctl.lab("inventory").stdout.strip() == str(booted.inventory)
    assert [m.sh("echo ok").stdout for m in booted.machines] == ["ok\n"] * 2
    other = labctl.lab(
        "up", "--flavour", "flatcar", "--members", "2", check=False
    )
    assert other.returncode == 1
    assert other.stderr == (
        "lab: the lab is up with 2 coreos machines, not 2 flatcar ones: run "
        "'lab down' first\n"
    )
    labctl.lab("down")
    second = labctl.lab("down")
    assert second.stderr == "lab: the lab is down\n"
    assert leftovers(labctl) == []
    gone = labctl.lab("inventory", check=False)
    assert (gone.returncode, gone.stderr) == (
        1,
        "lab: the lab is not up: run 'lab up' first\n",
    )


def test_exec_names_the_machines_it_has(clean_lab, labctl):
    labctl.boot("coreos", 1)
    result = labctl.lab("exec", "etcd7", "--", "true", check=False)
    assert (result.returncode, result.stderr) == (
        1,
        "lab: there is no machine 'etcd7': the lab has etcd1\n",
    )


def other_lab(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LAB_INSTANCE="test2")
    return subprocess.run(
        [str(LAB), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_instances_leave_each_other_alone(clean_lab, labctl):
    labctl.boot("coreos", 1)
    try:
        up = other_lab("up", "--flavour", "flatcar", "--members", "1")
        assert up.returncode == 0, up.stderr
        assert up.stdout.strip().endswith("/inventory-test2.yml")
        labctl.lab("down")
        assert leftovers(labctl) == []
        assert other_lab("status").returncode == 0
        mine = other_lab(
            "exec", "etcd1", "--", "sh", "-c", ". /etc/os-release; echo $ID"
        )
        assert mine.stdout == "flatcar\n"
    finally:
        other_lab("down")
    assert other_lab("status").stdout == "down\n"


def test_instance_names_are_checked():
    bad = subprocess.run(
        [str(LAB), "status"],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, LAB_INSTANCE="Bad-Name"),
    )
    assert (bad.returncode, bad.stderr) == (
        2,
        "lab: LAB_INSTANCE='Bad-Name' is not a lab name: use up to 8 "
        "lower-case letters and digits, or leave it unset\n",
    )
