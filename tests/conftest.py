# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Fixtures every test directory shares: where the repository, its cache
and the real etcd binaries are."""

from __future__ import annotations

import os
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache"
ETCD_VERSIONS = ("3.3.25", "3.4.23", "3.5.16")


@pytest.fixture(scope="session")
def repo_root() -> pathlib.Path:
    return REPO


@pytest.fixture(scope="session")
def collections_path() -> pathlib.Path:
    path = CACHE / "collections"
    if not (path / "ansible_collections" / "community" / "crypto").is_dir():
        pytest.fail("the collections are missing: run hacking/bootstrap")
    return path


@pytest.fixture(scope="session")
def etcd_binaries() -> dict[str, pathlib.Path]:
    """Map each installed etcd version to the directory that holds its
    etcd and etcdctl binaries."""
    found = {}
    for version in ETCD_VERSIONS:
        d = CACHE / "etcd" / version
        if not (os.access(d / "etcd", os.X_OK)):
            pytest.fail(f"etcd {version} is missing: run hacking/bootstrap")
        found[version] = d
    return found


@pytest.fixture(scope="session")
def ansible_bin() -> pathlib.Path:
    """The bin directory of the virtual environment running the tests, so
    each supported ansible-core runs its own ansible-playbook."""
    return pathlib.Path(sys.executable).parent
