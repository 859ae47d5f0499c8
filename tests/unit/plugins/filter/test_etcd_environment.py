# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The filter containerlinux.etcd.etcd_environment, called directly and
through a real Jinja2 template of ansible-core."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.containerlinux.etcd.plugins.filter import (
    etcd_environment as etcd_environment_plugin,
)
from ansible_collections.containerlinux.etcd.plugins.filter.etcd_environment import (  # noqa: E501
    FilterModule,
    etcd_environment,
)


def test_registered():
    assert FilterModule().filters() == {"etcd_environment": etcd_environment}


@pytest.mark.parametrize(
    ("settings", "version", "expected"),
    [
        (
            {
                "name": "etcd1",
                "listen_peer_urls": ["https://10.0.0.1:2380"],
                "peer_cert_file": "/etc/ssl/certs/peer.crt",
                "peer_key_file": "/etc/ssl/certs/peer.key",
                "peer_client_cert_auth": True,
                "peer-trusted-ca-file": "/etc/ssl/certs/ca.crt",
            },
            "v3.5.16",
            {
                "ETCD_NAME": "etcd1",
                "ETCD_LISTEN_PEER_URLS": "https://10.0.0.1:2380",
                "ETCD_PEER_CERT_FILE": "/etc/ssl/certs/peer.crt",
                "ETCD_PEER_KEY_FILE": "/etc/ssl/certs/peer.key",
                "ETCD_PEER_CLIENT_CERT_AUTH": "true",
                "ETCD_PEER_TRUSTED_CA_FILE": "/etc/ssl/certs/ca.crt",
            },
        ),
        (
            {"listen-peer-urls": ["http://10.0.0.1:2380"]},
            "3.4",
            {"ETCD_LISTEN_PEER_URLS": "http://10.0.0.1:2380"},
        ),
        ({"wal-dir": None}, "3.3.25", {}),
    ],
)
def test_accepted(settings, version, expected):
    assert etcd_environment(settings, version) == expected


@pytest.mark.parametrize(
    ("settings", "version", "message"),
    [
        (
            {"peer-ca-file": "/ca.crt"},
            "3.5.16",
            "containerlinux.etcd.etcd_environment: 'peer-ca-file' was "
            "removed in etcd 3.4 (the version is 3.5.16); use "
            "'peer-trusted-ca-file'",
        ),
        (
            {"name": "etcd1"},
            "latest",
            "containerlinux.etcd.etcd_environment: the etcd version 'latest'"
            " is not a release number: give it as 3.5, 3.5.16 or v3.5.16 "
            "(an image tag without a suffix)",
        ),
        (
            "name=etcd1",
            "3.5.16",
            "containerlinux.etcd.etcd_environment: the etcd settings must be"
            " a mapping of flag names to values, not str",
        ),
    ],
)
def test_refused(settings, version, message):
    with pytest.raises(AnsibleFilterError) as err:
        etcd_environment(settings, version)
    assert err.value.message == message


def run_ansible(collections_path, expression):
    """Evaluate a template with the real ansible-core of this venv."""
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_STDOUT_CALLBACK="minimal",
        ANSIBLE_NOCOLOR="true",
    )
    bindir = os.path.dirname(sys.executable)
    proc = subprocess.run(
        [
            os.path.join(bindir, "ansible"),
            "localhost",
            "-m",
            "ansible.builtin.debug",
            "-a",
            f"msg={{{{ {expression} }}}}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # The minimal callback prints "localhost | STATUS => {json}".
    # ansible-core 2.19 and later print the error before it as well.
    assert "localhost | " in proc.stdout, proc.stdout + proc.stderr
    tail = proc.stdout[proc.stdout.rindex("localhost | ") :]
    status, _sep, body = tail.partition(" => ")
    return status.split(" | ")[1], json.loads(body)


def test_through_a_template(collections_path):
    status, host = run_ansible(
        collections_path,
        "{'client-cert-auth': true, 'trusted-ca-file': '/ca',"
        " 'listen-client-urls': ['https://127.0.0.1:2379',"
        " 'https://127.0.0.2:2379'], 'auto-tls': true}"
        " | containerlinux.etcd.etcd_environment(version='3.5.16')",
    )
    assert status == "SUCCESS"
    assert host["msg"] == {
        "ETCD_CLIENT_CERT_AUTH": "true",
        "ETCD_TRUSTED_CA_FILE": "/ca",
        "ETCD_LISTEN_CLIENT_URLS": "https://127.0.0.1:2379,"
        "https://127.0.0.2:2379",
        "ETCD_AUTO_TLS": "true",
    }


def test_through_a_template_refused(collections_path):
    status, host = run_ansible(
        collections_path,
        "{'image_tag': 'v3.5.16'}"
        " | containerlinux.etcd.etcd_environment(version='3.5.16')",
    )
    assert status == "FAILED!"
    assert (
        "containerlinux.etcd.etcd_environment: 'image_tag' is read by the "
        "etcd-wrapper, not by etcd" in host["msg"]
    )


def test_documented_example_is_accepted():
    examples = yaml.safe_load(etcd_environment_plugin.EXAMPLES)
    settings = examples[0]["vars"]["settings"]
    env = etcd_environment(settings, "3.5.16")
    assert env["ETCD_PEER_CLIENT_CERT_AUTH"] == "true"
    assert list(env) == [
        "ETCD_" + k.upper().replace("-", "_") for k in settings
    ]


def test_documentation_parses():
    for block in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
        assert yaml.safe_load(getattr(etcd_environment_plugin, block))
