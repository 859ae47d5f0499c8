# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
# GNU General Public License v3.0+ (see LICENSE or
# https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each attribute of this collection's modules means; the modules
say how far they support it."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
attributes:
  action:
    description:
      - The plugin runs on the controller and works on the host through the
        connection alone.
  async:
    description: Whether the task can run asynchronously.
  check_mode:
    description:
      - Whether the task can run in check mode, reporting what would change
        without changing it.
  diff_mode:
    description:
      - Whether the task returns a diff of what it changes (or would
        change) in diff mode.
  facts:
    description: Whether the task sets facts about the host.
  idempotent:
    description:
      - Whether a second run with the same options, outside check mode,
        changes nothing.
  platform:
    description: The target platforms.
"""
