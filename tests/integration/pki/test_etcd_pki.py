# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The etcd_pki role run by real ansible-playbook against an inventory of
members that are never contacted, its files checked with cryptography and
openssl."""

from __future__ import annotations

import copy
import datetime
import ipaddress
import json
import os
import pathlib
import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

pytestmark = pytest.mark.slow

REPO = pathlib.Path(__file__).resolve().parents[3]
VENVS = REPO / ".cache" / "venv"

PLAYBOOK = """\
- name: Create the etcd PKI
  hosts: etcd
  gather_facts: false
  # The role must not use become on the controller: as nobody it could
  # not write the PKI.
  become: true
  become_method: ansible.builtin.su
  become_user: nobody
  roles:
    - role: containerlinux.etcd.etcd_pki

- name: Check the paths the role publishes
  hosts: etcd
  gather_facts: false
  tasks:
    - name: Check etcd_pki_files
      ansible.builtin.assert:
        that:
          - etcd_pki_files.ca_cert == playbook_dir ~ '/etcd-pki/ca.crt'
          - etcd_pki_files.server_key == playbook_dir ~ '/etcd-pki/members/'
            ~ inventory_hostname ~ '/server.key'
          - etcd_pki_files.admin_cert == playbook_dir
            ~ '/etcd-pki/clients/etcd-admin.crt'
          - etcd_pki_files.values() | reject('ansible.builtin.file')
            | list == []
      when:
        - not ansible_check_mode
        - inventory_hostname in etcd_pki_members | default(groups['etcd'])
