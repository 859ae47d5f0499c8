# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection

from __future__ import annotations

import pytest

from ansible_collections.containerlinux.etcd.plugins.module_utils._cluster import (  # noqa: E501
    ClusterPlanError,
    plan_cluster,
)


def member(host, address, **extra):
    return {
        "host": host,
        "name": extra.pop("name", host),
        "address": address,
        **extra,
    }


THREE = [
    member("etcd1", "192.0.2.11"),
    member("etcd2", "192.0.2.12"),
    member("etcd3", "192.0.2.13"),
]


def test_three_members():
    plan = plan_cluster(THREE)
    assert plan["initial_cluster"] == (
        "etcd1=https://192.0.2.11:2380,"
        "etcd2=https://192.0.2.12:2380,"
        "etcd3=https://192.0.2.13:2380"
    )
    assert plan["warnings"] == []
    first = plan["members"][0]
    assert first == {
        "host": "etcd1",
        "name": "etcd1",
        "address": "192.0.2.11",
        "client_url": "https://192.0.2.11:2379",
        "peer_url": "https://192.0.2.11:2380",
        "listen_client_urls": [
            "https://192.0.2.11:2379",
            "https://127.0.0.1:2379",
        ],
        "listen_peer_urls": ["https://192.0.2.11:2380"],
        "advertise_client_urls": ["https://192.0.2.11:2379"],
        "initial_advertise_peer_urls": ["https://192.0.2.11:2380"],
    }


@pytest.mark.parametrize(
    ("members", "key", "expected"),
    [
        (
            [member("a", "2001:db8::1", client_port=12379, peer_port=12380)],
            "peer_url",
            "https://[2001:db8::1]:12380",
        ),
        (
            [member("a", "192.0.2.1", listen_loopback=False)],
            "listen_client_urls",
            ["https://192.0.2.1:2379"],
        ),
        (
            [member("a", "127.0.0.1")],
            "listen_client_urls",
            ["https://127.0.0.1:2379"],
        ),
        (
            [member("a", "192.0.2.1", client_port="2479")],
            "client_url",
            "https://192.0.2.1:2479",
        ),
        (
            [member("a", "192.0.2.1", name="node.a_1-x")],
            "name",
            "node.a_1-x",
        ),
    ],
)
def test_member_urls(members, key, expected):
    assert plan_cluster(members)["members"][0][key] == expected


def test_even_count_warns():
    plan = plan_cluster([*THREE, member("etcd4", "192.0.2.14")])
    assert plan["warnings"] == [
        "the cluster has 4 members: an even count survives no more member "
        "failures than 3 members do, and costs one more vote per write; "
        "use an odd number of members."
    ]


def test_two_members_share_an_address_on_other_ports():
    plan = plan_cluster(
        [
            member("a", "192.0.2.1"),
            member("b", "192.0.2.1", client_port=3379, peer_port=3380),
            member("c", "192.0.2.2"),
        ]
    )
    assert plan["warnings"] == []


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            [],
            "the cluster has no members: put the etcd hosts in the inventory "
            "group the role targets.",
        ),
        (
            [member("a", "192.0.2.1"), member("b", "192.0.2.2", name="a")],
            "hosts a and b both use the member name 'a': give each member "
            "its own etcd_member_name.",
        ),
        (
            [member("a", "192.0.2.1", name="a=b")],
            "host a: etcd_member_name 'a=b' is not a usable member name: use "
            "1 to 63 letters, digits, dots, dashes and underscores, starting "
            "with a letter or digit.",
        ),
        (
            [member("a", "192.0.2.1", name="")],
            "host a: etcd_member_name '' is not a usable member name: use "
            "1 to 63 letters, digits, dots, dashes and underscores, starting "
            "with a letter or digit.",
        ),
        (
            [member("a", "")],
            "host a: etcd_member_address is not set: give the IP address "
            "the member listens on and advertises to the others.",
        ),
        (
            [member("a", "etcd-a.example")],
            "host a: etcd_member_address 'etcd-a.example' is not an IP "
            "address: etcd listens on IP addresses only, so give the "
            "member's IP here and put DNS names in the certificates' extra "
            "names.",
        ),
        (
            [member("a", "0.0.0.0")],
            "host a: etcd_member_address '0.0.0.0' cannot be advertised to "
            "other members: give the member's own unicast IP address.",
        ),
        (
            [member("a", "192.0.2.1", client_port=0)],
            "host a: etcd_member_client_port must be a port number from 1 "
            "to 65535, not 0.",
        ),
        (
            [member("a", "192.0.2.1", peer_port="http")],
            "host a: etcd_member_peer_port must be a port number from 1 to "
            "65535, not 'http'.",
        ),
        (
            [member("a", "192.0.2.1", peer_port=True)],
            "host a: etcd_member_peer_port must be a port number from 1 to "
            "65535, not True.",
        ),
        (
            [member("a", "192.0.2.1", client_port=2380)],
            "host a: etcd_member_client_port and etcd_member_peer_port are "
            "both 2380: clients and peers need ports of their own.",
        ),
        (
            [member("a", "192.0.2.1"), member("b", "192.0.2.1")],
            "hosts a and b both advertise the peer URL "
            "https://192.0.2.1:2380: give each member its own address or "
            "peer port.",
        ),
    ],
)
def test_refused(members, message):
    with pytest.raises(ClusterPlanError) as exc:
        plan_cluster(members)
    assert str(exc.value) == message
