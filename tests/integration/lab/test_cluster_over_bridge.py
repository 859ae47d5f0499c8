# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The machines form one etcd cluster over the lab's bridge: the shipped
unit with a plain-HTTP drop-in per member, started together."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.lab

CLUSTER_WAIT = 90.0
ETCDCTL = "ETCDCTL_API=3 /usr/lib/lab/images/3.5.16/etcdctl"


def drop_in(machine, machines) -> str:
    cluster = ",".join(f"{m.name}=http://{m.address}:2380" for m in machines)
    lines = [
        "[Service]",
        f'Environment="ETCD_NAME={machine.name}"',
        f'Environment="ETCD_INITIAL_CLUSTER={cluster}"',
        'Environment="ETCD_INITIAL_CLUSTER_STATE=new"',
        'Environment="ETCD_INITIAL_ADVERTISE_PEER_URLS='
        f'http://{machine.address}:2380"',
        f'Environment="ETCD_LISTEN_PEER_URLS=http://{machine.address}:2380"',
        'Environment="ETCD_LISTEN_CLIENT_URLS='
        f'http://{machine.address}:2379,http://127.0.0.1:2379"',
        'Environment="ETCD_ADVERTISE_CLIENT_URLS='
        f'http://{machine.address}:2379"',
    ]
    return "\n".join(lines) + "\n"


def test_three_members_form_one_cluster(lab_machines):
    machines = lab_machines.machines
    for m in machines:
        text = drop_in(m, machines)
        m.sh(
            "mkdir -p /etc/systemd/system/etcd-member.service.d && "
            "cat > /etc/systemd/system/etcd-member.service.d/20-lab.conf <<'E'"
            f"\n{text}E\n"
            "systemctl daemon-reload && systemctl start --no-block etcd-member"
        )
    deadline = time.monotonic() + CLUSTER_WAIT
    for m in machines:
        while m.sh("systemctl is-active etcd-member", check=False).stdout != (
            "active\n"
        ):
            assert time.monotonic() < deadline, m.sh(
                "journalctl -u etcd-member -n 20 --no-pager"
            ).stdout
            time.sleep(0.5)
    first, second = machines[:2]
    members = first.sh(
        f"{ETCDCTL} --endpoints=http://{second.address}:2379 member list "
        "-w simple"
    ).stdout.splitlines()
    assert sorted(line.split(", ")[2:4] for line in members) == [
        [m.name, f"http://{m.address}:2380"] for m in machines
    ]
    put = first.sh(f"{ETCDCTL} put lab-key over-the-bridge").stdout
    assert put == "OK\n"
    got = second.sh(f"{ETCDCTL} get --print-value-only lab-key").stdout
    assert got == "over-the-bridge\n"
