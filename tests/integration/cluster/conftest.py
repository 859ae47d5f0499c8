# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""A lab of three members per flavour, with the collection's playbook run
on it, and helpers to look at the machines from outside."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pathlib
import re
import subprocess
from typing import Dict, List, Optional

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[3]
LAB = REPO / "tests" / "lab" / "lab"
# A lab instance of its own, so other tests' labs stay untouched.
LAB_ENV = dict(os.environ, LAB_INSTANCE="site")
ETCDCTL = REPO / ".cache" / "etcd" / "3.5.16" / "etcdctl"
RECAP = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+"
    r"unreachable=(?P<unreachable>\d+)\s+failed=(?P<failed>\d+)",
    re.M,
)


@dataclasses.dataclass
class Run:
    rc: int
    out: str

    def recap(self) -> Dict[str, Dict[str, int]]:
        return {
            m["host"]: {k: int(m[k]) for k in ("ok", "changed", "failed")}
            for m in RECAP.finditer(self.out)
        }

    def changed(self) -> int:
        return sum(h["changed"] for h in self.recap().values())


@dataclasses.dataclass
class Cluster:
    flavour: str
    inventory: pathlib.Path
    workdir: pathlib.Path
    ansible_bin: pathlib.Path
    hosts: Dict[str, dict]

    @property
    def pki(self) -> pathlib.Path:
        return self.workdir / "etcd-pki"

    def playbook(
        self,
        *args: str,
        playbook: Optional[str] = None,
        extra_vars: Optional[dict] = None,
        inventory: Optional[pathlib.Path] = None,
    ) -> Run:
        cmd = [
            str(self.ansible_bin / "ansible-playbook"),
            "-i",
            str(inventory or self.inventory),
            playbook or "containerlinux.etcd.site",
            *args,
        ]
        if extra_vars:
            cmd += ["-e", yaml.safe_dump(extra_vars, default_flow_style=True)]
        env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
        proc = subprocess.run(
            cmd,
            check=False,
            cwd=self.workdir,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=600,
        )
        return Run(proc.returncode, proc.stdout)

    def sh(self, host: str, script: str, check: bool = True) -> str:
        proc = subprocess.run(
            [str(LAB), "exec", host, "--", "sh", "-c", script],
            env=LAB_ENV,
            check=False,
            text=True,
            capture_output=True,
            timeout=120,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"{host}: {script!r} failed ({proc.returncode}): "
                f"{proc.stdout}{proc.stderr}"
            )
        return proc.stdout

    def netns(self, host: str, *cmd: str) -> subprocess.CompletedProcess:
        """Run a controller command inside a machine's network namespace
        only, so it sees the controller's files and the lab's network."""
        pid = str(self.hosts[host]["ansible_nsenter_pid"])
        return subprocess.run(
            ["nsenter", "-t", pid, "-n", "--", *cmd],
            check=False,
            text=True,
            capture_output=True,
            timeout=60,
        )

    def etcdctl(
        self,
        host: str,
        *args: str,
        cert: str = "etcd-admin",
        ca: Optional[pathlib.Path] = None,
        key_dir: Optional[pathlib.Path] = None,
    ):
        addr = self.hosts[host]["etcd_member_address"]
        key_dir = key_dir or self.pki / "clients"
        tls = ["--cacert", str(ca or self.pki / "ca.crt")]
        if cert:
            tls += [
                "--cert",
                str(key_dir / f"{cert}.crt"),
                "--key",
                str(key_dir / f"{cert}.key"),
            ]
        return self.netns(
            host,
            str(ETCDCTL),
            f"--endpoints=https://{addr}:2379",
            "--dial-timeout=3s",
            "--command-timeout=5s",
            *tls,
            *args,
        )

    def snapshot(self) -> Dict[str, str]:
        """A digest of every file the role could touch, on every host."""
        script = (
            "find /etc/systemd/system /etc/etcd-member /etc/ssl/certs "
            "-xdev \\( -type f -o -type l \\) 2>/dev/null | sort | "
            "while read -r f; do printf '%s ' \"$f\"; "
            "stat -c '%a %u %g' \"$f\" | tr '\\n' ' '; "
            'sha256sum < "$f"; done'
        )
        return {
            h: hashlib.sha256(self.sh(h, script).encode()).hexdigest()
            for h in self.hosts
        }

    def main_pids(self) -> Dict[str, str]:
        return {
            h: self.sh(
                h, "systemctl show -P MainPID etcd-member.service"
            ).strip()
            for h in self.hosts
        }


def lab(*args: str) -> str:
    proc = subprocess.run(
        [str(LAB), *args],
        env=LAB_ENV,
        check=False,
        text=True,
        capture_output=True,
        timeout=900,
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"lab {' '.join(args)} failed: {proc.stdout}{proc.stderr}"
        )
    return proc.stdout


def bring_up(
    flavour: str,
    members: int,
    workdir: pathlib.Path,
    ansible_bin: pathlib.Path,
) -> Cluster:
    lab("down")
    lab("up", "--flavour", flavour, "--members", str(members))
    inventory = pathlib.Path(lab("inventory").strip().splitlines()[-1])
    data = yaml.safe_load(inventory.read_text())
    hosts = (
        data["etcd"]["hosts"]
        if "etcd" in data
        else data["all"]["children"]["etcd"]["hosts"]
    )
    # The PKI lives beside the inventory; keep it out of the lab's cache.
    local = workdir / "inventory.yml"
    local.write_text(inventory.read_text())
    return Cluster(flavour, local, workdir, ansible_bin, hosts)


@pytest.fixture(scope="module", params=["coreos", "flatcar"])
def cluster(request, tmp_path_factory, ansible_bin) -> Cluster:
    if os.geteuid() != 0:
        pytest.fail("the lab needs root")
    workdir = tmp_path_factory.mktemp(f"site-{request.param}")
    c = bring_up(request.param, 3, workdir, ansible_bin)
    try:
        yield c
    finally:
        lab("down")


def member_list(run_out: str) -> List[str]:
    """The member lines the role's report prints."""
    return re.findall(
        r'"(\S+  id=[0-9a-f]+  https://\S+  \w+  etcd \S+'
        r'  \w+)"',
        run_out,
    )
