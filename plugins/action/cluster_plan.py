# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Controller side of containerlinux.etcd.cluster_plan."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.containerlinux.etcd.plugins.module_utils._cluster import (  # noqa: E501
    ClusterPlanError,
    plan_cluster,
)

_MEMBER_SPEC = {
    "host": {"type": "str", "required": True},
    "name": {"type": "str", "required": True},
    "address": {"type": "str", "required": True},
    "client_port": {"type": "int", "default": 2379},
    "peer_port": {"type": "int", "default": 2380},
    "listen_loopback": {"type": "bool", "default": True},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _spec, args = self.validate_argument_spec(
            argument_spec={
                "members": {
                    "type": "list",
                    "elements": "dict",
                    "required": True,
                    "options": _MEMBER_SPEC,
                },
            },
        )
        try:
            plan = plan_cluster(args["members"])
        except ClusterPlanError as exc:
            raise AnsibleActionFail(str(exc)) from None
        result.update(plan)
        result["changed"] = False
        return result
