# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The rkt_run_args module against unit files in a temporary directory,
run for real two ways: the module file itself, as Ansible runs a module
(arguments in a JSON file), and a task of ansible-playbook on localhost,
which goes through the action plugin of the same name.  Both must give
the same answers."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest
import yaml

from ansible_collections.containerlinux.etcd.plugins.module_utils._rkt import (
    VOLUME_OPTIONS,
)

UUID = "--uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid"
TLS = {"name": "tls", "source": "/etc/etcd-member/tls", "target": "/etc/tls"}
TLS_WORDS = [
    "--volume=tls,kind=host,source=/etc/etcd-member/tls,readOnly=true",
    "--mount=volume=tls,target=/etc/tls",
]
SERVICE = "[Service]\n"
UNIT = (
    "[Unit]\nDescription=etcd (System Application Container)\n\n"
    f"{SERVICE}Type=notify\n"
    'Environment="ETCD_IMAGE_TAG=v3.0.10"\n'
    'Environment="ETCD_NAME=%m"\n'
    f'Environment="RKT_RUN_ARGS={UUID}"\n'
    "ExecStart=/usr/lib/coreos/etcd-wrapper $ETCD_OPTS\n"
)

# Relative to the temporary root: "etc" and "usr" are the search path.
FILES = {
    "usr/etcd-member.service": UNIT,
    # Hidden by the same name in "etc".
    "usr/etcd-member.service.d/10-proxy.conf": (
        f"{SERVICE}Environment=RKT_RUN_ARGS=--hidden\n"
    ),
    "etc/etcd-member.service.d/10-proxy.conf": (
        f'{SERVICE}Environment="RKT_RUN_ARGS={UUID} \\\n  --dns=host"\n'
    ),
    # Applies after 10-proxy.conf: a prefix drop-in, then the type one.
    "usr/etcd-.service.d/20-other.conf": (f"{SERVICE}Environment=OTHER=1\n"),
    "etc/service.d/30-broken.conf": f"{SERVICE}Environment=W\n",
    # The collection's own drop-in, left out with exclude_dropin.
    "etc/etcd-member.service.d/40-ours.conf": (
        f"{SERVICE}Environment=RKT_RUN_ARGS=--from-ours\n"
    ),
    "etc/etcd-member.service.d/50-notes.txt": (
        f"{SERVICE}Environment=RKT_RUN_ARGS=--not-a-dropin\n"
    ),
    # A unit of the same name that systemd would load first.
    "shadow/etcd-member.service": UNIT,
}


def _unit_args(root: str, **kw) -> dict:
    return {
        "unit": f"{root}/usr/etcd-member.service",
        "search_path": [f"{root}/etc", f"{root}/usr"],
        **kw,
    }


def _cases(root: str) -> dict[str, dict]:
    """Task name -> module arguments (and check_mode)."""
    return {
        "reads unit and drop-ins": _unit_args(
            root, exclude_dropin="40-ours.conf", volumes=[TLS]
        ),
        "reads the own drop-in when not excluded": _unit_args(root),
        "base given": {"base": UUID, "volumes": [TLS]},
        "base given, check mode": {
            "base": UUID,
            "volumes": [TLS],
            "_check_mode": True,
        },
        "empty volume": {
            "base": UUID,
            "volumes": [
                {
                    "name": "scratch",
                    "kind": "empty",
                    "target": "/var/tmp/etcd",
                    "mode": "0700",
                    "uid": 232,
                }
            ],
            "extra_args": ["--dns=host"],
        },
        "unit and base": _unit_args(root, base=UUID),
        "unit missing": {
            "unit": f"{root}/nowhere/etcd-member.service",
            "search_path": [f"{root}/nowhere"],
        },
        "unit shadowed": _unit_args(
            root, search_path=[f"{root}/shadow", f"{root}/usr"]
        ),
        "bad volume name": {"base": UUID, "volumes": [dict(TLS, name="TLS")]},
        "read_only on empty volume": {
            "base": UUID,
            "volumes": [
                {"name": "e", "kind": "empty", "target": "/e", "read_only": 1}
            ],
        },
        "unknown kind": {"base": UUID, "volumes": [dict(TLS, kind="bind")]},
    }


COLLECTIONS = (
    pathlib.Path(__file__).resolve().parents[4] / ".cache" / "collections"
)
MODULE = "ansible_collections.containerlinux.etcd.plugins.modules.rkt_run_args"


def _run_module(root: pathlib.Path, number: int, args: dict) -> dict:
    args = dict(args)
    if args.pop("_check_mode", False):
        args["_ansible_check_mode"] = True
    path = root / f"args{number}.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    run = subprocess.run(
        [sys.executable, "-m", MODULE, str(path)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(COLLECTIONS)),
        check=False,
    )
    result = json.loads(run.stdout)
    # ansible-core 2.19 and later send warnings as structured events, which
    # the controller turns back into the messages.
    result["warnings"] = [
        item["event"]["msg"] if isinstance(item, dict) else item
        for item in result.get("warnings", [])
    ]
    return result


