# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Action plugin for containerlinux.etcd.rkt_run_args: reads the unit and
its drop-ins through the host's shell and composes RKT_RUN_ARGS on the
controller, so the module's ``unit`` option works on a host without
Python. It returns what the module would and never runs it."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleActionFail

from ansible_collections.containerlinux.etcd.plugins.module_utils._rkt import (
    MUTUALLY_EXCLUSIVE,
    RktArgumentError,
    argument_spec,
    compose,
)
from ansible_collections.containerlinux.etcd.plugins.module_utils._systemd import (  # noqa: E501
    SYSTEM_UNIT_PATH,
    SystemdEnvironmentError,
    dropin_directories,
    select_dropins,
    unit_candidates,
    unit_environment,
)
from ansible_collections.containerlinux.etcd.plugins.plugin_utils import (
    _host_shell as hs,
)
from ansible_collections.containerlinux.etcd.plugins.plugin_utils._host_action import (  # noqa: E501
    HostShellAction,
)

# Paths are host paths: plain strings here (type path would expand them on
# the controller).
ARGUMENT_SPEC = argument_spec("str")


class ActionModule(HostShellAction):
    def run(
        self, tmp: Any = None, task_vars: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        params = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            mutually_exclusive=MUTUALLY_EXCLUSIVE,
        )[1]
        problems: list[str] = []
        try:
            if params["base"] is not None:
                base, sources = params["base"], []
            else:
                base, sources = self._read_base(
                    params["unit"],
                    params["search_path"] or list(SYSTEM_UNIT_PATH),
                    params["exclude_dropin"],
                    problems,
                )
            composed = compose(base, params["volumes"], params["extra_args"])
        except (
            RktArgumentError,
            SystemdEnvironmentError,
            hs.HostShellError,
        ) as e:
            raise AnsibleActionFail(str(e)) from e
        warnings = problems + composed["warnings"]
        if warnings:
            result["warnings"] = warnings
        result.update(
            changed=False,
            args=composed["args"],
            value=composed["value"],
            base=composed["base"],
            sources=sources,
        )
        return result

    def _read_base(
        self,
        unit: str,
        search_path: list[str],
        exclude: str | None,
        problems: list[str],
    ) -> tuple[str, list[str]]:
        for path in [unit, *search_path]:
            if not path.startswith("/"):
                raise hs.HostShellError(
                    f"{path!r} is not an absolute path: give unit and "
                    "search_path as absolute paths on the host."
                )
        name = unit.rstrip("/").rsplit("/", 1)[-1]
        directories = dropin_directories(name, search_path)
        res = self._shell(
            hs.unit_listing_script(
                unit, unit_candidates(name, search_path), directories
            )
        )
        if res["rc"] != 0:
            hs.check_missing(
                hs.parse_records(res["stdout"]),
                "containerlinux.etcd.rkt_run_args",
            )
            err = (res["stderr"] or res["stdout"]).strip()
            raise hs.HostShellError(
                f"listing the unit files on the host failed (rc "
                f"{res['rc']}): {err or 'no output'}"
            )
        listing = hs.parse_unit_listing(res["stdout"])
        candidate = listing["candidate"]
        if candidate is not None and candidate[1] != listing["unit_real"]:
            raise RktArgumentError(
                f"systemd loads {candidate[0]!r}, not {unit!r}, as {name}: "
                f"give unit: {candidate[0]}"
            )
        if not listing["unit_is_file"]:
            raise RktArgumentError(
                f"the unit {unit!r} does not exist: give the path of the "
                "installed unit, or the base value with base"
            )
        chosen = select_dropins(
            (d, listing["listings"].get(d, [])) for d in directories
        )
        paths = [
            f"{directory}/{file_name}"
            for file_name, directory in chosen
            if file_name != exclude
        ]
        res = self._shell(hs.cat_files_script([unit, *paths]))
        texts, unreadable = hs.parse_cat_files(res["stdout"])
        if unreadable or res["rc"] != 0:
            missing = unreadable[0] if unreadable else unit
            raise hs.HostShellError(
                f"cannot read {missing!r} on the host; check that the unit "
                "and its drop-ins are readable (become: true)"
            )
        env = unit_environment(
            texts[unit],
            [(path, texts[path]) for path in paths],
            problems=problems,
        )
        return env.get("RKT_RUN_ARGS", ""), [unit, *paths]
