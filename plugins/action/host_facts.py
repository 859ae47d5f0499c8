# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Action plugin for containerlinux.etcd.host_facts: gathers what the
collection needs to know about a Container Linux host through its shell
alone (no Python there)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleActionFail

from ansible_collections.containerlinux.etcd.plugins.module_utils._systemd import (  # noqa: E501
    SystemdEnvironmentError,
    unit_environment,
)
from ansible_collections.containerlinux.etcd.plugins.plugin_utils import (
    _host_shell as hs,
)
from ansible_collections.containerlinux.etcd.plugins.plugin_utils._host_action import (  # noqa: E501
    HostShellAction,
)

FACTS_KEY = "containerlinux_etcd_host"

ARGUMENT_SPEC = {
    "unit": {"type": "str", "default": "etcd-member.service"},
    "user": {"type": "str", "default": "etcd"},
}


class ActionModule(HostShellAction):
    def run(
        self, tmp: Any = None, task_vars: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        try:
            facts = self._gather(args["unit"], args["user"])
        except hs.HostShellError as e:
            raise AnsibleActionFail(str(e)) from e
        result.update(changed=False, ansible_facts={FACTS_KEY: facts})
        return result

    def _gather(self, unit: str, user: str) -> dict[str, Any]:
        res = self._shell(hs.facts_script(unit, user))
        records = hs.parse_records(res["stdout"])
        hs.check_missing(records, "containerlinux.etcd.host_facts")
        if res["rc"] != 0:
            err = (res["stderr"] or res["stdout"]).strip()
            raise AnsibleActionFail(
                f"gathering host facts failed on the host (rc {res['rc']}): "
                f"{err or 'no output'}"
            )
        raw = hs.parse_facts(res["stdout"])
        if raw["systemctl"] != "ok":
            self._display.warning(
                f"systemctl could not report {unit} on this host "
                f"({raw['systemctl']}); the unit facts are empty."
            )
        texts = []
        if raw["unit_text"] is not None:
            texts.append(raw["unit_text"])
        texts += [d["text"] for d in raw["dropins"]]
        exec_start = hs.unit_values(texts, "Service", "ExecStart")
        wrapper = hs.exec_path(exec_start[-1]) if exec_start else None
        flavour = None
        wrapper_found = False
        if wrapper is not None:
            res = self._shell(hs.cat_script(wrapper))
            records = hs.parse_records(res["stdout"])
            text = hs.first(records, "file")
            if text is not None:
                wrapper_found = True
                flavour = hs.wrapper_flavour(
                    hs.b64decode(text).decode("utf-8", "replace")
                )
        installed = raw["load_state"] == "loaded"
        environment = None
        problems: list[str] = []
        if raw["unit_text"] is not None:
            try:
                environment = unit_environment(
                    raw["unit_text"],
                    [(d["path"], d["text"]) for d in raw["dropins"]],
                    problems=problems,
                )
            except SystemdEnvironmentError as e:
                problems.append(str(e))
        return {
            "os_release": raw["os_release"],
            "architecture": raw["architecture"],
            "flavour": flavour,
            "user": {"name": user, "uid": raw["uid"], "gid": raw["gid"]},
            "unit": {
                "name": unit,
                "installed": installed,
                "load_state": raw["load_state"],
                "path": raw["fragment_path"],
                "text": raw["unit_text"],
                "dropins": raw["dropins"],
                "environment": environment,
                "environment_problems": problems,
                "exec_start": exec_start[-1] if exec_start else None,
                "wrapper": wrapper,
                "wrapper_found": wrapper_found,
            },
        }
