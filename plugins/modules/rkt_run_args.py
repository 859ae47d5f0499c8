#!/usr/bin/python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
# GNU General Public License v3.0+ (see LICENSE or
# https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rkt_run_args
short_description: Compose RKT_RUN_ARGS for the etcd-member rkt wrapper
version_added: 0.1.0
description:
  - Works out the value of C(RKT_RUN_ARGS) for a drop-in of the
    C(etcd-member.service) of CoreOS Container Linux, whose wrapper runs
    C(rkt run $RKT_RUN_ARGS ...).
  - A drop-in's C(RKT_RUN_ARGS) replaces the value the unit and the other
    drop-ins set, so the module starts from that value (the base), keeps
    every argument in it, above all C(--uuid-file-save=...) (without it
    the unit's C(rkt rm) and C(rkt stop) silently find no pod), and adds
    one C(--volume) and one C(--mount) per requested volume.
  - The base is read from the unit and its drop-ins on the host, as
    systemd reads them, or given directly with O(base), so the module can
    run on the controller for a host without Python.
  - Refuses, before anything reaches the host, what rkt or the wrapper
    would refuse or silently get wrong, naming the volume and the rule.
author:
  - containerlinux.etcd developers (!UNKNOWN)
options:
  unit:
    description:
      - Path of the unit file whose C(RKT_RUN_ARGS), with its drop-ins,
        is the base.
      - Its drop-ins are the C(*.conf) files in the C(NAME.d)
        directories of O(search_path), chosen and ordered as systemd does.
      - Mutually exclusive with O(base).
    type: path
    default: /usr/lib/systemd/system/etcd-member.service
  search_path:
    description:
      - The directories systemd loads units and drop-ins from, highest
        priority first.
      - The default is systemd's list for system units, from
        C(/etc/systemd/system.control) to C(/run/systemd/generator.late).
      - Change it only for units outside the system manager, such as in
        tests.
    type: list
    elements: path
  exclude_dropin:
    description:
      - The file name of a drop-in to leave out of the base, in every
        directory, so that the collection's own drop-in never feeds back
        into its base.
    type: str
  base:
    description:
      - The base value itself, instead of reading it from O(unit).
      - Mutually exclusive with O(unit).
    type: str
  volumes:
    description:
      - The volumes to add, each as C(--volume) and C(--mount).
      - A volume the base already defines identically is not added again,
        so composing from a value composed before gives the same value.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The rkt volume name, an ACName, lower-case letters, digits and
            single dashes.
          - Names the wrapper uses (C(coreos-*) and the older names without
            that prefix) and names the base already uses for another
            definition are refused.
        type: str
        required: true
      kind:
        description:
          - C(host) mounts a host directory, C(empty) a new empty one.
        type: str
        choices: [host, empty]
        default: host
      source:
        description:
          - The absolute, normalised host path, for O(volumes[].kind=host)
            only, where it is required.
        type: str
      target:
        description:
          - The absolute, normalised path inside the container.
          - Targets the wrapper mounts itself, and paths above or below
            them (such as C(/etc), C(/var/lib) or C(/etc/ssl/certs/etcd)),
            are refused, since one of the two mounts would hide the other.
        type: str
        required: true
      read_only:
        description:
          - Mount the host directory read-only, for O(volumes[].kind=host)
            only.
          - When not set, C(true) for O(volumes[].kind=host).
        type: bool
      recursive:
        description:
          - Also mount what is mounted below the host directory, for
            O(volumes[].kind=host) only. When not set, rkt decides.
        type: bool
      mode:
        description:
          - The mode of the new directory, as a string of 3 or 4 octal
            digits, for O(volumes[].kind=empty) only.
        type: str
      uid:
        description:
          - The owner of the new directory, for O(volumes[].kind=empty)
            only.
        type: int
      gid:
        description:
          - The group of the new directory, for O(volumes[].kind=empty)
            only.
        type: int
  extra_args:
    description:
      - Further rkt run arguments, added last, each a single
        C(--flag=value) word, such as C(--dns=host).
      - An argument the base already holds is not repeated.
      - C(--volume) and C(--mount) are refused (use O(volumes)), and so are
        the arguments the wrapper adds itself (C(--insecure-options),
        C(--trust-keys-from-https), C(--inherit-env), C(--stage1-*)).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - containerlinux.etcd.attributes
attributes:
  async:
    support: none
  facts:
    support: none
  action:
    support: full
    details:
      - An action plugin of the same name reads the unit and its drop-ins
        through the connection and answers on the controller, so the task
        works on hosts without Python.
  check_mode:
    support: full
    details: The module only reads; it returns the same result in check
      mode and never changes anything.
  diff_mode:
    support: none
    details: Nothing changes, so there is nothing to show.
  idempotent:
    support: full
    details: It never changes anything; the same unit, drop-ins and options
      give the same value, and composing from a value composed before gives
      that value back.
  platform:
    support: full
    platforms: posix
    details: Reads the unit with Python on the host; give O(base) and
      delegate to the controller for hosts without Python.
notes:
  - Paths cannot hold commas (rkt's volume syntax has no escape for them),
    whitespace, quotes, backslashes or glob characters, since the wrapper
    expands C($RKT_RUN_ARGS) unquoted and bash would split or expand them.
    Targets cannot hold C(+), C(%), C(&) or C(;) either, since rkt reads
    C(--mount) as a URL query.
  - Base arguments the module does not know are kept as they are. A base
    that adds an argument the wrapper adds itself, mounts on a wrapper
    target, or defines a volume or mount rkt would refuse, is refused, to
    be fixed where it is set.
  - Without C(--uuid-file-save=...) in the base, a warning is given.
  - A base value holding systemd specifiers such as C(%m) keeps them as
    written.
  - Only the rkt wrapper of CoreOS Container Linux reads C(RKT_RUN_ARGS);
    Flatcar's docker wrapper ignores it.
  - Drop-ins are chosen as systemd 239 and later do (prefix directories
    such as C(etcd-.service.d), and C(service.d) since 243); older
    releases read only C(NAME.d).
seealso:
  - plugin: containerlinux.etcd.systemd_environment
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Compose RKT_RUN_ARGS with the certificate volume
  containerlinux.etcd.rkt_run_args:
    exclude_dropin: 40-etcd-member.conf
    volumes:
      - name: etcd-member-tls
        source: /etc/etcd-member/tls
        target: /etc/etcd-member/tls
  register: __etcd_rkt

- name: Compose it on the controller from a known base
  containerlinux.etcd.rkt_run_args:
    base: --uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid
    volumes:
      - name: etcd-member-tls
        source: /etc/etcd-member/tls
        target: /etc/etcd-member/tls
      - name: scratch
        kind: empty
        target: /var/tmp/etcd
        mode: "0700"
        uid: 232
    extra_args:
      - --dns=host
  delegate_to: localhost
  register: __etcd_rkt
"""

RETURN = r"""
args:
  description: The arguments, one word each, base first.
  returned: success
  type: list
  elements: str
  sample:
    - --uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid
    - --volume=tls,kind=host,source=/etc/etcd-member/tls,readOnly=true
    - --mount=volume=tls,target=/etc/etcd-member/tls
value:
  description:
    - The value for C(RKT_RUN_ARGS), the arguments joined by spaces.
    - Quote it for C(Environment=) with the
      P(containerlinux.etcd.systemd_environment#filter) filter.
  returned: success
  type: str
  sample: >-
    --uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid
    --volume=tls,kind=host,source=/etc/etcd-member/tls,readOnly=true
    --mount=volume=tls,target=/etc/etcd-member/tls
base:
  description: The base value the arguments start from.
  returned: success
  type: str
  sample: --uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid
sources:
  description:
    - The files the base was read from, in the order systemd applies
      them; empty when O(base) is given.
  returned: success
  type: list
  elements: str
  sample:
    - /usr/lib/systemd/system/etcd-member.service
    - /etc/systemd/system/etcd-member.service.d/10-proxy.conf
"""

import os  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402

from ansible_collections.containerlinux.etcd.plugins.module_utils._rkt import (  # noqa: E402
    MUTUALLY_EXCLUSIVE,
    RktArgumentError,
    argument_spec,
    compose,
)
from ansible_collections.containerlinux.etcd.plugins.module_utils._systemd import (  # noqa: E402, E501
    SYSTEM_UNIT_PATH,
    SystemdEnvironmentError,
    dropin_directories,
    select_dropins,
    unit_candidates,
    unit_environment,
)


def _read(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        return handle.read()


def _listing(directory):
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [
        name
        for name in names
        if os.path.isfile(os.path.join(directory, name))
        or os.path.realpath(os.path.join(directory, name)) == "/dev/null"
    ]


def read_base(unit, search_path, exclude, problems):
    """Return (base, files read) from the unit and its drop-ins."""
    name = os.path.basename(unit)
    for candidate in unit_candidates(name, search_path):
        if os.path.exists(candidate):
            if os.path.realpath(candidate) != os.path.realpath(unit):
                raise RktArgumentError(
                    f"systemd loads {candidate!r}, not {unit!r}, as {name}: "
                    f"give unit: {candidate}"
                )
            break
    if not os.path.isfile(unit):
        raise RktArgumentError(
            f"the unit {unit!r} does not exist: give the path of the "
            "installed unit, or the base value with base"
        )
    directories = dropin_directories(name, search_path)
    chosen = select_dropins(
        (directory, _listing(directory)) for directory in directories
    )
    paths = [
        os.path.join(directory, file_name)
        for file_name, directory in chosen
        if file_name != exclude
    ]
    env = unit_environment(
        _read(unit), [(path, _read(path)) for path in paths], problems=problems
    )
    return env.get("RKT_RUN_ARGS", ""), [unit, *paths]


def main():
    module = AnsibleModule(
        argument_spec=argument_spec("path"),
        mutually_exclusive=MUTUALLY_EXCLUSIVE,
        supports_check_mode=True,
    )
    params = module.params
    problems = []
    try:
        if params["base"] is not None:
            base, sources = params["base"], []
        else:
            base, sources = read_base(
                params["unit"],
                params["search_path"] or SYSTEM_UNIT_PATH,
                params["exclude_dropin"],
                problems,
            )
        result = compose(base, params["volumes"], params["extra_args"])
    except (RktArgumentError, SystemdEnvironmentError) as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(
            msg=f"cannot read {exc.filename!r}: {exc.strerror}; check that "
            "the unit and its drop-ins are readable"
        )
    for warning in problems + result["warnings"]:
        module.warn(warning)
    module.exit_json(
        changed=False,
        args=result["args"],
        value=result["value"],
        base=result["base"],
        sources=sources,
    )


if __name__ == "__main__":
    main()