def _run_playbook(root: pathlib.Path, cases: dict[str, dict]) -> dict:
    tasks = []
    for number, (name, args) in enumerate(cases.items()):
        args = dict(args)
        check_mode = args.pop("_check_mode", False)
        tasks.append(
            {
                "name": name,
                "containerlinux.etcd.rkt_run_args": args,
                "check_mode": check_mode,
                "register": f"r{number}",
                "ignore_errors": True,
            }
        )
    out = root / "results.json"
    collect = ", ".join(
        f"{json.dumps(name)}: r{number}" for number, name in enumerate(cases)
    )
    tasks.append(
        {
            "name": "Save the results",
            "ansible.builtin.copy": {
                "dest": str(out),
                "content": "{{ {" + collect + "} | to_json }}",
                "mode": "0600",
            },
        }
    )
    playbook = root / "play.yml"
    playbook.write_text(
        json.dumps(
            [{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]
        )
    )
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        ANSIBLE_HOME=str(root / "ansible"),
        ANSIBLE_LOCAL_TEMP=str(root / "tmp"),
        ANSIBLE_NOCOLOR="1",
    )
    run = subprocess.run(
        [
            str(pathlib.Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            str(playbook),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.exists(), run.stdout + run.stderr
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("units")
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    cases = _cases(str(root))
    return {
        "module": {
            name: _run_module(root, number, args)
            for number, (name, args) in enumerate(cases.items())
        },
        "action": _run_playbook(root, cases),
        "root": str(root),
    }


@pytest.fixture(params=["module", "action"])
def results(request, runs) -> dict[str, dict]:
    return dict(runs[request.param], _root=runs["root"])


def test_reads_unit_and_dropins(results):
    root = results["_root"]
    r = results["reads unit and drop-ins"]
    assert r["changed"] is False
    assert r["base"] == f"{UUID}    --dns=host"
    assert r["args"] == [UUID, "--dns=host", *TLS_WORDS]
    assert r["value"] == " ".join(r["args"])
    assert r["sources"] == [
        f"{root}/usr/etcd-member.service",
        f"{root}/etc/etcd-member.service.d/10-proxy.conf",
        f"{root}/usr/etcd-.service.d/20-other.conf",
        f"{root}/etc/service.d/30-broken.conf",
    ]
    assert r["warnings"] == [
        f"{root}/etc/service.d/30-broken.conf line 2: systemd ignores 'W': "
        "it is not a NAME=value assignment with a valid name"
    ]


def test_reads_the_own_dropin_when_not_excluded(results):
    r = results["reads the own drop-in when not excluded"]
    assert r["base"] == "--from-ours"
    assert r["args"] == ["--from-ours"]
    assert r["warnings"][-1] == (
        "the base RKT_RUN_ARGS (from the unit and its other drop-ins) holds "
        "no --uuid-file-save=...; without it the unit's 'rkt rm' and 'rkt "
        "stop' find no pod and old pods pile up: add it through extra_args "
        "if the unit expects it"
    )


@pytest.mark.parametrize("case", ["base given", "base given, check mode"])
def test_base_given(results, case):
    r = results[case]
    assert r["changed"] is False
    assert r["base"] == UUID
    assert r["args"] == [UUID, *TLS_WORDS]
    assert r["value"] == " ".join([UUID, *TLS_WORDS])
    assert r["sources"] == []
    assert "warnings" not in r or r["warnings"] == []


def test_empty_volume(results):
    assert results["empty volume"]["args"] == [
        UUID,
        "--volume=scratch,kind=empty,mode=0700,uid=232",
        "--mount=volume=scratch,target=/var/tmp/etcd",
        "--dns=host",
    ]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unit and base", "parameters are mutually exclusive: unit|base"),
        (
            "unit missing",
            "the unit '{root}/nowhere/etcd-member.service' does not exist: "
            "give the path of the installed unit, or the base value with "
            "base",
        ),
        (
            "unit shadowed",
            "systemd loads '{root}/shadow/etcd-member.service', not "
            "'{root}/usr/etcd-member.service', as etcd-member.service: give "
            "unit: {root}/shadow/etcd-member.service",
        ),
        (
            "bad volume name",
            "volume name 'TLS' is not a valid rkt name: use lower-case "
            "letters, digits and single dashes",
        ),
        (
            "read_only on empty volume",
            "volume 'e': option 'read_only' does not apply to kind=empty "
            "volumes: remove it, or use kind=host",
        ),
        (
            "unknown kind",
            "value of kind must be one of: host, empty, got: bind found in "
            "volumes",
        ),
    ],
)
def test_refuses(results, case, message):
    r = results[case]
    assert r["failed"] is True
    assert r["msg"] == message.format(root=results["_root"])


def test_documentation_matches_the_argument_spec():
    import importlib

    module = importlib.import_module(MODULE)
    docs = yaml.safe_load(module.DOCUMENTATION)
    assert sorted(docs["options"]) == [
        "base",
        "exclude_dropin",
        "extra_args",
        "search_path",
        "unit",
        "volumes",
    ]
    assert sorted(docs["options"]["volumes"]["suboptions"]) == sorted(
        VOLUME_OPTIONS
    )
    assert docs["attributes"]["check_mode"]["support"] == "full"
    assert sorted(yaml.safe_load(module.RETURN)) == [
        "args",
        "base",
        "sources",
        "value",
    ]
    assert len(yaml.safe_load(module.EXAMPLES)) == 2
