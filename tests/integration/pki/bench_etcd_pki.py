# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Print how long the etcd_pki role takes: a first run that creates
everything and a rerun that changes nothing, for 3 and 5 members, with the
newest and the oldest ansible-core of the repository's venvs.

Run from anywhere: python tests/integration/pki/bench_etcd_pki.py
A figure, not a test: the machine's load changes it."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[3]
COLLECTIONS = REPO / ".cache" / "collections"
PLAYBOOK = """\
- name: Create the etcd PKI
  hosts: etcd
  gather_facts: false
  roles:
    - role: containerlinux.etcd.etcd_pki
"""


def inventory(members: int) -> dict:
    hosts = {
        f"etcd-{i}": {"etcd_member_address": f"10.0.0.{10 + i}"}
        for i in range(1, members + 1)
    }
    return {
        "all": {
            "vars": {
                "ansible_connection": "local",
                "etcd_pki_clients": [{"name": "kube-apiserver"}],
            },
            "children": {"etcd": {"hosts": hosts}},
        }
    }


def timed_run(venv: str, workdir: pathlib.Path) -> float:
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_NOCOLOR": "1",
    }
    cmd = [
        str(REPO / ".cache" / "venv" / venv / "bin" / "ansible-playbook"),
        "-i",
        "inventory.yml",
        "site.yml",
    ]
    start = time.monotonic()
    proc = subprocess.run(
        cmd, cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(proc.stdout + proc.stderr)
    return elapsed


def main() -> None:
    print(
        f"{'ansible-core venv':<18} {'members':>7} {'first':>8} "
        f"{'rerun':>8} {'ratio':>6}"
    )
    for venv in ("newest", "oldest"):
        for members in (3, 5):
            with tempfile.TemporaryDirectory() as tmp:
                workdir = pathlib.Path(tmp)
                (workdir / "inventory.yml").write_text(
                    json.dumps(inventory(members))
                )
                (workdir / "site.yml").write_text(PLAYBOOK)
                first = timed_run(venv, workdir)
                rerun = timed_run(venv, workdir)
            print(
                f"{venv:<18} {members:>7} {first:>7.1f}s {rerun:>7.1f}s "
                f"{first / rerun:>6.1f}"
            )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
