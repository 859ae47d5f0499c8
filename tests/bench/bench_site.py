# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Time playbooks/site.yml on the lab against a hand-written baseline.

For each member count, on fresh lab machines: the collection's first
bootstrap, its no-op rerun, and tests/bench/minimal.yml doing the same work
with no checks. Prints seconds and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
LAB = REPO / "tests" / "lab" / "lab"
PLAYBOOK = REPO / ".cache" / "venv" / "newest" / "bin" / "ansible-playbook"


# A lab instance of its own, so the benchmark leaves `make lab` alone.
LAB_ENV = dict(os.environ, LAB_INSTANCE="bench")


def lab(*args: str) -> str:
    return subprocess.run(
        [str(LAB), *args],
        check=True,
        text=True,
        capture_output=True,
        env=LAB_ENV,
    ).stdout


def fresh_lab(flavour: str, members: int, workdir: pathlib.Path) -> str:
    lab("down")
    lab("up", "--flavour", flavour, "--members", str(members))
    inventory = lab("inventory").strip().splitlines()[-1]
    local = workdir / "inventory.yml"
    shutil.copy(inventory, local)
    return str(local)


def timed(inventory: str, playbook: str, workdir: pathlib.Path) -> float:
    env = dict(os.environ)
    env.setdefault(
        "ANSIBLE_COLLECTIONS_PATH", str(REPO / ".cache" / "collections")
    )
    start = time.monotonic()
    proc = subprocess.run(
        [str(PLAYBOOK), "-i", inventory, playbook],
        check=False,
        cwd=workdir,
        text=True,
        capture_output=True,
        env=env,
    )
    took = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"{playbook} failed:\n{proc.stdout[-4000:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flavour", default="coreos")
    parser.add_argument("--members", type=int, nargs="+", default=[3, 5])
    args = parser.parse_args()
    rows = []
    try:
        for members in args.members:
            with tempfile.TemporaryDirectory() as tmp:
                work = pathlib.Path(tmp)
                inv = fresh_lab(args.flavour, members, work)
                first = timed(inv, "containerlinux.etcd.site", work)
                rerun = timed(inv, "containerlinux.etcd.site", work)
                # The baseline reuses the PKI the collection made, on
                # machines of its own.
                pki = work / "etcd-pki"
                keep = pathlib.Path(tmp + "-pki")
                shutil.copytree(pki, keep)
                inv = fresh_lab(args.flavour, members, work)
                shutil.rmtree(pki)
                shutil.move(str(keep), pki)
                minimal = timed(inv, str(HERE / "minimal.yml"), work)
                rows.append((members, first, rerun, minimal))
    finally:
        lab("down")
    print(f"flavour {args.flavour}")
    print(
        "members  site.yml first  site.yml rerun  minimal  "
        "first/minimal  rerun/minimal"
    )
    for members, first, rerun, minimal in rows:
        print(
            f"{members:7d}  {first:13.1f}s  {rerun:13.1f}s  "
            f"{minimal:6.1f}s  {first / minimal:13.2f}  "
            f"{rerun / minimal:13.2f}"
        )


if __name__ == "__main__":
    main()