"""

# Every way a member's names can be given: IPv4 and IPv6 addresses, extra
# names of both kinds, loopback on and off, an inventory name that is an
# address. m3 gets short-lived certificates for the renewal test.
MEMBERS = {
    "m1": {"etcd_member_address": "10.0.0.11"},
    "m2": {
        "etcd_member_address": "10.0.0.12",
        "etcd_pki_extra_sans": ["etcd.example.com", "fd00::12", "192.0.2.12"],
        "etcd_pki_server_loopback": False,
    },
    "m3": {
        "etcd_member_address": "fd00::13",
        "etcd_pki_peer_loopback": True,
        "etcd_pki_cert_days": 10,
        "etcd_pki_renew_days": 5,
    },
    "10.0.0.14": {"etcd_member_address": "10.0.0.14"},
}
CLIENTS = [{"name": "kube-apiserver"}, {"name": "backup_job.1"}]

# (member, certificate) -> (DNS names, IP addresses) it must name exactly.
EXPECTED_SANS = {
    ("m1", "server"): ({"m1", "localhost"}, {"10.0.0.11", "127.0.0.1"}),
    ("m1", "peer"): ({"m1"}, {"10.0.0.11"}),
    ("m2", "server"): (
        {"m2", "etcd.example.com"},
        {"10.0.0.12", "fd00::12", "192.0.2.12"},
    ),
    ("m2", "peer"): (
        {"m2", "etcd.example.com"},
        {"10.0.0.12", "fd00::12", "192.0.2.12"},
    ),
    ("m3", "server"): ({"m3", "localhost"}, {"fd00::13", "127.0.0.1"}),
    ("m3", "peer"): ({"m3", "localhost"}, {"fd00::13", "127.0.0.1"}),
    ("10.0.0.14", "server"): ({"localhost"}, {"10.0.0.14", "127.0.0.1"}),
    ("10.0.0.14", "peer"): (set(), {"10.0.0.14"}),
}
EXPECTED_LIFETIME_DAYS = {"m1": 365, "m2": 365, "m3": 10, "10.0.0.14": 365}
CLIENT_NAMES = ["etcd-admin", "kube-apiserver", "backup_job.1"]

RECAP = re.compile(
    r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)",
    re.MULTILINE,
)


@dataclass
class Run:
    rc: int
    output: str
    changed: int
    failed: int


def ansible_playbook(venv: str) -> pathlib.Path:
    path = VENVS / venv / "bin" / "ansible-playbook"
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"{path.name} of the {venv} venv is missing: run hacking/bootstrap"
        )
    return path


def inventory(members: dict, group_vars: dict | None = None) -> dict:
    return {
        "all": {
            "vars": {"ansible_connection": "local", **(group_vars or {})},
            "children": {"etcd": {"hosts": copy.deepcopy(members)}},
        }
    }


def run(
    workdir: pathlib.Path,
    inv: dict,
    collections: pathlib.Path,
    venv: str = "newest",
    check: bool = False,
) -> Run:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "inventory.yml").write_text(json.dumps(inv, indent=2))
    (workdir / "site.yml").write_text(PLAYBOOK)
    env = {
        **os.environ,
        "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_HOME": str(workdir / ".ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(workdir / ".ansible-tmp"),
    }
    env.pop("ANSIBLE_CONFIG", None)
    cmd = [str(ansible_playbook(venv)), "-i", "inventory.yml", "site.yml"]
    if check:
        cmd.append("--check")
    proc = subprocess.run(
        cmd,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = proc.stdout + proc.stderr
    recap = RECAP.findall(output)
    return Run(
        rc=proc.returncode,
        output=output,
        changed=sum(int(r[2]) for r in recap),
        failed=sum(int(r[4]) for r in recap),
    )


def snapshot(pki: pathlib.Path) -> dict[str, bytes]:
    """Map every file under the PKI directory to its bytes."""
    return {
        str(p.relative_to(pki)): p.read_bytes()
        for p in sorted(pki.rglob("*"))
        if p.is_file()
    }


def changed_files(before: dict, after: dict) -> set[str]:
    names = set(before) | set(after)
    return {n for n in names if before.get(n) != after.get(n)}


def load(path: pathlib.Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def sans(cert: x509.Certificate) -> tuple[set[str], set[str]]:
    try:
        ext = cert.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
    except x509.ExtensionNotFound:
        return set(), set()
    dns = set(ext.get_values_for_type(x509.DNSName))
    ips = {str(ip) for ip in ext.get_values_for_type(x509.IPAddress)}
    return dns, ips


def ekus(cert: x509.Certificate) -> set:
    return set(
        cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    )


def openssl_verify(ca: pathlib.Path, cert: pathlib.Path, purpose: str):
    return subprocess.run(
        [
            "openssl",
            "verify",
            "-CAfile",
            str(ca),
            "-purpose",
            purpose,
            str(cert),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def not_after(cert: x509.Certificate) -> datetime.datetime:
    return cert.not_valid_after_utc.replace(tzinfo=None)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


@pytest.fixture(scope="module")
def converged(tmp_path_factory, collections_path) -> pathlib.Path:
    """A PKI made by one run of the role over MEMBERS and CLIENTS."""
    workdir = tmp_path_factory.mktemp("converged")
    result = run(
        workdir,
        inventory(MEMBERS, {"etcd_pki_clients": CLIENTS}),
        collections_path,
    )
    assert result.rc == 0, result.output
    assert result.changed > 0
    return workdir


@pytest.fixture
def copy_of_converged(converged, tmp_path) -> pathlib.Path:
    workdir = tmp_path / "cluster"
    shutil.copytree(
        converged / "etcd-pki", workdir / "etcd-pki", symlinks=True
    )
    return workdir


def test_first_run_creates_the_expected_files(converged):
    pki = converged / "etcd-pki"
    expected = {"ca.crt", "ca.key"}
    for member in MEMBERS:
        for kind in ("server", "peer"):
            expected |= {
                f"members/{member}/{kind}.crt",
                f"members/{member}/{kind}.key",
            }
    for name in CLIENT_NAMES:
        expected |= {f"clients/{name}.crt", f"clients/{name}.key"}
    assert set(snapshot(pki)) == expected


def test_modes_of_keys_certificates_and_directories(converged):
    pki = converged / "etcd-pki"
    for path in [pki, *pki.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        if path.is_dir():
            assert mode == 0o700, path
        elif path.suffix == ".key":
            assert mode == 0o600, path
        else:
            assert mode == 0o644, path


def test_the_ca_is_a_ca_for_etcd_alone(converged):
    ca = load(converged / "etcd-pki" / "ca.crt")
    assert ca.subject == ca.issuer
    assert ca.subject.rfc4514_string() == "CN=etcd-ca"
    bc = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical
    assert (bc.value.ca, bc.value.path_length) == (True, 0)
    ku = ca.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical
    assert ku.value.key_cert_sign and ku.value.crl_sign
    assert not ku.value.digital_signature
    assert isinstance(ca.public_key(), ec.EllipticCurvePublicKey)
    assert ca.public_key().curve.name == "secp256r1"
    lifetime = not_after(ca) - now()
    assert datetime.timedelta(days=3649) < lifetime
    assert lifetime <= datetime.timedelta(days=3650)


@pytest.mark.parametrize(("member", "kind"), sorted(EXPECTED_SANS))
def test_member_certificate(converged, member, kind):
    pki = converged / "etcd-pki"
    path = pki / "members" / member / f"{kind}.crt"
    cert = load(path)
    assert sans(cert) == EXPECTED_SANS[member, kind]
    assert cert.subject.rfc4514_string() == f"CN={member}"
    assert ekus(cert) == {
        ExtendedKeyUsageOID.SERVER_AUTH,
        ExtendedKeyUsageOID.CLIENT_AUTH,
    }
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and not bc.value.ca
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and not ku.key_encipherment
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
    days = EXPECTED_LIFETIME_DAYS[member]
    lifetime = not_after(cert) - now()
    assert datetime.timedelta(days=days - 1) < lifetime
    assert lifetime <= datetime.timedelta(days=days)
    for purpose in ("sslserver", "sslclient"):
        verified = openssl_verify(pki / "ca.crt", path, purpose)
        assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize("name", CLIENT_NAMES)
def test_client_certificate(converged, name):
    pki = converged / "etcd-pki"
    path = pki / "clients" / f"{name}.crt"
    cert = load(path)
    assert cert.subject.rfc4514_string() == f"CN={name}"
    assert sans(cert) == (set(), set())
    assert ekus(cert) == {ExtendedKeyUsageOID.CLIENT_AUTH}
    verified = openssl_verify(pki / "ca.crt", path, "sslclient")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    refused = openssl_verify(pki / "ca.crt", path, "sslserver")
    assert refused.returncode != 0


def test_another_ca_does_not_verify_the_certificates(converged, tmp_path):
    """A CA of the same name but another key, as a second run of the role
    elsewhere would make it, verifies none of the certificates."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "etcd-ca")]
    )
    other = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now() - datetime.timedelta(days=1))
        .not_valid_after(now() + datetime.timedelta(days=10))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
        .sign(key, hashes.SHA256())
    )
    other_ca = tmp_path / "other-ca.crt"
    other_ca.write_bytes(other.public_bytes(serialization.Encoding.PEM))
    pki = converged / "etcd-pki"
    for cert in sorted(pki.rglob("*.crt")):
        if cert.name != "ca.crt":
            refused = openssl_verify(other_ca, cert, "any")
            assert refused.returncode != 0, cert


