# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Run real ansible-playbook (of the venv running pytest) against a target
without Python: the local connection with a Python interpreter that does
not exist, so any module that would run Python on the target fails."""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
BIN = pathlib.Path(sys.executable).parent
OLDEST_BIN = REPO / ".cache" / "venv" / "oldest" / "bin"
LAB = REPO / "tests" / "lab" / "lab"

# Names that break any unquoted use in a shell. No '{{', '{%' or '{#',
# which Ansible would template.
NASTY = "a b$`;'\"\\\nx ü*?[!](){}~&|<>"


@dataclasses.dataclass
class PlayRun:
    rc: int
    stdout: str
    stderr: str
    results: list[dict[str, Any]]

    def task(self, name: str) -> dict[str, Any]:
        found = [r for r in self.results if r["task"] == name]
        assert len(found) == 1, (name, self.results, self.stdout)
        return found[0]

    def statuses(self) -> dict[str, str]:
        return {r["task"]: r["status"] for r in self.results}


def run_playbook(
    tmp: pathlib.Path,
    collections: pathlib.Path,
    inventory: dict[str, Any] | str,
    tasks: list[dict[str, Any]],
    *,
    check: bool = False,
    diff: bool = True,
    verbosity: int = 0,
    env: dict[str, str] | None = None,
    play: dict[str, Any] | None = None,
    bin_dir: pathlib.Path = BIN,
) -> PlayRun:
    """Write a one-play playbook and run it; JSON is YAML, so values
    reach Ansible exactly as given here."""
    tmp.mkdir(parents=True, exist_ok=True)
    n = len(list(tmp.glob("play-*.yml")))
    playbook = tmp / f"play-{n}.yml"
    playbook.write_text(
        json.dumps(
            [
                {
                    "name": "host plugins",
                    "hosts": "all",
                    "gather_facts": False,
                    **(play or {}),
                    "tasks": tasks,
                }
            ]
        )
    )
    if isinstance(inventory, str):
        inventory_path = inventory
    else:
        inv = tmp / "inventory.json"
        inv.write_text(json.dumps(inventory))
        inventory_path = str(inv)
    record = tmp / f"results-{n}.jsonl"
    local_tmp = tmp / "ansible-local"
    local_tmp.mkdir(exist_ok=True)
    environ = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "record_results",
        "ANSIBLE_LOCAL_TEMP": str(local_tmp),
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "RECORD_RESULTS_FILE": str(record),
        **(env or {}),
    }
    cmd = [
        str(bin_dir / "ansible-playbook"),
        "-i",
        inventory_path,
        str(playbook),
    ]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp,
        timeout=300,
        check=False,
    )
    results = []
    if record.exists():
        results = [
            json.loads(line) for line in record.read_text().splitlines()
        ]
    return PlayRun(proc.returncode, proc.stdout, proc.stderr, results)


LOCAL_INVENTORY = {
    "all": {
        "hosts": {
            "target": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "/nonexistent/python",
            }
        }
    }
}


@pytest.fixture
def play(tmp_path: pathlib.Path, collections_path: pathlib.Path):
    """Run tasks on the Python-less local target; leaves no temporary
    directory of Ansible behind."""
    work = tmp_path / "ansible"

    def run(tasks: list[dict[str, Any]], **kw: Any) -> PlayRun:
        return run_playbook(
            work, collections_path, LOCAL_INVENTORY, tasks, **kw
        )

    yield run
    leftovers = [
        p.name
        for p in (work / "ansible-local").glob("*/*")
        if p.name.startswith("ansible-tmp-")
    ]
    assert leftovers == []


def tree(root: pathlib.Path) -> dict[str, tuple[str, bytes | None]]:
    """Every path under root with its octal mode and content."""
    out: dict[str, tuple[str, bytes | None]] = {}
    for path in sorted(root.rglob("*")):
        mode = oct(path.lstat().st_mode & 0o7777)
        data = path.read_bytes() if path.is_file() else None
        out[str(path.relative_to(root))] = (mode, data)
    return out


@dataclasses.dataclass
class Lab:
    inventory: str
    host: str
    pid: int
    flavour: str

    def path(self, path: str) -> pathlib.Path:
        """A path of the machine, seen from this host."""
        return pathlib.Path(f"/proc/{self.pid}/root") / path.lstrip("/")

    def sh(self, script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(LAB), "exec", self.host, "--", "/bin/sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="session")
def lab():
    """The first etcd machine of the lab; boots a one-machine lab (of the
    flavour in LAB_FLAVOUR, coreos by default) when none is up, and
    removes it again at the end."""
    import yaml

    flavour = os.environ.get("LAB_FLAVOUR", "coreos")
    if os.geteuid() != 0:
        pytest.fail("the lab tests need root")
    started = False
    status = subprocess.run(
        [str(LAB), "status"], capture_output=True, text=True, check=False
    )
    if status.returncode != 0:
        up = subprocess.run(
            [str(LAB), "up", "--flavour", flavour, "--members", "1"],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert up.returncode == 0, up.stderr
        started = True
    try:
        inventory = subprocess.run(
            [str(LAB), "inventory"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        data = yaml.safe_load(pathlib.Path(inventory).read_text())
        hosts = data["all"]["children"]["etcd"]["hosts"]
        name = sorted(hosts)[0]
        yield Lab(
            inventory,
            name,
            int(hosts[name]["ansible_nsenter_pid"]),
            hosts[name]["lab_flavour"],
        )
    finally:
        if started:
            subprocess.run([str(LAB), "down"], check=False, timeout=300)
