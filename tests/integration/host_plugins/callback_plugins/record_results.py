# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Test helper: write every task result as one JSON line to the file named
by RECORD_RESULTS_FILE, so tests read results instead of screen output."""

from __future__ import annotations

import json
import os
from typing import Any

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Write task results as JSON lines for the tests
description:
  - Appends one JSON object per task result to the file named by the
    environment variable C(RECORD_RESULTS_FILE).
requirements:
  - enabled in the tests' ansible configuration
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, status: str, result: Any) -> None:
        path = os.environ.get("RECORD_RESULTS_FILE")
        if not path:
            return
        data = getattr(result, "result", None)
        if not isinstance(data, dict):
            data = result._result
        task = getattr(result, "task", None) or result._task
        host = getattr(result, "host", None) or result._host
        line = {
            "host": host.get_name(),
            "task": task.get_name(),
            "action": task.action,
            "status": status,
            "result": data,
        }
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, default=repr) + "\n")

    def v2_runner_on_ok(self, result: Any) -> None:
        changed = bool(
            (getattr(result, "result", None) or result._result).get("changed")
        )
        self._record("changed" if changed else "ok", result)

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False):
        self._record("failed", result)

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._record("skipped", result)

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._record("unreachable", result)
