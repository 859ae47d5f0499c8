# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: host_facts
short_description: Gather what etcd needs to know about a Container Linux host
version_added: 0.1.0
description:
  - Reads, through the host's shell alone (no Python there), the
    os-release fields, the architecture, the uid and gid of the etcd user,
    and the installed etcd-member unit with its drop-ins.
  - Tells the flavour of the host from the wrapper that the unit's
    C(ExecStart=) runs - V(rkt) for the CoreOS wrapper that runs etcd with
    rkt, V(docker) for the Flatcar wrapper that runs it with docker.
  - Sets the fact C(containerlinux_etcd_host); read it as
    C(ansible_facts.containerlinux_etcd_host).
author:
  - containerlinux.etcd developers (!UNKNOWN)
options:
  unit:
    description: The unit to read.
    type: str
    default: etcd-member.service
  user:
    description: The user whose uid and gid to report.
    type: str
    default: etcd
notes:
  - Needs C(uname) and C(base64) on the host; the unit facts need
    C(systemctl) with systemd as PID 1 (without them they are empty and a
    warning says why).
  - The unit's text and drop-ins are those systemd has loaded; after
    writing a drop-in, run a daemon-reload before gathering again.
  - Unit and drop-in paths holding blanks are not read (systemd lists
    them separated by spaces).
seealso:
  - module: containerlinux.etcd.host_unit
extends_documentation_fragment:
  - containerlinux.etcd.attributes
attributes:
  action:
    support: full
    details: The work is done by an action plugin on the controller.
  async:
    support: none
  check_mode:
    support: full
    details: It only reads, so check mode gives the same result.
  diff_mode:
    support: none
  facts:
    support: full
  idempotent:
    support: full
    details: It changes nothing.
  platform:
    platforms: posix
    support: full
"""

EXAMPLES = r"""
- name: Learn what kind of Container Linux this is
  containerlinux.etcd.host_facts:

- name: Refuse hosts whose etcd-member unit is missing
  ansible.builtin.assert:
    that: ansible_facts.containerlinux_etcd_host.unit.installed
    fail_msg: "{{ inventory_hostname }} has no etcd-member.service."

- name: Show the flavour
  ansible.builtin.debug:
    msg: "{{ ansible_facts.containerlinux_etcd_host.flavour }}"
"""

RETURN = r"""
ansible_facts:
  description: The facts.
  returned: always
  type: dict
  contains:
    containerlinux_etcd_host:
      description: What the host said.
      type: dict
      contains:
        os_release:
          description:
            - The fields of C(/etc/os-release) (or C(/usr/lib/os-release)),
              unquoted; empty when neither exists.
          type: dict
          sample:
            ID: flatcar
            VERSION_ID: 4081.2.0
            NAME: Flatcar Container Linux by Kinvolk
        architecture:
          description: What C(uname -m) prints.
          type: str
          sample: x86_64
        flavour:
          description:
            - V(rkt) or V(docker), from the text of the wrapper the unit
              runs; null when the unit is missing or runs something else.
          type: str
          sample: docker
        user:
          description: The etcd user.
          type: dict
          contains:
            name:
              description: The user's name, O(user).
              type: str
              sample: etcd
            uid:
              description: Its uid, null when the user does not exist.
              type: int
              sample: 232
            gid:
              description: Its primary gid, null when the user does not exist.
              type: int
              sample: 232
        unit:
          description: The unit as systemd has loaded it.
          type: dict
          contains:
            name:
              description: O(unit).
              type: str
              sample: etcd-member.service
            installed:
              description: Whether systemd found the unit (LoadState=loaded).
              type: bool
              sample: true
            load_state:
              description: The unit's LoadState, null without systemd.
              type: str
              sample: loaded
            path:
              description: The unit file (FragmentPath).
              type: str
              sample: /usr/lib/systemd/system/etcd-member.service
            text:
              description: The unit file's text.
              type: str
            dropins:
              description: The drop-ins, in the order systemd applies them.
              type: list
              elements: dict
              contains:
                name:
                  description: The file name.
                  type: str
                  sample: 40-etcd-cluster.conf
                path:
                  description: The full path.
                  type: str
                  sample: /etc/systemd/system/etcd-member.service.d/40-tls.conf
                text:
                  description: The drop-in's text.
                  type: str
            environment:
              description:
                - The variables the unit's C(Environment=) lines set, with its
                  drop-ins applied in systemd's order, as systemd reads them
                  (quotes and escapes undone, specifiers such as C(%m) kept);
                  null when the unit is missing.
              type: dict
              sample:
                ETCD_USER: etcd
                ETCD_DATA_DIR: /var/lib/etcd
                ETCD_SSL_DIR: /etc/ssl/certs
            environment_problems:
              description:
                - What systemd would log about those lines (such as an
                  unbalanced quote that drops the rest of a line), as
                  sentences.
              type: list
              elements: str
              sample: []
            exec_start:
              description: The effective C(ExecStart=) value.
              type: str
              sample: /usr/lib/flatcar/etcd-wrapper $ETCD_OPTS
            wrapper:
              description: The program C(ExecStart=) runs.
              type: str
              sample: /usr/lib/flatcar/etcd-wrapper
            wrapper_found:
              description: Whether that program could be read.
              type: bool
              sample: true
"""
