# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
# GNU General Public License v3.0+ (see LICENSE or
# https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: cluster_plan
short_description: Plan the URLs and initial cluster of a static etcd bootstrap
version_added: 0.1.0
description:
  - Works out, on the controller, the URLs each etcd member listens on and
    advertises, and the C(initial-cluster) value all members share, from a
    list of members.
  - Refuses member lists that etcd would accept but that cannot form a
    working cluster, naming the host and the variable to fix.
  - Touches no host; run it once for the whole play.
author:
  - containerlinux.etcd developers (@containerlinux)
options:
  members:
    description:
      - The cluster's members, in the order C(initial-cluster) lists them.
    type: list
    elements: dict
    required: true
    suboptions:
      host:
        description: The member's inventory host name, used in messages.
        type: str
        required: true
      name:
        description:
          - The etcd member name, unique in the cluster.
          - 1 to 63 letters, digits, dots, dashes and underscores.
        type: str
        required: true
      address:
        description:
          - The IP address the member listens on and advertises.
        type: str
        required: true
      client_port:
        description: The port for clients.
        type: int
        default: 2379
      peer_port:
        description: The port for the other members.
        type: int
        default: 2380
      listen_loopback:
        description:
          - Also listen for clients on C(127.0.0.1), so tools on the host
            reach the member without knowing its address.
        type: bool
        default: true
extends_documentation_fragment:
  - containerlinux.etcd.attributes
attributes:
  async:
    support: none
  facts:
    support: none
  action:
    support: full
  check_mode:
    support: full
    details: It changes nothing anywhere, so check mode gives the same result.
  diff_mode:
    support: none
    details: It changes nothing, so there is no diff to show.
  idempotent:
    support: full
    details: The same members always give the same plan.
  platform:
    support: full
    platforms: all
notes:
  - A cluster with an even number of members works, but the module warns,
    since it survives no more failures than one member fewer.
  - Members listen on IP addresses only, as etcd requires; DNS names belong
    in the certificates.
"""

EXAMPLES = r"""
- name: Plan the cluster from every member of the play
  containerlinux.etcd.cluster_plan:
    members:
      - host: etcd1
        name: etcd1
        address: 192.0.2.11
      - host: etcd2
        name: etcd2
        address: 192.0.2.12
      - host: etcd3
        name: etcd3
        address: 192.0.2.13
  run_once: true
  register: __etcd_plan
"""

RETURN = r"""
initial_cluster:
  description: The value of C(initial-cluster) for every member.
  returned: success
  type: str
  sample: etcd1=https://192.0.2.11:2380,etcd2=https://192.0.2.12:2380
members:
  description: Each member with the URLs it listens on and advertises.
  returned: success
  type: list
  elements: dict
  sample:
    - host: etcd1
      name: etcd1
      address: 192.0.2.11
      client_url: https://192.0.2.11:2379
      peer_url: https://192.0.2.11:2380
      listen_client_urls:
        - https://192.0.2.11:2379
        - https://127.0.0.1:2379
      listen_peer_urls: [https://192.0.2.11:2380]
      advertise_client_urls: [https://192.0.2.11:2379]
      initial_advertise_peer_urls: [https://192.0.2.11:2380]
warnings:
  description: Advice that does not stop the run, such as an even count.
  returned: always
  type: list
  elements: str
"""