def test_rerun_changes_nothing(copy_of_converged, collections_path):
    pki = copy_of_converged / "etcd-pki"
    before = snapshot(pki)
    result = run(
        copy_of_converged,
        inventory(MEMBERS, {"etcd_pki_clients": CLIENTS}),
        collections_path,
    )
    assert result.rc == 0, result.output
    assert result.changed == 0, result.output
    assert snapshot(pki) == before


def test_check_mode_on_a_converged_pki_reports_nothing(
    copy_of_converged, collections_path
):
    pki = copy_of_converged / "etcd-pki"
    before = snapshot(pki)
    result = run(
        copy_of_converged,
        inventory(MEMBERS, {"etcd_pki_clients": CLIENTS}),
        collections_path,
        check=True,
    )
    assert result.rc == 0, result.output
    assert result.changed == 0, result.output
    assert snapshot(pki) == before


def test_check_mode_on_nothing_creates_nothing(tmp_path, collections_path):
    result = run(tmp_path, inventory(MEMBERS), collections_path, check=True)
    assert result.rc == 0, result.output
    assert result.changed > 0
    assert not (tmp_path / "etcd-pki").exists()


def test_modes_changed_by_hand_are_put_back(
    copy_of_converged, collections_path
):
    pki = copy_of_converged / "etcd-pki"
    before = snapshot(pki)
    (pki / "members/m2/peer.key").chmod(0o644)
    (pki / "clients/kube-apiserver.key").chmod(0o640)
    (pki / "members/m1").chmod(0o755)
    result = run(
        copy_of_converged,
        inventory(MEMBERS, {"etcd_pki_clients": CLIENTS}),
        collections_path,
    )
    assert result.rc == 0, result.output
    assert result.changed == 3, result.output
    assert snapshot(pki) == before
    assert (pki / "members/m2/peer.key").stat().st_mode & 0o777 == 0o600
    assert (pki / "clients/kube-apiserver.key").stat().st_mode & 0o777 == 0o600
    assert (pki / "members/m1").stat().st_mode & 0o777 == 0o700


