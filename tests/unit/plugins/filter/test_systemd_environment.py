# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The systemd_environment filter: direct calls, and one run through real
ansible-core templating."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.containerlinux.etcd.plugins.filter.systemd_environment import (  # noqa: E501
    FilterModule,
    systemd_environment,
)

F = "containerlinux.etcd.systemd_environment: "


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, []),
        (
            {"ETCD_NAME": "etcd1", "ETCD_DATA_DIR": "/var/lib/etcd"},
            ['"ETCD_NAME=etcd1"', '"ETCD_DATA_DIR=/var/lib/etcd"'],
        ),
        (
            {"B": '50% "x" \\', "A": "a b"},
            ['"B=50%% \\"x\\" \\\\"', '"A=a b"'],
        ),
        ({"ETCD_SNAPSHOT_COUNT": 10000}, ['"ETCD_SNAPSHOT_COUNT=10000"']),
        ({"E": ""}, ['"E="']),
    ],
)
def test_systemd_environment(environment, expected):
    assert systemd_environment(environment) == expected


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        (
            ["ETCD_NAME=x"],
            "the input must be a mapping of variable names to values, not "
            "a list",
        ),
        (
            {"ETCD_DEBUG": True},
            "the value of 'ETCD_DEBUG' is a boolean: give it as the string "
            "the program expects, such as 'true'",
        ),
        (
            {"ETCD_NAME": None},
            "the value of environment variable 'ETCD_NAME' is a NoneType, "
            "not a string: convert it to text first",
        ),
        (
            {"ETCD_NAME": "x\nExecStartPre=/bin/sh"},
            "the value of environment variable 'ETCD_NAME' contains a "
            "newline, which a systemd unit cannot carry: remove it from the "
            "value",
        ),
        (
            {"etcd-name": "x"},
            "environment variable name 'etcd-name' is not valid: use "
            "letters, digits and underscores, not starting with a digit",
        ),
    ],
)
def test_systemd_environment_refuses(environment, message):
    with pytest.raises(AnsibleFilterError) as caught:
        systemd_environment(environment)
    assert caught.value.message == F + message


def test_filter_map():
    assert FilterModule().filters() == {
        "systemd_environment": systemd_environment
    }


def _ansible(tmp_path: pathlib.Path, expression: str):
    collections = pathlib.Path(__file__).resolve().parents[4] / ".cache"
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(collections / "collections"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path),
        ANSIBLE_HOME=str(tmp_path),
        ANSIBLE_NOCOLOR="1",
    )
    bin_dir = pathlib.Path(sys.executable).parent
    return subprocess.run(
        [
            str(bin_dir / "ansible"),
            "localhost",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-m",
            "ansible.builtin.debug",
            "-a",
            f"msg={{{{ {expression} }}}}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _result(run) -> dict:
    # The ad-hoc output is "localhost | STATUS => {json}".
    return json.loads(run.stdout[run.stdout.index("=>") + 2 :])


def test_through_ansible(tmp_path):
    expression = (
        "{'ETCD_NAME': 'a \"b\" 50%'} "
        "| containerlinux.etcd.systemd_environment"
    )
    run = _ansible(tmp_path, expression)
    assert run.returncode == 0, run.stderr
    assert _result(run)["msg"] == ['"ETCD_NAME=a \\"b\\" 50%%"']


def test_through_ansible_refuses(tmp_path):
    expression = (
        "{'ETCD_NAME': 'x\\nExecStartPre=/bin/sh'} "
        "| containerlinux.etcd.systemd_environment"
    )
    run = _ansible(tmp_path, expression)
    assert run.returncode != 0
    assert (
        F + "the value of environment variable 'ETCD_NAME' contains a "
        "newline, which a systemd unit cannot carry: remove it from the "
        "value"
    ) in _result(run)["msg"]


def test_documentation_is_yaml():
    from ansible_collections.containerlinux.etcd.plugins.filter import (
        systemd_environment as plugin,
    )

    docs = yaml.safe_load(plugin.DOCUMENTATION)
    assert docs["name"] == "systemd_environment"
    assert list(docs["options"]) == ["_input"]
    assert len(docs["notes"]) == 4
    assert [task["name"] for task in yaml.safe_load(plugin.EXAMPLES)] == [
        "Render a drop-in with the etcd environment",
        "Show the quoted assignments",
    ]
    assert yaml.safe_load(plugin.RETURN)["_value"]["elements"] == "str"
