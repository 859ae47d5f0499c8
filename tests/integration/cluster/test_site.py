# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""playbooks/site.yml on three lab machines of each flavour: a TLS cluster
that refuses what it should, converges, and changes only what it must."""

from __future__ import annotations

import datetime
import json
import pathlib
import re

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.containerlinux.etcd.plugins.module_utils import (
    _etcd,
)

from .conftest import Cluster, member_list

pytestmark = [pytest.mark.lab, pytest.mark.slow]

MEMBER_ONLY = str(pathlib.Path(__file__).with_name("member-only.yml"))

WRAPPER_VARS = {
    "ETCD_IMAGE_TAG",
    "ETCD_IMAGE_URL",
    "ETCD_IMAGE",
    "ETCD_USER",
    "ETCD_SSL_DIR",
    "ETCD_IMAGE_ARGS",
    "ETCD_OPTS",
}


@pytest.fixture(scope="module")
def bootstrapped(cluster: Cluster):
    run = cluster.playbook()
    assert run.rc == 0, run.out
    return run


def test_bootstrap_reports_three_healthy_members(cluster, bootstrapped):
    rows = member_list(bootstrapped.out)
    assert len(rows) == 3, bootstrapped.out
    assert all(r.endswith("  healthy") for r in rows), rows
    assert sum("  leader  " in r for r in rows) == 1, rows
    assert {r.split()[0] for r in rows} == set(cluster.hosts)


def test_put_and_get_from_every_member(cluster, bootstrapped):
    first = next(iter(cluster.hosts))
    put = cluster.etcdctl(first, "put", "greeting", f"hi-{cluster.flavour}")
    assert put.returncode == 0, put.stderr
    for host in cluster.hosts:
        got = cluster.etcdctl(host, "get", "--print-value-only", "greeting")
        assert got.returncode == 0, got.stderr
        assert got.stdout.strip() == f"hi-{cluster.flavour}"


def test_client_without_certificate_is_refused(cluster, bootstrapped):
    host = next(iter(cluster.hosts))
    refused = cluster.etcdctl(host, "get", "greeting", cert="")
    assert refused.returncode != 0
    addr = cluster.hosts[host]["etcd_member_address"]
    curl = cluster.netns(
        host,
        "curl",
        "-sS",
        "--max-time",
        "5",
        "--cacert",
        str(cluster.pki / "ca.crt"),
        f"https://{addr}:2379/health",
    )
    assert curl.returncode != 0
    assert "health" not in curl.stdout
    # The same request with the admin certificate is answered, so the
    # refusal above is the missing certificate and nothing else.
    control = cluster.netns(
        host,
        "curl",
        "-sS",
        "--max-time",
        "5",
        "--cacert",
        str(cluster.pki / "ca.crt"),
        "--cert",
        str(cluster.pki / "clients" / "etcd-admin.crt"),
        "--key",
        str(cluster.pki / "clients" / "etcd-admin.key"),
        f"https://{addr}:2379/health",
    )
    assert json.loads(control.stdout)["health"] == "true", control.stderr


def _foreign_pair(directory: pathlib.Path, name: str) -> None:
    """A client and peer certificate signed by a CA other than etcd's."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "other-ca")])
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        )
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(1))
        .add_extension(
            x509.ExtendedKeyUsage(
                [
                    ExtendedKeyUsageOID.CLIENT_AUTH,
                    ExtendedKeyUsageOID.SERVER_AUTH,
                ]
            ),
            False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.crt").write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
    )
    (directory / f"{name}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_certificates_of_another_ca_are_refused(
    cluster, bootstrapped, tmp_path
):
    _foreign_pair(tmp_path, "intruder")
    host = next(iter(cluster.hosts))
    client = cluster.etcdctl(
        host, "get", "greeting", cert="intruder", key_dir=tmp_path
    )
    assert client.returncode != 0
    addr = cluster.hosts[host]["etcd_member_address"]
    peer_url = f"https://{addr}:2380/members"

    def peer(crt, key):
        return cluster.netns(
            host,
            "curl",
            "-sS",
            "--http1.1",
            "--max-time",
            "5",
            "--cacert",
            str(cluster.pki / "ca.crt"),
            "--cert",
            str(crt),
            "--key",
            str(key),
            peer_url,
        )

    own = cluster.pki / "members" / host
    accepted = peer(own / "peer.crt", own / "peer.key")
    assert accepted.returncode == 0, accepted.stderr
    assert json.loads(accepted.stdout), accepted.stdout
    foreign = peer(tmp_path / "intruder.crt", tmp_path / "intruder.key")
    assert foreign.returncode != 0
    assert foreign.stdout == "", foreign.stdout


def _etcd_environ(cluster: Cluster, host: str) -> dict:
    raw = cluster.sh(
        host, "tr '\\0' '\\n' < /proc/$(pidof etcd | cut -d' ' -f1)/environ"
    )
    return dict(line.split("=", 1) for line in raw.splitlines() if "=" in line)


def test_running_etcd_has_tls_on_and_no_ignored_flag(cluster, bootstrapped):
    version = "3.5.16"
    known = _etcd.known_flags(version)
    for host in cluster.hosts:
        env = _etcd_environ(cluster, host)
        assert env["ETCD_CLIENT_CERT_AUTH"] == "true"
        assert env["ETCD_PEER_CLIENT_CERT_AUTH"] == "true"
        assert env.get("ETCD_AUTO_TLS", "false") == "false"
        assert env.get("ETCD_PEER_AUTO_TLS", "false") == "false"
        ca = env["ETCD_TRUSTED_CA_FILE"]
        assert ca == env["ETCD_PEER_TRUSTED_CA_FILE"]
        inside = cluster.sh(
            host, f"cat /proc/$(pidof etcd | cut -d' ' -f1)/root{ca}"
        )
        assert inside == (cluster.pki / "ca.crt").read_text()
        names = {
            k[len("ETCD_") :].lower().replace("_", "-")
            for k in env
            if k.startswith("ETCD_") and k not in WRAPPER_VARS
        }
        assert names - set(known) == set(), host