def test_adding_a_member_issues_only_its_certificates(
    copy_of_converged, collections_path
):
    pki = copy_of_converged / "etcd-pki"
    before = snapshot(pki)
    members = {**MEMBERS, "m5": {"etcd_member_address": "10.0.0.15"}}
    result = run(
        copy_of_converged,
        inventory(members, {"etcd_pki_clients": CLIENTS}),
        collections_path,
    )
    assert result.rc == 0, result.output
    assert changed_files(before, snapshot(pki)) == {
        "members/m5/server.crt",
        "members/m5/server.key",
        "members/m5/peer.crt",
        "members/m5/peer.key",
    }
    assert sans(load(pki / "members/m5/server.crt")) == (
        {"m5", "localhost"},
        {"10.0.0.15", "127.0.0.1"},
    )


def test_changing_an_address_reissues_only_that_members_certificates(
    copy_of_converged, collections_path
):
    pki = copy_of_converged / "etcd-pki"
    before = snapshot(pki)
    members = copy.deepcopy(MEMBERS)
    members["m1"]["etcd_member_address"] = "10.0.0.21"
    result = run(
        copy_of_converged,
        inventory(members, {"etcd_pki_clients": CLIENTS}),
        collections_path,
    )
    assert result.rc == 0, result.output
    # The keys stay; only the certificates naming the address change.
    assert changed_files(before, snapshot(pki)) == {
        "members/m1/server.crt",
        "members/m1/peer.crt",
    }
    assert sans(load(pki / "members/m1/peer.crt")) == ({"m1"}, {"10.0.0.21"})


def test_a_certificate_near_expiry_is_reissued(
    copy_of_converged, collections_path
):
    pki = copy_of_converged / "etcd-pki"
    before = snapshot(pki)
    old_end = not_after(load(pki / "members/m3/server.crt"))
    # m3's certificates have 10 days left: with the default renewal window
    # of 30 days they are due; the default lifetime applies to the new ones.
    members = copy.deepcopy(MEMBERS)
    del members["m3"]["etcd_pki_cert_days"]
    del members["m3"]["etcd_pki_renew_days"]
    result = run(
        copy_of_converged,
        inventory(members, {"etcd_pki_clients": CLIENTS}),
        collections_path,
    )
    assert result.rc == 0, result.output
    assert changed_files(before, snapshot(pki)) == {
        "members/m3/server.crt",
        "members/m3/peer.crt",
    }
    new = load(pki / "members/m3/server.crt")
    assert not_after(new) - old_end > datetime.timedelta(days=300)
    assert sans(new) == EXPECTED_SANS["m3", "server"]


