# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""With no drop-in at all, each flavour's shipped etcd-member.service starts
etcd through its wrapper and stand-in: Type=notify reports readiness,
Restart= brings a killed etcd back, and stopping cleans up as on the real
hosts."""

from __future__ import annotations

import concurrent.futures
import json
import time

import pytest

pytestmark = pytest.mark.lab

DEFAULT_VERSION = {"coreos": "3.3.25", "flatcar": "3.5.16"}
RESTART_WAIT = 60.0


def on_all(lab_machines, script):
    with concurrent.futures.ThreadPoolExecutor() as pool:
        return list(pool.map(lambda m: m.sh(script), lab_machines.machines))


def main_pid(machine) -> int:
    return int(
        machine.sh("systemctl show -p MainPID --value etcd-member").stdout
    )


def etcd_pid(machine) -> int:
    return int(machine.sh("pgrep -x etcd").stdout.split()[0])


@pytest.fixture(scope="module")
def started(lab_machines):
    """etcd-member started on every machine, with the shipped unit only."""
    for m in lab_machines.machines:
        m.sh(
            "for d in /etc /run /usr/lib; do "
            "test ! -e $d/systemd/system/etcd-member.service.d; done"
        )
    on_all(lab_machines, "systemctl start etcd-member")
    return lab_machines


def test_start_returns_when_etcd_is_ready(started):
    for m in started.machines:
        assert m.sh("systemctl is-active etcd-member").stdout == "active\n"
        health = m.sh("curl -sS http://127.0.0.1:2379/health").stdout
        assert json.loads(health)["health"] == "true"
        version = json.loads(
            m.sh("curl -sS http://127.0.0.1:2379/version").stdout
        )
        assert version["etcdserver"] == DEFAULT_VERSION[started.flavour]


def test_etcd_runs_as_the_etcd_user_in_its_own_root(started):
    m = started.machines[0]
    pid = etcd_pid(m)
    owner = m.sh(f"stat -c %u /proc/{pid}").stdout.strip()
    assert owner == "232"
    root_entries = m.sh(f"ls /proc/{pid}/root").stdout.split()
    assert "home" not in root_entries
    assert "boot" not in root_entries
    assert m.sh(f"test -x /proc/{pid}/root/usr/local/bin/etcd")


def test_main_pid_is_etcd_with_rkt_and_the_wrapper_with_docker(started):
    m = started.machines[0]
    comm = m.sh(f"cat /proc/{main_pid(m)}/comm").stdout.strip()
    if started.flavour == "coreos":
        assert main_pid(m) == etcd_pid(m)
        assert comm == "etcd"
    else:
        assert comm == "etcd-wrapper"
        assert (
            m.sh("docker ps")
            .stdout.splitlines()[1]
            .endswith("running   etcd-member")
        )


UUID_FILE = "/var/lib/coreos/etcd-member-wrapper.uuid"


def test_pod_and_container_commands_while_etcd_runs(started):
    m = started.machines[0]
    if started.flavour == "coreos":
        uuid = m.sh(f"cat {UUID_FILE}").stdout.strip()
        cases = [
            (
                f"rkt rm --uuid-file={UUID_FILE}",
                254,
                f'rm: pod "{uuid}" is currently running\n'
                "rm: failed to remove one or more pods",
            ),
            (
                "rkt stop --uuid-file=/nonexistent",
                254,
                "stop: unable to resolve UUID from file: open /nonexistent: "
                "no such file or directory",
            ),
            (
                "rkt rm --uuid-file",
                254,
                "Error: flag needs an argument: --uuid-file\n"
                "Run 'rkt rm --help' for usage.",
            ),
            (
                "rkt frobnicate",
                254,
                'Error: unknown command "frobnicate" for "rkt"\n'
                "Run 'rkt --help' for usage.",
            ),
        ]
    else:
        record = m.sh("docker ps").stdout.splitlines()[1]
        cases = [
            (
                "docker run -d --name etcd-member quay.io/coreos/etcd:v3.5.16",
                125,
                "docker: Error response from daemon: Conflict. The container "
                'name "/etcd-member" is already in use by container "'
                + m.sh("cat /var/lib/docker/lab-containers/*.json")
                .stdout.split('"id": "')[1]
                .split('"')[0]
                + '". You have to remove (or rename) that container to be '
                "able to reuse that name.\nSee 'docker run --help'.",
            ),
            (
                "docker rm etcd-member",
                1,
                "Error response from daemon: cannot remove container "
                '"/etcd-member": container is running: stop the container '
                "before removing or force remove",
            ),
            (
                "docker rm nope",
                1,
                "Error response from daemon: No such container: nope",
            ),
            ("docker rm -f nope", 0, ""),
            (
                "docker stop nope",
                1,
                "Error response from daemon: No such container: nope",
            ),
        ]
        assert record.endswith("running   etcd-member")
    for line, code, text in cases:
        result = m.sh(line, check=False)
        assert (result.returncode, result.stderr.strip()) == (code, text)
    assert m.sh("systemctl is-active etcd-member").stdout == "active\n"


def test_restart_policy_brings_a_killed_etcd_back(started):
    m = started.machines[1]
    old = etcd_pid(m)
    restarts = int(
        m.sh("systemctl show -p NRestarts --value etcd-member").stdout
    )
    m.sh(f"kill -KILL {old}")
    deadline = time.monotonic() + RESTART_WAIT
    while True:
        now = int(
            m.sh("systemctl show -p NRestarts --value etcd-member").stdout
        )
        state = m.sh("systemctl is-active etcd-member", check=False).stdout
        if now > restarts and state == "active\n":
            break
        assert time.monotonic() < deadline, (
            f"etcd-member did not come back: {state.strip()}, "
            f"{now} restarts\n"
            + m.sh("journalctl -u etcd-member -n 20 --no-pager").stdout
        )
        time.sleep(0.5)
    assert etcd_pid(m) != old


def test_stop_cleans_up_like_the_real_unit(started):
    m = started.machines[2]
    m.sh("systemctl stop etcd-member")
    assert m.sh("systemctl is-active etcd-member", check=False).stdout == (
        "inactive\n"
    )
    assert m.sh("pgrep -x etcd", check=False).returncode == 1
    if started.flavour == "coreos":
        uuid = m.sh("cat /var/lib/coreos/etcd-member-wrapper.uuid").stdout
        pods = m.sh("rkt list").stdout
        assert (
            f"{uuid[:8]}\tetcd\tdocker://quay.io/coreos/etcd:v3.3.20"
            "\texited" in pods
        )
    else:
        assert m.sh("docker ps -a").stdout.splitlines()[1:] == []
    m.sh("systemctl start etcd-member")
    assert m.sh("systemctl is-active etcd-member").stdout == "active\n"
