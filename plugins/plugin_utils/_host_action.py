# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The base of the action plugins that work on a host through its shell
alone, with no Python there."""

from __future__ import annotations

from typing import Any

from ansible.plugins.action import ActionBase

from ansible_collections.containerlinux.etcd.plugins.plugin_utils import (
    _host_shell as hs,
)


class HostShellAction(ActionBase):
    """Runs scripts on the host as one command of its shell (become
    applies), and never a module."""

    _supports_check_mode = True
    _supports_async = False

    def _shell(self, script: str) -> dict[str, Any]:
        return self._low_level_execute_command(
            hs.as_command(script), sudoable=True
        )
