# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The lab's machines: systemd as PID 1, their network, the flavours' files,
no Python for Ansible, and the stand-ins behaving inside them as their
tables say."""

from __future__ import annotations

import os
import pathlib
import shlex
import subprocess

import pytest
import yaml

pytestmark = pytest.mark.lab

REPO = pathlib.Path(__file__).resolve().parents[3]
ANSIBLE = REPO / ".cache" / "venv" / "newest" / "bin" / "ansible"
OS_IDS = {"coreos": "ID=coreos", "flatcar": "ID=flatcar"}


def test_machines_run_systemd_as_pid_1(lab_machines):
    for m in lab_machines.machines:
        out = m.sh(
            "cat /proc/1/comm; hostname; systemctl is-system-running || true"
        ).stdout.split()
        assert out[:2] == ["systemd", m.name]
        assert out[2] in ("running", "degraded")


def test_machines_carry_the_flavour(lab_machines):
    flavour = lab_machines.flavour
    m = lab_machines.machines[0]
    lines = m.sh("cat /etc/os-release").stdout.splitlines()
    assert OS_IDS[flavour] in lines
    assert m.sh("id etcd").stdout.strip() == (
        "uid=232(etcd) gid=232(etcd) groups=232(etcd)"
    )
    touch = m.sh("touch /usr/lab-probe", check=False)
    assert touch.returncode != 0
    assert "Read-only file system" in touch.stderr
    if flavour == "coreos":
        files = "/usr/lib/coreos/etcd-wrapper /usr/bin/rkt"
        shebang = "#!/usr/bin/bash -e"
    else:
        assert m.sh("readlink /usr/lib/coreos").stdout.strip() == "flatcar"
        files = (
            "/usr/lib/flatcar/etcd-wrapper /usr/bin/docker "
            "/usr/libexec/sdnotify-proxy"
        )
        shebang = "#!/bin/bash"
    m.sh(f"for f in {files}; do test -x $f; done")
    wrapper = f"/usr/lib/{flavour}/etcd-wrapper"
    assert m.sh(f"head -n 1 {wrapper}").stdout == shebang + "\n"
    stand_in = files.split()[1]
    assert m.sh(f"head -n 1 {stand_in}").stdout == (
        "#!/usr/lib/lab/python3 -Es\n"
    )


def test_inventory_lists_every_machine(lab_machines):
    inventory = yaml.safe_load(lab_machines.inventory.read_text())
    hosts = inventory["all"]["children"]["etcd"]["hosts"]
    assert hosts == {
        m.name: {
            "ansible_connection": "community.docker.nsenter",
            "ansible_nsenter_pid": m.pid,
            "etcd_member_address": m.address,
            "lab_flavour": lab_machines.flavour,
        }
        for m in lab_machines.machines
    }
    assert [m.address for m in lab_machines.machines] == [
        "198.18.0.11",
        "198.18.0.12",
        "198.18.0.13",
    ]


def test_machines_reach_each_other_and_only_each_other(lab_machines):
    first, second = lab_machines.machines[:2]
    hosts = first.sh("getent hosts etcd2").stdout.split()
    assert hosts == [second.address, "etcd2"]
    # A refused connection proves the peer answered on the lab's bridge.
    probe = first.sh(f"exec 3<>/dev/tcp/{second.address}/2379", check=False)
    assert "Connection refused" in probe.stderr
    routes = first.sh("ip -4 route").stdout.split()
    assert routes[:3] == ["198.18.0.0/24", "dev", "eth0"]
    assert "default" not in routes
    host = subprocess.run(
        ["ip", "-4", "-o", "addr"], capture_output=True, text=True, check=True
    )
    assert "198.18.0." not in host.stdout


def test_no_python_for_ansible(lab_machines):
    for m in lab_machines.machines:
        found = m.sh(
            "ls /usr/bin/python* /usr/local/bin/python* "
            "/usr/libexec/platform-python 2>/dev/null; "
            "command -v python python3 python3.11 || true"
        ).stdout
        assert found == ""
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".cache" / "collections"),
        ANSIBLE_HOST_KEY_CHECKING="False",
        ANSIBLE_NOCOLOR="1",
    )
    base = [str(ANSIBLE), "-i", str(lab_machines.inventory), "etcd"]
    ping = subprocess.run(
        [*base, "-m", "ansible.builtin.ping"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ping.returncode != 0
    for m in lab_machines.machines:
        assert f"{m.name} | FAILED!" in ping.stdout
    assert "No python interpreters found" in ping.stderr
    raw = subprocess.run(
        [*base, "-m", "ansible.builtin.raw", "-a", "hostname"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert raw.returncode == 0, raw.stdout + raw.stderr
    for m in lab_machines.machines:
        assert f"{m.name} | CHANGED | rc=0 >>\n{m.name}" in raw.stdout


# The same argument lines as in test_standin_grammar, run by the stand-ins
# installed in the machines: the texts must be identical.
RKT_RUN = "rkt run --insecure-options=image --stage1-from-dir=stage1-fly.aci"
RKT_IN_MACHINE = [
    (
        "--volume Certs,kind=host,source=/etc",
        'Error: invalid argument "Certs,kind=host,source=/etc" for --volume: '
        'invalid value in --volume flag "Certs,kind=host,source=/etc": ACName '
        'must contain only lower case alphanumeric characters plus "-"\n'
        "Run 'rkt run --help' for usage.",
    ),
    (
        "--volume certs,kind=host,source=/etc --mount volume=nope,target=/x",
        'run: error parsing app image arguments: dangling mount point "/x": '
        'volume "nope" not found',
    ),
]
DOCKER_IN_MACHINE = [
    (
        "-v /etc:/etc/ssl/certs:ro -v /tmp:/etc/ssl/certs",
        "docker: Error response from daemon: Duplicate mount point: "
        "/etc/ssl/certs.\nSee 'docker run --help'.",
    ),
    (
        "--volumes /etc:/x",
        "unknown flag: --volumes\nSee 'docker run --help'.",
    ),
]


def test_stand_ins_in_machines_match_their_tables(lab_machines):
    m = lab_machines.machines[0]
    if lab_machines.flavour == "coreos":
        cases = [
            (
                f"{RKT_RUN} {flags} docker://quay.io/coreos/etcd:v3.4.23 "
                "--user=232 --",
                text,
            )
            for flags, text in RKT_IN_MACHINE
        ]
        code = 254
    else:
        cases = [
            (f"docker run {flags} quay.io/coreos/etcd:v3.4.23", text)
            for flags, text in DOCKER_IN_MACHINE
        ]
        code = 125
    for line, text in cases:
        result = m.sh(line, check=False)
        assert (result.returncode, result.stderr.strip()) == (code, text)


@pytest.mark.parametrize(
    ("tag", "version"),
    [("v3.3.20", "3.3.25"), ("3.4.9", "3.4.23"), ("v3.5.16", "3.5.16")],
)
def test_image_tag_chooses_the_etcd_binary(lab_machines, tag, version):
    m = lab_machines.machines[0]
    if lab_machines.flavour == "coreos":
        line = (
            "rkt run --insecure-options=image --stage1-from-dir=stage1-fly.aci"
            f" docker://quay.io/coreos/etcd:{tag} --user=232 -- --version"
        )
    else:
        line = (
            f"docker run --rm -u 232:232 quay.io/coreos/etcd:{tag} "
            "/usr/local/bin/etcd --version"
        )
    assert f"etcd Version: {version}\n" in m.sh(line).stdout


def test_missing_image_fails_like_a_missing_image(lab_machines):
    m = lab_machines.machines[0]
    if lab_machines.flavour == "coreos":
        line = (
            "rkt run --insecure-options=image --stage1-from-dir=stage1-fly.aci"
            " docker://quay.io/coreos/etcd:v3.6.0"
        )
        code, first = 254, "run: unable to fetch docker image from URL"
    else:
        line = "docker run quay.io/coreos/etcd:v3.6.0"
        code = 125
        first = "Unable to find image 'quay.io/coreos/etcd:v3.6.0' locally"
    result = m.sh(line, check=False)
    assert result.returncode == code
    assert result.stderr.startswith(first)


def _container_line(flavour: str, volumes: str, tool_args: str) -> str:
    if flavour == "coreos":
        return (
            f"{RKT_RUN} {volumes} docker://quay.io/coreos/etcd:v3.5.16 "
            f"--exec=/usr/local/bin/etcdctl --user=232 -- {tool_args}"
        )
    return (
        f"docker run --rm -u 232:232 {volumes} --entrypoint "
        f"/usr/local/bin/etcdctl quay.io/coreos/etcd:v3.5.16 {tool_args}"
    )


def test_only_declared_volumes_are_visible_inside(lab_machines):
    flavour = lab_machines.flavour
    m = lab_machines.machines[0]
    m.sh(
        "mkdir -p /etc/kubernetes/ssl && echo not-a-db > "
        "/etc/kubernetes/ssl/ca.pem && chmod 0644 /etc/kubernetes/ssl/ca.pem"
    )
    # etcdctl reads the file it is given: a cheap probe of the container's
    # view, run as the etcd user like etcd itself.
    probe = "snapshot status /etc/kubernetes/ssl/ca.pem"
    missing = m.sh(_container_line(flavour, "", probe), check=False)
    assert (
        "Error: stat /etc/kubernetes/ssl/ca.pem: no such file or "
        "directory" in missing.stderr
    )
    if flavour == "coreos":
        volumes = (
            "--volume k8s,kind=host,source=/etc/kubernetes/ssl,readOnly=true "
            "--mount volume=k8s,target=/etc/kubernetes/ssl"
        )
    else:
        volumes = "-v /etc/kubernetes/ssl:/etc/kubernetes/ssl:ro"
    mounted = m.sh(_container_line(flavour, volumes, probe), check=False)
    assert "Error: invalid database" in mounted.stderr
    m.sh("chmod 0600 /etc/kubernetes/ssl/ca.pem")
    unreadable = m.sh(_container_line(flavour, volumes, probe), check=False)
    assert "ca.pem: permission denied" in unreadable.stderr


def test_lab_exec_passes_the_exit_status(lab_machines):
    m = lab_machines.machines[1]
    result = m.sh("echo out; echo err >&2; exit 7", check=False)
    assert (result.returncode, result.stdout, result.stderr) == (
        7,
        "out\n",
        "err\n",
    )
    assert shlex.split(m.sh("printf '%q ' \"$PATH\"").stdout) == [
        "/usr/sbin:/usr/bin:/sbin:/bin"
    ]


def test_shipped_unit_verifies_clean(lab_machines):
    m = lab_machines.machines[0]
    result = m.sh(
        "systemd-analyze verify /usr/lib/systemd/system/etcd-member.service",
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
