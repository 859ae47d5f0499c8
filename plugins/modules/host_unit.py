# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: host_unit
short_description: Drive a systemd unit on a host that has no Python
version_added: 0.1.0
description:
  - Reloads systemd's unit files, enables or disables a unit and starts,
    stops, restarts or reloads it, with C(systemctl) through the host's
    shell alone, so it runs on CoreOS and Flatcar Container Linux, which
    have no Python. It never runs a Python module on the host.
  - Reports the unit's active state, sub-state and main PID; when a start
    fails, or the unit is failed or waiting to be restarted right after
    it, the task fails with the unit's last journal lines.
  - With only O(name) (and perhaps O(daemon_reload)), it reads the unit's
    state and its last journal lines and changes nothing, for health gates
    and failure messages.
  - Options mean what they mean for M(ansible.builtin.systemd_service).
author:
  - containerlinux.etcd developers (!UNKNOWN)
options:
  name:
    description:
      - The unit, for example V(etcd-member.service). A name without a
        suffix is taken as a service by systemctl.
      - Required with O(state) or O(enabled); without O(name), only
        O(daemon_reload) can be given.
    type: str
    aliases: [service, unit]
  state:
    description:
      - V(started) starts the unit unless it is active, activating or
        reloading (a unit waiting to be restarted after a failure is
        started now, so that its failure shows); V(stopped) stops it unless
        it is inactive or failed.
      - V(restarted) always restarts it; V(reloaded) reloads an active
        unit (with C(systemctl reload), which needs C(ExecReload=)) and
        starts an inactive one. Both always report a change.
    type: str
    choices: [started, stopped, restarted, reloaded]
  enabled:
    description:
      - Whether the unit starts at boot (C(systemctl enable) or
        C(disable)).
      - A static, generated, transient, alias or indirect unit counts as
        enabled; a masked unit cannot be enabled and is refused.
    type: bool
  daemon_reload:
    description:
      - Run C(systemctl daemon-reload) before anything else, so that unit
        files and drop-ins written by earlier tasks take effect. Set it
        from the C(changed) result of those tasks.
      - Like in M(ansible.builtin.systemd_service), the reload alone does
        not count as a change.
    type: bool
    default: false
    aliases: [daemon-reload]
  no_block:
    description:
      - Pass C(--no-block) to C(systemctl start), C(stop), C(restart) and
        C(reload) - queue the job and return without waiting for it.
      - Needed to start the members of a new etcd cluster together, since
        each blocking start waits for a quorum the others have not formed
        yet. The unit's state is then reported as systemd sees it right
        after queueing, and a later failure is not noticed.
    type: bool
    default: false
  log_lines:
    description:
      - How many of the unit's last journal lines to show when it fails,
        or to return when only O(name) is given (C(journalctl --unit));
        V(0) for none.
    type: int
    default: 20
notes:
  - Needs C(systemctl) on the host and systemd as PID 1; C(journalctl) for
    the log lines of a failure.
  - In check mode a unit that is not loaded yet (because the task that
    would write it ran in check mode too) is reported as changed with a
    warning; outside check mode that is an error.
seealso:
  - module: ansible.builtin.systemd_service
  - module: containerlinux.etcd.host_file
extends_documentation_fragment:
  - containerlinux.etcd.attributes
attributes:
  facts:
    support: none
  action:
    support: full
    details: The work is done by an action plugin on the controller.
  async:
    support: none
  check_mode:
    support: full
    details:
      - Reads the unit's state and reports what would change; runs neither
        C(daemon-reload) nor any other C(systemctl) verb that changes
        something.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - O(state=started), O(state=stopped) and O(enabled) change nothing
        when the unit is already so; O(state=restarted) and
        O(state=reloaded) always act.
  platform:
    platforms: posix
    support: full
    details: Hosts with systemd as PID 1.
"""

EXAMPLES = r"""
- name: Read etcd's state and last log lines
  containerlinux.etcd.host_unit:
    name: etcd-member.service
  register: __etcd_unit

- name: Reload systemd when the drop-in changed, then start etcd
  containerlinux.etcd.host_unit:
    name: etcd-member.service
    state: started
    enabled: true
    daemon_reload: "{{ __etcd_dropin is changed }}"

- name: Start all members of a new cluster together
  containerlinux.etcd.host_unit:
    name: etcd-member.service
    state: started
    no_block: true

- name: Stop etcd on this member
  containerlinux.etcd.host_unit:
    name: etcd-member.service
    state: stopped
"""

RETURN = r"""
name:
  description: The unit.
  returned: when O(name) is given
  type: str
  sample: etcd-member.service
actions:
  description: The C(systemctl) verbs run, or that would run in check mode.
  returned: when O(state) or O(enabled) is given and the unit is loaded
  type: list
  elements: str
  sample: [enable, start]
enabled:
  description: Whether the unit is enabled after the task.
  returned: when O(name) is given and the unit is loaded
  type: bool
  sample: true
daemon_reloaded:
  description: Whether C(systemctl daemon-reload) ran.
  returned: always
  type: bool
  sample: false
status:
  description: The unit's state after the task, from C(systemctl show).
  returned: when O(name) is given
  type: dict
  contains:
    ActiveState:
      description: V(active), V(activating), V(inactive), V(failed), ...
      type: str
      sample: active
    SubState:
      description: V(running), V(dead), V(auto-restart), ...
      type: str
      sample: running
    MainPID:
      description: The main process's PID, V(0) when none.
      type: int
      sample: 1234
    LoadState:
      description: V(loaded), V(not-found), V(masked), ...
      type: str
      sample: loaded
    UnitFileState:
      description: V(enabled), V(disabled), V(static), ...
      type: str
      sample: enabled
    Result:
      description: The result of the unit's last run, V(success) or a reason.
      type: str
      sample: success
journal:
  description: The unit's last journal lines.
  returned: on failure, and when only O(name) is given
  type: list
  elements: str
  sample:
    - "2026-12-03T11:00:00+0000 m1 etcd-wrapper[812]: open ca.crt: denied"
"""
