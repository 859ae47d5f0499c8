# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Action plugin for containerlinux.etcd.host_unit: drives a systemd unit
with systemctl through the host's shell alone (no Python there)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleActionFail

from ansible_collections.containerlinux.etcd.plugins.plugin_utils import (
    _host_shell as hs,
)
from ansible_collections.containerlinux.etcd.plugins.plugin_utils._host_action import (  # noqa: E501
    HostShellAction,
)

ARGUMENT_SPEC = {
    "name": {"type": "str", "aliases": ["service", "unit"]},
    "state": {
        "type": "str",
        "choices": ["started", "stopped", "restarted", "reloaded"],
    },
    "enabled": {"type": "bool"},
    # No default here, so that required_one_of sees whether it was given;
    # unset means false, as documented.
    "daemon_reload": {"type": "bool", "aliases": ["daemon-reload"]},
    "no_block": {"type": "bool", "default": False},
    "log_lines": {"type": "int", "default": 20},
}
REQUIRED_ONE_OF = [("name", "daemon_reload")]
REQUIRED_BY = {"state": ("name",), "enabled": ("name",)}

STATUS_KEYS = (
    "ActiveState",
    "SubState",
    "MainPID",
    "LoadState",
    "UnitFileState",
    "Result",
)


class ActionModule(HostShellAction):
    def run(
        self, tmp: Any = None, task_vars: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            required_one_of=REQUIRED_ONE_OF,
            required_by=REQUIRED_BY,
        )[1]
        if args["log_lines"] < 0:
            raise AnsibleActionFail(
                f"log_lines {args['log_lines']} is negative: give the number "
                "of journal lines to show on failure, 0 for none."
            )
        try:
            result.update(self._unit(args))
        except hs.HostShellError as e:
            raise AnsibleActionFail(str(e)) from e
        return result

    def _show(self, name: str | None, reload: bool) -> dict[str, Any]:
        if name is None:
            script = hs.unit_reload_script()
        else:
            script = hs.unit_show_script(name, daemon_reload=reload)
        res = self._shell(script)
        records = hs.parse_records(res["stdout"])
        hs.check_missing(records, "containerlinux.etcd.host_unit")
        if res["rc"] != 0:
            err = (res["stderr"] or res["stdout"]).strip()
            what = "systemctl daemon-reload" if reload else "systemctl show"
            if reload and "reloaded" in records:
                what = "systemctl show"
            raise AnsibleActionFail(
                f"{what} failed on the host (rc {res['rc']}): "
                f"{err or 'no output'}"
            )
        if name is None:
            return {}
        return hs.parse_unit_show(res["stdout"])

    def _journal(self, name: str, lines: int) -> list[str]:
        if lines == 0:
            return []
        res = self._shell(hs.journal_command(name, lines))
        if res["rc"] == 127:
            return ["(journalctl is missing on the host: no log lines)"]
        if res["rc"] != 0:
            err = (res["stderr"] or "").strip()
            return [f"(journalctl failed with rc {res['rc']}: {err})"]
        return res["stdout"].splitlines()

    def _failure(
        self, name: str, lines: int, why: str, status: dict[str, Any]
    ) -> AnsibleActionFail:
        journal = self._journal(name, lines)
        log = "\n".join(journal) if journal else "(none)"
        msg = (
            f"{why} The unit {name} is {status.get('ActiveState')}/"
            f"{status.get('SubState')} (Result={status.get('Result')}). "
            f"Its last log lines:\n{log}"
        )
        return AnsibleActionFail(
            msg,
            result={
                "name": name,
                "status": _status(status),
                "journal": journal,
            },
        )

    def _unit(self, args: dict[str, Any]) -> dict[str, Any]:
        name = args["name"]
        check = self._task.check_mode
        reload = bool(args["daemon_reload"]) and not check
        result: dict[str, Any] = {
            "changed": False,
            "daemon_reloaded": reload,
        }
        if name is None:
            if reload:
                self._show(None, True)
            return result
        hs.check_unit_name(name)
        status = self._show(name, reload)
        result["name"] = name
        if args["state"] is None and args["enabled"] is None:
            result.update(
                status=_status(status),
                enabled=_enabled(status),
                journal=self._journal(name, args["log_lines"]),
            )
            return result
        wants_run = args["state"] in ("started", "restarted", "reloaded")
        if status.get("LoadState") != "loaded":
            if check and (wants_run or args["enabled"]):
                self._display.warning(
                    f"unit {name} is not loaded "
                    f"(LoadState={status.get('LoadState')}); in check mode "
                    "this is taken to mean that an earlier task would have "
                    "installed it."
                )
                result.update(changed=True, status=_status(status))
                return result
            if not wants_run and not args["enabled"]:
                result["status"] = _status(status)
                return result
        plan = hs.unit_plan(
            status, state=args["state"], enabled=args["enabled"]
        )
        result["changed"] = bool(plan)
        result["actions"] = plan
        if check or not plan:
            result["status"] = _status(status)
            result["enabled"] = _enabled(status)
            return result
        for verb in plan:
            cmd = hs.systemctl_command(verb, name, no_block=args["no_block"])
            res = self._shell(cmd)
            if res["rc"] != 0:
                after = self._show(name, False)
                err = (res["stderr"] or res["stdout"]).strip().rstrip(".")
                raise self._failure(
                    name,
                    args["log_lines"],
                    f"systemctl {verb} {name} failed (rc {res['rc']}): "
                    f"{err or 'no output'}.",
                    after,
                )
        after = self._show(name, False)
        if not args["no_block"] and hs.unit_failed(after, args["state"]):
            raise self._failure(
                name,
                args["log_lines"],
                f"systemctl {plan[-1]} {name} returned, but the unit did "
                "not stay up.",
                after,
            )
        result["status"] = _status(after)
        result["enabled"] = _enabled(after)
        return result


def _status(status: dict[str, Any]) -> dict[str, Any]:
    return {k: status[k] for k in STATUS_KEYS if k in status}


def _enabled(status: dict[str, Any]) -> bool:
    return hs.unit_file_enabled(str(status.get("UnitFileState", "")))
