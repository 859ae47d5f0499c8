# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The etcd flag table and the etcd_environment filter against the real
etcd binaries: their --help, their flag parser, and a TLS member started
from the filter's output alone."""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import signal
import socket
import subprocess
import time

import pytest
from ansible.errors import AnsibleFilterError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.containerlinux.etcd.plugins.filter.etcd_environment import (  # noqa: E501
    etcd_environment,
)
from ansible_collections.containerlinux.etcd.plugins.module_utils import (
    _etcd_flags as table,
)
from ansible_collections.containerlinux.etcd.plugins.module_utils._etcd import (  # noqa: E501
    known_flags,
)

VERSIONS = ("3.3.25", "3.4.23", "3.5.16")

# Flags each release registers but leaves out of its --help text.  The
# registration test below proves each of them is real for that binary.
HIDDEN_FROM_HELP = {
    "3.3.25": {"config-file"},
    "3.4.23": {
        "config-file",
        "enable-grpc-gateway",
        "experimental-enable-lease-checkpoint-persist",
        "log-output",
        "unsafe-no-fsync",
    },
    "3.5.16": {"config-file", "experimental-snapshot-catchup-entries"},
}

SAMPLE = {
    "bool": "false",
    "int": "0",
    "uint": "0",
    "float": "0",
    "duration": "1s",
    "retention": "1",
    "string": "x",
    "urls": "http://127.0.0.1:1",
    "list": "a",
    "gates": "InitialCorruptCheck=false",
}


