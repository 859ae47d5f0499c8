# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
#
# make test      everything CI runs: set-up, format and lint checks,
#                ansible-test sanity, unit and integration tests on the
#                newest and the oldest supported ansible-core
# make lab       boot the local three-machine lab and bootstrap a TLS etcd
#                cluster on it with playbooks/site.yml (FLAVOUR=flatcar for
#                the docker-wrapper flavour)
# make lab-down  remove the lab
# make bench     time site.yml on the lab against a hand-written playbook

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CACHE := $(CURDIR)/.cache
NEWEST := $(CACHE)/venv/newest/bin
OLDEST := $(CACHE)/venv/oldest/bin
FLAVOUR ?= coreos
MEMBERS ?= 3

export ANSIBLE_COLLECTIONS_PATH := $(CACHE)/collections
export PYTHONPATH := $(CACHE)/collections
export ANSIBLE_NOCOLOR := 1
export PATH := $(NEWEST):$(PATH)
export PY_COLORS := 0

PY_SOURCES = plugins tests hacking extensions

.PHONY: help deps test format format-check lint sanity units integration \
	molecule lab lab-down build bench

help:
	@sed -n '4,12s/^# \{0,1\}//p' $(MAKEFILE_LIST)

deps:
	hacking/bootstrap

test: deps
	$(MAKE) --no-print-directory format-check lint sanity units integration \
		molecule build

format:
	$(NEWEST)/ruff format $(PY_SOURCES)
	$(NEWEST)/ruff check --fix $(PY_SOURCES)

format-check:
	$(NEWEST)/ruff format --check $(PY_SOURCES)
	$(NEWEST)/ruff check $(PY_SOURCES)

lint:
	$(NEWEST)/ansible-lint --offline
	$(NEWEST)/antsibull-changelog lint

sanity:
	hacking/sanity newest
	hacking/sanity oldest

units:
	$(NEWEST)/pytest -q tests/unit
	$(OLDEST)/pytest -q tests/unit

# Tests on the lab machines need root and run on the newest ansible-core;
# everything else runs on both.
integration:
	$(NEWEST)/pytest -q tests/integration
	$(OLDEST)/pytest -q -m 'not lab' tests/integration

# Both flavours' scenarios, each on a lab instance of its own.
molecule:
	molecule test -s coreos
	molecule test -s flatcar

build:
	rm -rf $(CACHE)/build && mkdir -p $(CACHE)/build
	$(NEWEST)/ansible-galaxy collection build --output-path $(CACHE)/build .

lab: deps
	tests/lab/lab up --flavour $(FLAVOUR) --members $(MEMBERS)
	$(NEWEST)/ansible-playbook -i "$$(tests/lab/lab inventory)" \
		containerlinux.etcd.site

lab-down:
	tests/lab/lab down

bench: deps
	$(NEWEST)/python tests/bench/bench_site.py --flavour $(FLAVOUR)
