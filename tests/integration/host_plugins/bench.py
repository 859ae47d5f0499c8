# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Print how long the host plugins take per task on the Python-less local
target: one play of N host_file tasks that write, then the same play with
nothing to change, and the plain start-up cost of an empty play.

Run from the repository root with a venv's Python, for example
  .cache/venv/newest/bin/python tests/integration/host_plugins/bench.py 20
"""

from __future__ import annotations

import pathlib
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from host_plugins.conftest import (  # noqa: E402
    LOCAL_INVENTORY,
    REPO,
    run_playbook,
)


def timed(work: pathlib.Path, tasks: list[dict]) -> float:
    start = time.monotonic()
    run = run_playbook(
        work, REPO / ".cache" / "collections", LOCAL_INVENTORY, tasks
    )
    elapsed = time.monotonic() - start
    if run.rc != 0:
        sys.exit(f"the play failed:\n{run.stdout}\n{run.stderr}")
    return elapsed


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "files").mkdir()
        tasks = [
            {
                "name": f"file {i}",
                "containerlinux.etcd.host_file": {
                    "dest": str(root / "files" / f"f{i}.conf"),
                    "content": f"value {i}\n" * 100,
                    "mode": "0640",
                },
            }
            for i in range(count)
        ]
        empty = timed(root / "a", [{"name": "nothing", "meta": "noop"}])
        write = timed(root / "b", tasks)
        again = timed(root / "c", tasks)
    print(f"empty play: {empty:.2f} s")
    print(
        f"{count} host_file tasks that write: {write:.2f} s, "
        f"{(write - empty) / count * 1000:.0f} ms a task"
    )
    print(
        f"{count} host_file tasks with nothing to change: {again:.2f} s, "
        f"{(again - empty) / count * 1000:.0f} ms a task"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