def help_flags(binary) -> set[str]:
    out = subprocess.run(
        [str(binary), "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    text = out.stdout + out.stderr
    return set(re.findall(r"(?m)^\s+--([a-z][a-z0-9.-]*)", text))


def sample(info) -> str:
    if info.name == "cors":
        return "*"
    if info.kind == "enum":
        return info.choices[0]
    return SAMPLE[info.kind]


def parse_flags(binary, args):
    """Let the binary parse args; --version makes it stop right after."""
    return subprocess.run(
        [str(binary), *args, "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        check=False,
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_help_lists_the_table(etcd_binaries, version):
    listed = help_flags(etcd_binaries[version] / "etcd")
    known = set(known_flags(version))
    assert listed - known == set()
    assert known - listed == HIDDEN_FROM_HELP[version]


@pytest.mark.parametrize("version", VERSIONS)
def test_binary_registers_every_flag_of_the_table(etcd_binaries, version):
    flags = known_flags(version)
    args = [
        f"--{name}={sample(info)}"
        for name, info in flags.items()
        if name != "config-file"
    ]
    ignored = [n for n in table.IGNORED if not n.startswith("test.")]
    args += [f"--{name}" for name in ignored]
    proc = parse_flags(etcd_binaries[version] / "etcd", args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"etcd Version: {version}" in proc.stdout


@pytest.mark.parametrize("version", VERSIONS)
def test_binary_refuses_what_the_table_says_it_lacks(etcd_binaries, version):
    present = set(known_flags(version))
    absent = sorted(set(table.FLAGS) - present)
    assert absent, "every release lacks some flag of another"
    binary = etcd_binaries[version] / "etcd"
    for name in absent:
        proc = parse_flags(binary, [f"--{name}=1"])
        assert proc.returncode == 2, name
        assert f"flag provided but not defined: -{name}" in proc.stderr


@pytest.mark.parametrize("version", VERSIONS)
def test_hidden_flags_work_as_environment_variables(
    etcd_binaries, tmp_path, version
):
    """etcd reads each flag --help leaves out from its ETCD_* variable
    too.  A short election timeout makes etcd stop right after it has read
    the environment.  config-file is left out: etcd would read the file."""
    flags = known_flags(version)
    hidden = sorted(HIDDEN_FROM_HELP[version] - {"config-file"})
    env = dict(stopping_env(tmp_path), ETCD_ELECTION_TIMEOUT="400")
    env.update({flags[name].env: sample(flags[name]) for name in hidden})
    text = run_to_exit(etcd_binaries[version], env, tmp_path / "etcd.log")
    assert "unrecognized environment variable" not in text, text
    used = [
        line
        for line in text.splitlines()
        if "recognized and used environment variable" in line
    ]
    for name in hidden:
        assert any(flags[name].env in line for line in used), (name, text)


def stopping_env(tmp_path):
    client, peer = free_port(), free_port()
    return {
        "ETCD_NAME": "m1",
        "ETCD_DATA_DIR": str(tmp_path / "data"),
        "ETCD_LISTEN_CLIENT_URLS": f"http://127.0.0.1:{client}",
        "ETCD_ADVERTISE_CLIENT_URLS": f"http://127.0.0.1:{client}",
        "ETCD_LISTEN_PEER_URLS": f"http://127.0.0.1:{peer}",
        "ETCD_INITIAL_ADVERTISE_PEER_URLS": f"http://127.0.0.1:{peer}",
        "ETCD_INITIAL_CLUSTER": f"m1=http://127.0.0.1:{peer}",
    }


def run_to_exit(bindir, env, log_path) -> str:
    """Run etcd with env, which must make it stop; return its log."""
    proc, log = start(bindir, env, log_path)
    try:
        proc.wait(timeout=20)
    finally:
        stop(proc)
        log.close()
    text = log_path.read_text()
    assert proc.returncode != 0, text
    return text


# --- a member with client and peer TLS, from the filter's output ---------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_pki(directory):
    """A CA, a member certificate for 127.0.0.1 (server and client use,
    as peers need both) and a client certificate."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": directory / "ca.crt"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for name, usages in (
        (
            "member",
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
        ),
        ("client", [ExtendedKeyUsageOID.CLIENT_AUTH]),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
            )
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [
                        x509.DNSName("localhost"),
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    ]
                ),
                False,
            )
            .add_extension(x509.ExtendedKeyUsage(usages), False)
            .sign(ca_key, hashes.SHA256())
        )
        paths[name] = directory / f"{name}.crt"
        paths[name + "-key"] = directory / f"{name}.key"
        paths[name].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths[name + "-key"].write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        paths[name + "-key"].chmod(0o600)
    return paths


def tls_settings(tmp_path, pki, client_port, peer_port):
    client = f"https://127.0.0.1:{client_port}"
    peer = f"https://127.0.0.1:{peer_port}"
    return {
        "name": "m1",
        "data-dir": str(tmp_path / "data"),
        "listen-client-urls": [client],
        "advertise-client-urls": [client],
        "listen-peer-urls": [peer],
        "initial-advertise-peer-urls": [peer],
        "initial-cluster": f"m1={peer}",
        "initial-cluster-state": "new",
        "initial-cluster-token": "filter-test",
        "cert-file": str(pki["member"]),
        "key-file": str(pki["member-key"]),
        "trusted-ca-file": str(pki["ca"]),
        "client-cert-auth": True,
        "peer-cert-file": str(pki["member"]),
        "peer-key-file": str(pki["member-key"]),
        "peer-trusted-ca-file": str(pki["ca"]),
        "peer-client-cert-auth": True,
        "heartbeat-interval": 100,
        "election-timeout": 1000,
    }


def etcdctl(bindir, endpoint, pki, with_cert=True):
    args = [
        str(bindir / "etcdctl"),
        f"--endpoints={endpoint}",
        f"--cacert={pki['ca']}",
        "--dial-timeout=2s",
        "--command-timeout=3s",
    ]
    if with_cert:
        args += [f"--cert={pki['client']}", f"--key={pki['client-key']}"]
    return subprocess.run(
        [*args, "endpoint", "health"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": os.environ.get("PATH", ""), "ETCDCTL_API": "3"},
        check=False,
    )


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start(bindir, env, log_path):
    log = open(log_path, "wb")  # noqa: SIM115 - closed by the caller
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    proc = subprocess.Popen(
        [str(bindir / "etcd")],
        env={**base, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    return proc, log


@pytest.mark.parametrize("version", VERSIONS)
def test_tls_member_from_the_filter(etcd_binaries, tmp_path, version):
    bindir = etcd_binaries[version]
    pki = write_pki(tmp_path)
    client_port, peer_port = free_port(), free_port()
    env = etcd_environment(
        tls_settings(tmp_path, pki, client_port, peer_port), version
    )
    endpoint = f"https://127.0.0.1:{client_port}"
    log_path = tmp_path / "etcd.log"
    proc, log = start(bindir, env, log_path)
    try:
        healthy = None
        for _attempt in range(100):
            if proc.poll() is not None:
                break
            healthy = etcdctl(bindir, endpoint, pki)
            if healthy.returncode == 0:
                break
            time.sleep(0.2)
        assert proc.poll() is None, log_path.read_text()
        assert healthy is not None and healthy.returncode == 0, (
            healthy.stdout + healthy.stderr + log_path.read_text()
        )
        refused = etcdctl(bindir, endpoint, pki, with_cert=False)
        assert refused.returncode != 0
    finally:
        stop(proc)
        log.close()
    text = log_path.read_text()
    assert "recognized and used environment variable" in text
    assert "unrecognized environment variable" not in text
    assert "conflicting environment variable" not in text
    assert "shadowed by corresponding" not in text
    assert "didn't provide a certificate" in text


# What the filter refuses, etcd refuses too (or loses without a word).
# What the filter refuses, etcd refuses too (or loses without a word).
# The patterns hold for both etcd's older text logs and its JSON logs.
REFUSED_BY_ETCD = [
    (
        {"ETCD_CLIENT_CERT_AUTH": "maybe"},
        r'invalid value \\?"maybe\\?" for ETCD_CLIENT_CERT_AUTH',
    ),
    (
        {"ETCD_ELECTION_TIMEOUT": "400"},
        r"--election-timeout\[400ms\] should be at least as 5 times as "
        r"--heartbeat-interval\[100ms\]",
    ),
    (
        {"ETCD_ELECTION_TIMEOUT": "50001", "ETCD_HEARTBEAT_INTERVAL": "1000"},
        r"--election-timeout\[50001ms\] is too long",
    ),
    (
        {"ETCD_DISCOVERY_SRV": "example.invalid"},
        r"multiple discovery or bootstrap flags are set",
    ),
    (
        {"ETCD_ADVERTISE_CLIENT_URLS": "http://127.0.0.1:1/v3"},
        r"URL must not contain a path: http://127.0.0.1:1/v3",
    ),
    (
        {"ETCD_NAME": "zz"},
        r'find local name \\?"zz\\?" in the initial cluster configuration',
    ),
    (
        {"ETCD_LISTEN_CLIENT_URLS": "https://127.0.0.1:1"},
        r"TLS key/cert \(--cert-file, --key-file\) must be provided for "
        r"client url https://127.0.0.1:1",
    ),
]
UNRECOGNIZED = re.compile(
    r'unrecognized environment variable("?,"environment-variable":"| )'
    r"ETCD_IMAGE_TAG="
)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("extra", "message"),
    REFUSED_BY_ETCD,
    ids=[
        "bad-bool",
        "election-low",
        "election-high",
        "two-bootstraps",
        "url-with-path",
        "name-not-in-cluster",
        "https-without-cert",
    ],
)
def test_etcd_refuses_what_the_filter_refuses(
    etcd_binaries, tmp_path, version, extra, message
):
    env = {
        **stopping_env(tmp_path),
        # A wrapper name: etcd warns and goes on.
        "ETCD_IMAGE_TAG": f"v{version}",
        **extra,
    }
    # The filter takes the same variables (by their ETCD_* names) and
    # refuses them, both with and without the wrapper's name.
    without_wrapper = {k: v for k, v in env.items() if k != "ETCD_IMAGE_TAG"}
    for settings in (env, without_wrapper):
        with pytest.raises(AnsibleFilterError):
            etcd_environment(settings, version)
    text = run_to_exit(etcd_binaries[version], env, tmp_path / "etcd.log")
    assert re.search(message, text), text
    assert UNRECOGNIZED.search(text), text


IGNORED_CERT_AUTH = re.compile(
    r"(is HTTP while client cert auth \(--client-cert-auth\) is enabled"
    r"|while --client-cert-auth is enabled; ignoring client cert auth)"
)


@pytest.mark.parametrize("version", VERSIONS)
def test_etcd_ignores_cert_auth_on_plain_urls(
    etcd_binaries, tmp_path, version
):
    """client-cert-auth on an http URL: etcd warns, starts, and serves a
    client without a certificate; the filter refuses it."""
    bindir = etcd_binaries[version]
    pki = write_pki(tmp_path)
    env = {
        **stopping_env(tmp_path),
        "ETCD_CLIENT_CERT_AUTH": "true",
        "ETCD_TRUSTED_CA_FILE": str(pki["ca"]),
    }
    with pytest.raises(AnsibleFilterError) as err:
        etcd_environment(env, version)
    assert "checks no certificate on 'http://127.0.0.1:" in err.value.message
    endpoint = env["ETCD_LISTEN_CLIENT_URLS"]
    log_path = tmp_path / "etcd.log"
    proc, log = start(bindir, env, log_path)
    try:
        served = None
        for _attempt in range(100):
            if proc.poll() is not None:
                break
            served = etcdctl(bindir, endpoint, pki, with_cert=False)
            if served.returncode == 0:
                break
            time.sleep(0.2)
        assert served is not None and served.returncode == 0, (
            log_path.read_text()
        )
    finally:
        stop(proc)
        log.close()
    assert IGNORED_CERT_AUTH.search(log_path.read_text())
