# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection

DOCUMENTATION = r"""
name: systemd_environment
short_description: Quote variables for systemd C(Environment=) lines
version_added: 0.1.0
description:
  - Takes a mapping of environment variable names to values and returns one
    quoted assignment per variable, in the mapping's order, each to be
    written into a unit or drop-in as C(Environment=<item>).
  - systemd reads every item back as exactly the given name and value. The
    whole C(NAME=value) is put in double quotes, so spaces, tabs and single
    quotes stay as they are; C(\) and C(") are escaped; C(%) is written as
    C(%%), since systemd would otherwise expand specifiers such as C(%m).
  - C($VAR) and C(${VAR}) need no care, since systemd does not expand
    variables in C(Environment=).
author:
  - containerlinux.etcd developers
positional: _input
options:
  _input:
    description:
      - Variable names mapped to their values.
      - Names are letters, digits and underscores, not starting with a
        digit.
      - Values are strings or integers. A boolean is refused, since its
        spelling (C(true) or C(True)) matters to the program that reads
        it; give it as a string.
    type: dict
    required: true
notes:
  - Values with a newline, a carriage return or any other control
    character except tab are refused. A newline would end the line in the
    unit file, and the rest of the value would become a directive of its
    own, such as C(ExecStartPre=); older systemd releases, such as
    CoreOS's, ignore assignments that hold any other control character
    but tab. Tabs are kept.
  - Unicode noncharacters (such as U+FFFE or U+FDD0) are refused too;
    systemd does not count them as UTF-8 and refuses to load the whole
    unit.
  - A value is a string of Unicode text; anything that cannot be encoded as
    UTF-8 is refused.
  - Values reach the program exactly as given; C(%m) in a value stays
    C(%m) and does not become the machine id.
seealso:
  - name: systemd.exec(5), Environment=
    description: How systemd reads C(Environment=) assignments.
    link: https://www.freedesktop.org/software/systemd/man/systemd.exec.html#Environment=
"""

EXAMPLES = r"""
- name: Render a drop-in with the etcd environment
  ansible.builtin.copy:
    dest: /etc/systemd/system/etcd-member.service.d/20-etcd.conf
    mode: "0644"
    content: |
      [Service]
      {% for item in etcd_env | containerlinux.etcd.systemd_environment %}
      Environment={{ item }}
      {% endfor %}
  vars:
    etcd_env:
      ETCD_NAME: etcd1
      ETCD_INITIAL_CLUSTER_TOKEN: 'token "a" at 50%'

- name: Show the quoted assignments
  ansible.builtin.debug:
    msg: "{{ etcd_env | containerlinux.etcd.systemd_environment }}"
  vars:
    etcd_env:
      ETCD_NAME: etcd1
      ETCD_INITIAL_CLUSTER_TOKEN: 'token "a" at 50%'
  # ['"ETCD_NAME=etcd1"',
  #  '"ETCD_INITIAL_CLUSTER_TOKEN=token \\"a\\" at 50%%"']
"""

RETURN = r"""
_value:
  description:
    - One quoted assignment per variable, in the order of the input, each
      to follow C(Environment=).
  type: list
  elements: str
  sample:
    - '"ETCD_NAME=etcd1"'
    - '"ETCD_DATA_DIR=/var/lib/etcd"'
"""

from collections.abc import Mapping  # noqa: E402

from ansible.errors import AnsibleFilterError  # noqa: E402

from ansible_collections.containerlinux.etcd.plugins.module_utils._systemd import (  # noqa: E402, E501
    SystemdEnvironmentError,
    quote_assignment,
)

FQCN = "containerlinux.etcd.systemd_environment"


def systemd_environment(environment: Mapping) -> list[str]:
    """Quote every variable of ``environment`` for ``Environment=``."""
    if not isinstance(environment, Mapping):
        raise AnsibleFilterError(
            f"{FQCN}: the input must be a mapping of variable names to "
            f"values, not a {type(environment).__name__}"
        )
    lines = []
    for name, value in environment.items():
        if isinstance(value, bool):
            raise AnsibleFilterError(
                f"{FQCN}: the value of {name!r} is a boolean: give it as "
                "the string the program expects, such as 'true'"
            )
        if isinstance(value, int):
            value = str(value)
        try:
            lines.append(quote_assignment(name, value))
        except SystemdEnvironmentError as exc:
            raise AnsibleFilterError(f"{FQCN}: {exc}") from None
    return lines


class FilterModule:
    def filters(self):
        return {"systemd_environment": systemd_environment}
