# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The rkt_run_args action plugin reads the unit through the shell of a
target without Python and answers exactly what the module answers when it
reads the same files itself."""

from __future__ import annotations

import pathlib

import pytest

from ansible_collections.containerlinux.etcd.plugins.module_utils._rkt import (
    compose,
)
from ansible_collections.containerlinux.etcd.plugins.modules import (
    rkt_run_args as module,
)

FQCN = "containerlinux.etcd.rkt_run_args"
UUID = "--uuid-file-save=/var/lib/coreos/etcd-member-wrapper.uuid"
UNIT = f"""[Service]
Type=notify
Environment="ETCD_USER=etcd"
Environment="RKT_RUN_ARGS={UUID}"
ExecStart=/usr/lib/coreos/etcd-wrapper $ETCD_OPTS
"""
VOLUMES = [
    {"name": "etcd-tls", "source": "/etc/etcd-tls", "target": "/etc/etcd-tls"}
]


def write(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def layout(root: pathlib.Path) -> tuple[str, list[str]]:
    """A search path of three directories with the unit in the lowest and
    drop-ins that override, hide and mask one another."""
    etc, run, usr = (root / "etc", root / "run", root / "usr lib")
    unit = usr / "etcd-member.service"
    write(unit, UNIT)
    write(
        usr / "etcd-member.service.d" / "10-proxy.conf",
        f'[Service]\nEnvironment="RKT_RUN_ARGS={UUID} --dns=host"\n',
    )
    write(
        etc / "etcd-member.service.d" / "10-proxy.conf",
        f'[Service]\nEnvironment="RKT_RUN_ARGS={UUID} --dns=1.1.1.1"\n',
    )
    write(
        run / "etcd-.service.d" / "20-prefix.conf",
        '[Service]\nEnvironment="ETCD_NAME=prefix"\n',
    )
    write(run / "etcd-member.service.d" / "README", "not a drop-in\n")
    write(run / "etcd-member.service.d" / ".hidden.conf", "[Service]\nX=\n")
    write(
        usr / "etcd-member.service.d" / "30-masked.conf",
        '[Service]\nEnvironment="RKT_RUN_ARGS=lost"\n',
    )
    masked = etc / "etcd-member.service.d" / "30-masked.conf"
    masked.symlink_to("/dev/null")
    write(
        etc / "etcd-member.service.d" / "40-own.conf",
        '[Service]\nEnvironment="RKT_RUN_ARGS=--own"\n',
    )
    write(
        etc / "service.d" / "50-all.conf",
        "[Service]\nEnvironment=ETCD_DEBUG=1\n",
    )
    return str(unit), [str(etc), str(run), str(usr)]


def module_answer(
    unit: str, search_path: list[str], exclude: str | None, volumes, extra
) -> dict[str, object]:
    problems: list[str] = []
    base, sources = module.read_base(unit, search_path, exclude, problems)
    composed = compose(base, volumes, extra)
    return {
        "args": composed["args"],
        "value": composed["value"],
        "base": composed["base"],
        "sources": sources,
        "warnings": problems + composed["warnings"],
    }


def plugin_answer(result: dict[str, object]) -> dict[str, object]:
    return {
        "args": result["args"],
        "value": result["value"],
        "base": result["base"],
        "sources": result["sources"],
        "warnings": result.get("warnings", []),
    }


@pytest.mark.parametrize(
    ("exclude", "extra"),
    [("40-own.conf", ["--net=host"]), (None, []), ("10-proxy.conf", [])],
)
def test_same_answer_as_the_module(play, tmp_path, exclude, extra) -> None:
    unit, search_path = layout(tmp_path / "units")
    args = {
        "unit": unit,
        "search_path": search_path,
        "volumes": VOLUMES,
        "extra_args": extra,
    }
    if exclude:
        args["exclude_dropin"] = exclude
    run = play([{"name": "compose", FQCN: args}])
    assert run.statuses() == {"compose": "ok"}, run.stdout
    got = plugin_answer(run.task("compose")["result"])
    expected = module_answer(unit, search_path, exclude, VOLUMES, extra)
    assert got == expected
    assert got["sources"][0] == unit


def test_the_chosen_files(play, tmp_path) -> None:
    unit, search_path = layout(tmp_path / "units")
    etc, run_dir, _usr = search_path
    run = play(
        [
            {
                "name": "compose",
                FQCN: {
                    "unit": unit,
                    "search_path": search_path,
                    "exclude_dropin": "40-own.conf",
                },
            }
        ]
    )
    result = run.task("compose")["result"]
    assert result["sources"] == [
        unit,
        f"{etc}/etcd-member.service.d/10-proxy.conf",
        f"{run_dir}/etcd-.service.d/20-prefix.conf",
        f"{etc}/etcd-member.service.d/30-masked.conf",
        f"{etc}/service.d/50-all.conf",
    ]
    assert result["base"] == f"{UUID} --dns=1.1.1.1"


def test_base_needs_no_host(play) -> None:
    run = play(
        [
            {
                "name": "compose",
                FQCN: {"base": UUID, "volumes": VOLUMES},
                "delegate_to": "target",
            }
        ]
    )
    assert run.task("compose")["result"]["value"] == (
        f"{UUID} --volume=etcd-tls,kind=host,source=/etc/etcd-tls,"
        "readOnly=true --mount=volume=etcd-tls,target=/etc/etcd-tls"
    )


def test_refusals_match_the_module(play, tmp_path) -> None:
    unit, search_path = layout(tmp_path / "units")
    etc = search_path[0]
    write(pathlib.Path(etc) / "etcd-member.service", UNIT)
    tasks = [
        {
            "name": "shadowed",
            FQCN: {"unit": unit, "search_path": search_path},
            "ignore_errors": True,
        },
        {
            "name": "missing",
            FQCN: {
                "unit": str(tmp_path / "none" / "x.service"),
                "search_path": [str(tmp_path / "none")],
            },
            "ignore_errors": True,
        },
        {
            "name": "relative",
            FQCN: {"unit": "x.service"},
            "ignore_errors": True,
        },
        {
            "name": "bad volume",
            FQCN: {"base": UUID, "volumes": [{"name": "Bad", "target": "/x"}]},
            "ignore_errors": True,
        },
    ]
    run = play(tasks)
    msgs = {r["task"]: r["result"]["msg"] for r in run.results}
    problems: list[str] = []
    with pytest.raises(Exception) as shadowed:
        module.read_base(unit, search_path, None, problems)
    assert msgs["shadowed"] == str(shadowed.value)
    assert msgs["shadowed"].startswith(f"systemd loads '{etc}/etcd-member")
    with pytest.raises(Exception) as missing:
        module.read_base(
            str(tmp_path / "none" / "x.service"),
            [str(tmp_path / "none")],
            None,
            problems,
        )
    assert msgs["missing"] == str(missing.value)
    assert msgs["relative"] == (
        "'x.service' is not an absolute path: give unit and search_path as "
        "absolute paths on the host."
    )
    with pytest.raises(Exception) as bad:
        compose(UUID, [{"name": "Bad", "target": "/x"}])
    assert msgs["bad volume"] == str(bad.value)
