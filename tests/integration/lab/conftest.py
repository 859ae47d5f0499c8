# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Fixtures for the lab's own tests: the `lab` command, the stand-ins
loaded as modules, and booted machines of each flavour."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import types
from collections.abc import Iterator

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
LAB = REPO / "tests" / "lab" / "lab"
STANDINS = REPO / "tests" / "lab" / "standins"
# The lab's own tests run in a lab instance of their own, so they neither
# tear down nor reuse a lab that someone else has up.
INSTANCE = "test"
STATE = REPO / ".cache" / "lab" / f"run-{INSTANCE}" / "state.json"
PREFIX = f"celab{INSTANCE}-"
FLAVOURS = ("coreos", "flatcar")


def lab(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(LAB), *args],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, LAB_INSTANCE=INSTANCE),
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"lab {' '.join(args)} failed ({proc.returncode}):\n"
            f"{proc.stdout}{proc.stderr}"
        )
    return proc


@dataclasses.dataclass
class Machine:
    name: str
    address: str
    pid: int

    def sh(
        self, script: str, check: bool = True
    ) -> subprocess.CompletedProcess:
        """Run a shell script on the machine through `lab exec`."""
        proc = lab(
            "exec", self.name, "--", "/bin/bash", "-c", script, check=False
        )
        if check and proc.returncode != 0:
            pytest.fail(
                f"{self.name}: {script!r} failed ({proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}"
            )
        return proc


@dataclasses.dataclass
class Lab:
    flavour: str
    inventory: pathlib.Path
    machines: list[Machine]


def boot(flavour: str, members: int) -> Lab:
    if os.geteuid() != 0:
        pytest.fail("the lab tests need root (systemd-nspawn, namespaces)")
    lab("down")
    inventory = pathlib.Path(
        lab(
            "up", "--flavour", flavour, "--members", str(members)
        ).stdout.strip()
    )
    state = json.loads(STATE.read_text())
    return Lab(
        flavour,
        inventory,
        [
            Machine(m["name"], m["address"], m["init_pid"])
            for m in state["machines"]
        ],
    )


@pytest.fixture(scope="module", params=FLAVOURS)
def lab_machines(request) -> Iterator[Lab]:
    """Three booted machines of one flavour, torn down after the module."""
    booted = boot(request.param, 3)
    try:
        yield booted
    finally:
        lab("down")


def _load(name: str) -> types.ModuleType:
    if str(STANDINS) not in sys.path:
        sys.path.insert(0, str(STANDINS))
    spec = importlib.util.spec_from_file_location(
        f"lab_standin_{name}", STANDINS / f"{name}.py"
    )
    if spec is None or spec.loader is None:
        raise AssertionError(f"cannot load the stand-in {name}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def standins(etcd_binaries) -> types.SimpleNamespace:
    """The stand-ins' modules, their image store pointed at the real etcd
    binaries that the lab mounts into the machines."""
    common = _load("_standin")
    sys.modules["_standin"] = common
    common.IMAGES = next(iter(etcd_binaries.values())).parent  # type: ignore[attr-defined]
    return types.SimpleNamespace(
        common=common, rkt=_load("rkt"), docker=_load("docker")
    )


@pytest.fixture(scope="session")
def labctl() -> types.SimpleNamespace:
    """The helpers above, for tests that drive `lab up` and `lab down`."""
    return types.SimpleNamespace(
        lab=lab, boot=boot, state=STATE, prefix=PREFIX, instance=INSTANCE
    )