def test_data_dir_and_keys_belong_to_etcd(cluster, bootstrapped):
    for host in cluster.hosts:
        uid = cluster.sh(host, "id -u etcd").strip()
        data = cluster.sh(host, "stat -c '%a %u' /var/lib/etcd").split()
        assert data == ["700", uid]
        env = _etcd_environ(cluster, host)
        root = "/proc/$(pidof etcd | cut -d' ' -f1)/root"
        for key in (env["ETCD_KEY_FILE"], env["ETCD_PEER_KEY_FILE"]):
            st = cluster.sh(host, f"stat -L -c '%a %u' {root}{key}").split()
            assert st == ["600", uid], (host, key)


def test_rerun_changes_nothing_and_restarts_nothing(cluster, bootstrapped):
    before = cluster.main_pids()
    run = cluster.playbook()
    assert run.rc == 0, run.out
    assert run.changed() == 0, run.out
    assert cluster.main_pids() == before


def test_check_diff_on_converged_cluster_reports_nothing(
    cluster, bootstrapped
):
    run = cluster.playbook("--check", "--diff")
    assert run.rc == 0, run.out
    assert run.changed() == 0, run.out


def test_changed_setting_shows_in_check_then_rolls(cluster, bootstrapped):
    extra = {"etcd_member_settings": {"snapshot-count": 5000}}
    files = cluster.snapshot()
    pids = cluster.main_pids()
    check = cluster.playbook("--check", "--diff", extra_vars=extra)
    assert check.rc == 0, check.out
    assert re.search(
        r'^\+Environment="?ETCD_SNAPSHOT_COUNT=5000"?$', check.out, re.M
    ), check.out
    assert cluster.snapshot() == files
    assert cluster.main_pids() == pids

    apply = cluster.playbook(extra_vars=extra)
    assert apply.rc == 0, apply.out
    after = cluster.main_pids()
    assert all(after[h] != pids[h] for h in pids), (pids, after)
    assert len(member_list(apply.out)) == 3
    for host in cluster.hosts:
        assert _etcd_environ(cluster, host)["ETCD_SNAPSHOT_COUNT"] == "5000"
    again = cluster.playbook(extra_vars=extra)
    assert again.changed() == 0, again.out


REFUSALS = [
    pytest.param(
        {"etcd_member_settings": {"snapshot-cout": 1}},
        "snapshot-count",
        id="unknown-setting",
    ),
    pytest.param(
        {"etcd_member_settings": {"peer-ca-file": "/etc/ca.pem"}},
        "'peer-ca-file' was removed in etcd 3.4 (the version is v3.5.16); "
        "use 'peer-trusted-ca-file'",
        id="removed-setting",
    ),
    pytest.param(
        {"etcd_member_settings": {"client-cert-auth": False}},
        "etcd_member_settings sets client-cert-auth",
        id="client-auth-off",
    ),
    pytest.param(
        {"etcd_member_settings": {"peer_auto_tls": True}},
        "etcd_member_settings sets peer-auto-tls",
        id="peer-auto-tls",
    ),
    pytest.param(
        {"etcd_member_name": "same"},
        "both use the member name 'same'",
        id="duplicate-names",
    ),
    pytest.param(
        {
            "etcd_member_rkt_volumes": [
                {"name": "Certs", "source": "/etc/x", "target": "/etc/x"}
            ]
        },
        {
            "coreos": "volume name 'Certs' is not a valid rkt name",
            "flatcar": "etcd_member_rkt_volumes is set, but the host runs "
            "etcd through Flatcar's docker wrapper",
        },
        id="bad-rkt-volume",
    ),
]


@pytest.mark.parametrize(("extra", "message"), REFUSALS)
def test_refusals_change_no_host(cluster, bootstrapped, extra, message):
    files = cluster.snapshot()
    pids = cluster.main_pids()
    if isinstance(message, dict):
        message = message[cluster.flavour]
    # Every refusal comes from the member role's preflight; the PKI play in
    # front of it would only add time.
    run = cluster.playbook(playbook=MEMBER_ONLY, extra_vars=extra)
    assert run.rc != 0, run.out
    assert message in " ".join(run.out.split()), run.out
    assert cluster.snapshot() == files
    assert cluster.main_pids() == pids


def test_certificate_not_covering_address_is_refused(cluster, bootstrapped):
    data = yaml.safe_load(cluster.inventory.read_text())
    hosts = (
        data["etcd"]["hosts"]
        if "etcd" in data
        else data["all"]["children"]["etcd"]["hosts"]
    )
    moved = sorted(hosts)[1]
    hosts[moved]["etcd_member_address"] = "198.18.0.99"
    changed = cluster.workdir / "moved.yml"
    changed.write_text(yaml.safe_dump(data))
    files = cluster.snapshot()
    run = cluster.playbook(playbook=MEMBER_ONLY, inventory=changed)
    assert run.rc != 0, run.out
    assert (
        f"Host {moved}: server.crt does not name IP:198.18.0.99"
        in " ".join(run.out.split())
    ), run.out
    assert cluster.snapshot() == files
