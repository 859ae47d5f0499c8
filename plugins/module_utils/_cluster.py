# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Plan a statically bootstrapped etcd cluster from its members.

Pure logic: given each member's inventory host, etcd name, address and
ports, work out the URLs every member listens on and advertises and the
``initial-cluster`` value they all share, and refuse what etcd would
accept but run badly or not at all.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Dict, List, Mapping, Sequence, Union

Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
NAME_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,62})$")


class ClusterPlanError(ValueError):
    """A member list that cannot make a working cluster."""


def _port(host: str, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ClusterPlanError(
            f"host {host}: {key} must be a port number from 1 to 65535, "
            f"not {value!r}."
        )
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ClusterPlanError(
            f"host {host}: {key} must be a port number from 1 to 65535, "
            f"not {value!r}."
        )
    return port


def _address(host: str, value: Any) -> Address:
    if not isinstance(value, str) or not value:
        raise ClusterPlanError(
            f"host {host}: etcd_member_address is not set: give the IP "
            "address the member listens on and advertises to the others."
        )
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        raise ClusterPlanError(
            f"host {host}: etcd_member_address {value!r} is not an IP "
            "address: etcd listens on IP addresses only, so give the "
            "member's IP here and put DNS names in the certificates' "
            "extra names."
        ) from None
    if addr.is_unspecified or addr.is_multicast:
        raise ClusterPlanError(
            f"host {host}: etcd_member_address {value!r} cannot be "
            "advertised to other members: give the member's own unicast "
            "IP address."
        )
    return addr


def url(address: Address, port: int) -> str:
    """An https URL for an address, with IPv6 addresses in brackets."""
    host = f"[{address}]" if address.version == 6 else str(address)
    return f"https://{host}:{port}"


def plan_cluster(members: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    """Plan the cluster.

    Each member is a mapping with ``host`` (the inventory name), ``name``
    (the etcd member name), ``address``, ``client_port``, ``peer_port``
    and ``listen_loopback`` (also listen for clients on the loopback
    address). Returns ``initial_cluster``, ``members`` (the input's order,
    each with its URLs) and ``warnings``.
    """
    if not members:
        raise ClusterPlanError(
            "the cluster has no members: put the etcd hosts in the "
            "inventory group the role targets."
        )
    planned: List[Dict[str, Any]] = []
    names: Dict[str, str] = {}
    peers: Dict[str, str] = {}
    for member in members:
        host = str(member.get("host", "?"))
        name = member.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ClusterPlanError(
                f"host {host}: etcd_member_name {name!r} is not a usable "
                "member name: use 1 to 63 letters, digits, dots, dashes "
                "and underscores, starting with a letter or digit."
            )
        if name in names:
            raise ClusterPlanError(
                f"hosts {names[name]} and {host} both use the member name "
                f"{name!r}: give each member its own etcd_member_name."
            )
        names[name] = host
        addr = _address(host, member.get("address"))
        client_port = _port(
            host, "etcd_member_client_port", member.get("client_port", 2379)
        )
        peer_port = _port(
            host, "etcd_member_peer_port", member.get("peer_port", 2380)
        )
        if client_port == peer_port:
            raise ClusterPlanError(
                f"host {host}: etcd_member_client_port and "
                f"etcd_member_peer_port are both {client_port}: clients "
                "and peers need ports of their own."
            )
        peer_url = url(addr, peer_port)
        if peer_url in peers:
            raise ClusterPlanError(
                f"hosts {peers[peer_url]} and {host} both advertise the "
                f"peer URL {peer_url}: give each member its own address "
                "or peer port."
            )
        peers[peer_url] = host
        client_url = url(addr, client_port)
        listen_clients = [client_url]
        loopback = ipaddress.ip_address("127.0.0.1")
        if member.get("listen_loopback", True) and addr != loopback:
            listen_clients.append(url(loopback, client_port))
        planned.append(
            {
                "host": host,
                "name": name,
                "address": str(addr),
                "client_url": client_url,
                "peer_url": peer_url,
                "listen_client_urls": listen_clients,
                "listen_peer_urls": [peer_url],
                "advertise_client_urls": [client_url],
                "initial_advertise_peer_urls": [peer_url],
            }
        )
    warnings = []
    count = len(planned)
    if count % 2 == 0:
        warnings.append(
            f"the cluster has {count} members: an even count survives no "
            f"more member failures than {count - 1} members do, and costs "
            "one more vote per write; use an odd number of members."
        )
    initial = ",".join(f"{m['name']}={m['peer_url']}" for m in planned)
    return {
        "initial_cluster": initial,
        "members": planned,
        "warnings": warnings,
    }