def test_renewing_the_ca_with_its_key_keeps_every_certificate(
    copy_of_converged, collections_path
):
    pki = copy_of_converged / "etcd-pki"
    old_ca = load(pki / "ca.crt")
    (pki / "ca.crt").unlink()
    before = snapshot(pki)
    result = run(
        copy_of_converged,
        inventory(MEMBERS, {"etcd_pki_clients": CLIENTS}),
        collections_path,
    )
    assert result.rc == 0, result.output
    assert changed_files(before, snapshot(pki)) == {"ca.crt"}
    new_ca = load(pki / "ca.crt")
    assert new_ca.public_key() == old_ca.public_key()
    assert new_ca.serial_number != old_ca.serial_number
    verified = openssl_verify(
        pki / "ca.crt", pki / "members/m2/peer.crt", "sslserver"
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_oldest_ansible_core_converges_idempotently(
    tmp_path, collections_path
):
    members = {k: MEMBERS[k] for k in ("m1", "m3")}
    inv = inventory(members, {"etcd_pki_clients": CLIENTS[:1]})
    first = run(tmp_path, inv, collections_path, venv="oldest")
    assert first.rc == 0, first.output
    pki = tmp_path / "etcd-pki"
    before = snapshot(pki)
    assert len(before) == 2 + 2 * 4 + 2 * 2
    for member in members:
        for kind in ("server", "peer"):
            assert (
                sans(load(pki / "members" / member / f"{kind}.crt"))
                == (EXPECTED_SANS[member, kind])
            )
    second = run(tmp_path, inv, collections_path, venv="oldest")
    assert second.rc == 0, second.output
    assert second.changed == 0, second.output
    checked = run(tmp_path, inv, collections_path, venv="oldest", check=True)
    assert checked.rc == 0, checked.output
    assert checked.changed == 0, checked.output
    assert snapshot(pki) == before


def test_only_listed_members_get_certificates(tmp_path, collections_path):
    """A host of the play that etcd_pki_members leaves out gets nothing and
    is not checked (it has no address)."""
    members = {"m1": MEMBERS["m1"], "witness": {}}
    inv = inventory(members, {"etcd_pki_members": ["m1"]})
    result = run(tmp_path, inv, collections_path)
    assert result.rc == 0, result.output
    files = set(snapshot(tmp_path / "etcd-pki"))
    assert {f for f in files if f.startswith("members/")} == {
        "members/m1/server.crt",
        "members/m1/server.key",
        "members/m1/peer.crt",
        "members/m1/peer.key",
    }


def test_rsa_keys(tmp_path, collections_path):
    inv = inventory(
        {"m1": MEMBERS["m1"]},
        {"etcd_pki_key_type": "RSA", "etcd_pki_key_size": 3072},
    )
    result = run(tmp_path, inv, collections_path)
    assert result.rc == 0, result.output
    pki = tmp_path / "etcd-pki"
    for name in ("ca.crt", "members/m1/server.crt", "clients/etcd-admin.crt"):
        key = load(pki / name).public_key()
        assert isinstance(key, rsa.RSAPublicKey), name
        assert key.key_size == 3072, name
    ku = (
        load(pki / "members/m1/peer.crt")
        .extensions.get_extension_for_class(x509.KeyUsage)
        .value
    )
    assert ku.digital_signature and ku.key_encipherment


def _with(host: str, **hostvars) -> dict:
    members = copy.deepcopy(MEMBERS)
    members[host] = {**members.get(host, {}), **hostvars}
    return members


def _without_address(host: str) -> dict:
    members = copy.deepcopy(MEMBERS)
    del members[host]["etcd_member_address"]
    return members


# (members, group vars) -> the message of the refusal.
REFUSALS = {
    "missing address": (
        _without_address("m2"),
        {},
        "host m2: etcd_member_address is not set: set it to the IPv4 or "
        "IPv6 address the member advertises to clients and peers",
    ),
    "empty address": (
        _with("m2", etcd_member_address=""),
        {},
        "host m2: etcd_member_address is not set:",
    ),
    "address out of range": (
        _with("m2", etcd_member_address="10.0.0.256"),
        {},
        "host m2: etcd_member_address is 10.0.0.256, which is not an IP "
        "address: set it",
    ),
    "address is a name": (
        _with("m3", etcd_member_address="m3.example.com"),
        {},
        "host m3: etcd_member_address is m3.example.com, which is not an "
        "IP address",
    ),
    "shared address": (
        _with("m2", etcd_member_address="10.0.0.11"),
        {},
        "host m2: etcd_member_address 10.0.0.11 is also the address of "
        "host m1: give every member its own address.",
    ),
    "inventory name with an underscore": (
        _with("etcd_5", etcd_member_address="10.0.0.15"),
        {},
        "host etcd_5: the inventory name goes into the member's "
        "certificates as common name and subject alternative name, but "
        "'etcd_5' is neither a DNS name",
    ),
    "member listed twice": (
        MEMBERS,
        {"etcd_pki_members": ["m1", "m2", "m1"]},
        "host m1: etcd_pki_members lists the member m1 more than once",
    ),
    "members differing in case only": (
        _with("M1", etcd_member_address="10.0.0.31"),
        {},
        "host M1: etcd_pki_members lists the member M1 more than once "
        "(names are compared without case, as in DNS)",
    ),
    "member not in the inventory": (
        MEMBERS,
        {"etcd_pki_members": ["m1", "ghost"]},
        "host ghost: etcd_pki_members names ghost, which is not a host of "
        "the inventory",
    ),
    "wildcard extra name": (
        _with("m1", etcd_pki_extra_sans=["*.example.com"]),
        {},
        "host m1: etcd_pki_extra_sans entry '*.example.com' is neither an "
        "IP address nor a DNS name",
    ),
    "client name with a slash": (
        MEMBERS,
        {"etcd_pki_clients": [{"name": "team/app"}]},
        "etcd_pki_clients[0].name 'team/app' is not usable as a file name "
        "and common name",
    ),
    "client named like the admin": (
        MEMBERS,
        {"etcd_pki_clients": [{"name": "kube"}, {"name": "ETCD-ADMIN"}]},
        "etcd_pki_clients[1].name 'ETCD-ADMIN' is already taken by another "
        "client certificate",
    ),
    "short RSA key": (
        MEMBERS,
        {"etcd_pki_key_type": "RSA", "etcd_pki_key_size": 1024},
        "with RSA, etcd_pki_key_size must be a number of at least 2048 (it "
        "is '1024')",
    ),
    "renewal window longer than the lifetime": (
        _with("m1", etcd_pki_renew_days=400),
        {},
        "host m1: the lifetimes must be whole numbers of days with "
        "etcd_pki_ca_days > etcd_pki_cert_days > etcd_pki_renew_days >= 0 "
        "(they are etcd_pki_ca_days=3650, etcd_pki_cert_days=365, "
        "etcd_pki_renew_days=400)",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_preflight_refuses_and_changes_nothing(
    case, copy_of_converged, collections_path
):
    members, group_vars, message = REFUSALS[case]
    pki = copy_of_converged / "etcd-pki"
    before = snapshot(pki)
    result = run(
        copy_of_converged, inventory(members, group_vars), collections_path
    )
    assert result.rc != 0
    assert result.failed > 0
    assert message in result.output
    assert snapshot(pki) == before


def test_preflight_refusal_creates_no_directory(tmp_path, collections_path):
    result = run(tmp_path, inventory(_without_address("m1")), collections_path)
    assert result.rc != 0
    assert "host m1: etcd_member_address is not set" in result.output
    assert not (tmp_path / "etcd-pki").exists()


def test_accepted_addresses_and_names_are_those_the_grammar_allows():
    """The role's address and name grammars (read from its vars file) on
    a table of forms. IPv6 with an embedded dotted quad or a zone is valid
    for Python but refused by the role, as its README says."""
    import yaml

    vars_file = REPO / "roles" / "etcd_pki" / "vars" / "main.yml"
    data = yaml.safe_load(vars_file.read_text())
    v4 = re.compile(data["_etcd_pki_ipv4_re"])
    v6 = re.compile(data["_etcd_pki_ipv6_re"])
    dns = re.compile(data["_etcd_pki_dns_re"])
    for text in [
        "::",
        "::1",
        "1::",
        "fd00::13",
        "2001:db8::8a2e:370:7334",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "FD00:0:0:0:0:0:0:12",
    ]:
        ipaddress.IPv6Address(text)
        assert v6.match(text), text
    for text in [
        ":::",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::",
        "g::1",
        "1:2:3:4:5:6:7",
    ]:
        with pytest.raises(ValueError):
            ipaddress.IPv6Address(text)
        assert not v6.match(text), text
    for text in ["::ffff:1.2.3.4", "fe80::1%eth0"]:
        ipaddress.IPv6Address(text)
        assert not v6.match(text), text
    for text in ["0.0.0.0", "10.0.0.11", "255.255.255.255"]:
        assert v4.match(text), text
    for text in ["10.0.0.256", "010.0.0.1", "10.0.0", "10.0.0.1.", "a.b.c.d"]:
        assert not v4.match(text), text
    for text in ["m1", "etcd-1.example.com", "a" * 63, "x1.y2"]:
        assert dns.match(text), text
    for text in [
        "etcd_1",
        "-m1",
        "m1-",
        "a" * 64,
        "1.2.3.4",
        "10.0.0.256",
        "m1..example",
        "*.example.com",
        "",
    ]:
        assert not dns.match(text), text
