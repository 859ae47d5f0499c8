# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The rkt and docker stand-ins accept and refuse argument lines as the
real tools do, with the real tools' error texts.

The tables run the stand-ins' own parsers on the controller; the lab tests
run a sample of the same lines inside the machines."""

from __future__ import annotations

import shlex

import pytest

pytestmark = pytest.mark.lab

RKT = "run --insecure-options=image --stage1-from-dir=stage1-fly.aci"
IMAGE = "docker://quay.io/coreos/etcd:v3.4.23 --user=232 --"
VOL = "--volume certs,kind=host,source=/etc"
ACNAME_CHARS = (
    'ACName must contain only lower case alphanumeric characters plus "-"'
)
RKT_FLAG_HINT = "\nRun 'rkt run --help' for usage."
FETCH_DOCKER = (
    "run: unable to fetch docker image from URL {0}: either image was not "
    "found in the store or store was disabled and fetching from remote "
    "yielded nothing or it was disabled"
)


def rkt_error(standins, line: str) -> str:
    error = standins.rkt.check_run(shlex.split(line), {})[2]
    return error or "accepted"


def rkt_spec(standins, line: str, environ=None) -> dict:
    spec, error = standins.rkt.check_run(shlex.split(line), environ or {})[1:]
    assert error is None
    return spec


RKT_REFUSED = [
    pytest.param(
        f"{RKT} --volume Certs,kind=host,source=/etc {IMAGE}",
        'Error: invalid argument "Certs,kind=host,source=/etc" for --volume: '
        'invalid value in --volume flag "Certs,kind=host,source=/etc": '
        f"{ACNAME_CHARS}{RKT_FLAG_HINT}",
        id="volume-name-upper-case",
    ),
    pytest.param(
        f"{RKT} --volume=certs-,kind=host,source=/etc {IMAGE}",
        'Error: invalid argument "certs-,kind=host,source=/etc" for '
        "--volume=certs-,kind=host,source=/etc: invalid value in --volume "
        'flag "certs-,kind=host,source=/etc": ACName must start and end '
        f"with only lower case alphanumeric characters{RKT_FLAG_HINT}",
        id="volume-name-trailing-dash",
    ),
    pytest.param(
        f"{RKT} {VOL},readonly=true {IMAGE}",
        'Error: invalid argument "certs,kind=host,source=/etc,readonly=true" '
        "for --volume: invalid value in --volume flag "
        '"certs,kind=host,source=/etc,readonly=true": unknown volume '
        f'parameter "readonly"{RKT_FLAG_HINT}',
        id="volume-unknown-key",
    ),
    pytest.param(
        f"{RKT} {VOL},source=/tmp {IMAGE}",
        'Error: invalid argument "certs,kind=host,source=/etc,source=/tmp" '
        "for --volume: invalid value in --volume flag "
        '"certs,kind=host,source=/etc,source=/tmp": label source with '
        f'multiple values ["/etc" "/tmp"]{RKT_FLAG_HINT}',
        id="volume-repeated-key",
    ),
    pytest.param(
        f"{RKT} --volume certs,kind=bind,source=/etc {IMAGE}",
        'Error: invalid argument "certs,kind=bind,source=/etc" for --volume: '
        'invalid value in --volume flag "certs,kind=bind,source=/etc": '
        'unrecognized volume kind: should be one of "empty", "host"'
        f"{RKT_FLAG_HINT}",
        id="volume-kind-bind",
    ),
    pytest.param(
        f"{RKT} --volume certs,kind=empty,source=/etc {IMAGE}",
        'Error: invalid argument "certs,kind=empty,source=/etc" for '
        "--volume: invalid value in --volume flag "
        '"certs,kind=empty,source=/etc": source for empty volume must be '
        f"empty{RKT_FLAG_HINT}",
        id="volume-empty-with-source",
    ),
    pytest.param(
        f"{RKT} --volume certs,kind=host,source=etc {IMAGE}",
        'Error: invalid argument "certs,kind=host,source=etc" for --volume: '
        'invalid value in --volume flag "certs,kind=host,source=etc": source '
        f"for host volume must be absolute path{RKT_FLAG_HINT}",
        id="volume-relative-source",
    ),
    pytest.param(
        f"{RKT} {VOL},readOnly {IMAGE}",
        'Error: invalid argument "certs,kind=host,source=/etc,readOnly" for '
        "--volume: invalid value in --volume flag "
        '"certs,kind=host,source=/etc,readOnly": malformed string '
        '"name=certs,kind=host,source=/etc,readOnly" - has a label without a '
        f"value: readOnly{RKT_FLAG_HINT}",
        id="volume-key-without-value",
    ),
    pytest.param(
        f"{RKT} {VOL},readOnly=yes {IMAGE}",
        'Error: invalid argument "certs,kind=host,source=/etc,readOnly=yes" '
        "for --volume: invalid value in --volume flag "
        '"certs,kind=host,source=/etc,readOnly=yes": strconv.ParseBool: '
        f'parsing "yes": invalid syntax{RKT_FLAG_HINT}',
        id="volume-readonly-not-bool",
    ),
    pytest.param(
        f"{RKT} {VOL} --volume certs,kind=host,source=/tmp {IMAGE}",
        'run: duplicate volume name "certs"',
        id="volume-name-twice",
    ),
    pytest.param(
        f"{RKT} --volume certs,kind=host,source=/nonexistent-lab-path "
        f"--mount volume=certs,target=/x {IMAGE}",
        "run: stat of host path /nonexistent-lab-path: stat "
        "/nonexistent-lab-path: no such file or directory",
        id="volume-source-missing",
    ),
    pytest.param(
        f"{RKT} {VOL} --mount volume=nope,target=/x {IMAGE}",
        'run: error parsing app image arguments: dangling mount point "/x": '
        'volume "nope" not found',
        id="mount-undeclared-volume",
    ),
    pytest.param(
        f"{RKT} {VOL} --mount volume=certs,target=/etc/%zz {IMAGE}",
        'Error: invalid argument "volume=certs,target=/etc/%zz" for --mount: '
        f'invalid URL escape "%zz"{RKT_FLAG_HINT}',
        id="mount-bad-escape",
    ),
    pytest.param(
        f"{RKT} {VOL} --mount 'volume=certs,target=/etc/a&b' {IMAGE}",
        'Error: invalid argument "volume=certs,target=/etc/a&b" for --mount: '
        f'unknown mount parameter "b"{RKT_FLAG_HINT}',
        id="mount-ampersand-breaks",
    ),
    pytest.param(
        f"{RKT} {VOL} --mount 'volume=certs,target=/etc/a;b' {IMAGE}",
        'Error: invalid argument "volume=certs,target=/etc/a;b" for --mount: '
        f'unknown mount parameter "b"{RKT_FLAG_HINT}',
        id="mount-semicolon-breaks",
    ),
    pytest.param(
        f"{RKT} {VOL} --mount volume=certs,target=/x,readOnly=true {IMAGE}",
        'Error: invalid argument "volume=certs,target=/x,readOnly=true" for '
        f'--mount: unknown mount parameter "readOnly"{RKT_FLAG_HINT}',
        id="mount-unknown-key",
    ),
    pytest.param(
        f"{RKT} {VOL} --mount volume=Certs,target=/x {IMAGE}",
        'Error: invalid argument "volume=Certs,target=/x" for --mount: '
        'invalid volume name "Certs" in --mount flag "volume=Certs,target=/x"'
        f": {ACNAME_CHARS}{RKT_FLAG_HINT}",
        id="mount-volume-name-upper-case",
    ),
    pytest.param(
        f"{RKT} {VOL} --mount volume=certs,target=/a "
        f"--mount volume=certs,target=/b {IMAGE}",
        """run: can't evaluate mounts: duplicate mount given: "certs\"""",
        id="mount-volume-twice",
    ),
    pytest.param(
        f"{RKT} --insecure-options=tls {IMAGE}",
        "run: signature verification for docker images is not supported "
        "(try --insecure-options=image)",
        id="insecure-options-last-wins",
    ),
    pytest.param(
        f"{RKT} --insecure-options=image,foo {IMAGE}",
        'Error: invalid argument "image,foo" for '
        f'--insecure-options=image,foo: unknown option "foo"{RKT_FLAG_HINT}',
        id="insecure-options-unknown",
    ),
    pytest.param(
        f"{RKT} --volumes {IMAGE}",
        f"Error: unknown flag: --volumes{RKT_FLAG_HINT}",
        id="unknown-flag",
    ),
    pytest.param(
        f"{RKT} --user=232 {IMAGE}",
        'Error: invalid argument "232" for --user=232: --user must follow an '
        f"image{RKT_FLAG_HINT}",
        id="user-before-image",
    ),
    pytest.param(
        f"{RKT} --set-env=FOO {IMAGE}",
        'Error: invalid argument "FOO" for --set-env=FOO: must be specified '
        f"as key=value{RKT_FLAG_HINT}",
        id="set-env-without-value",
    ),
    pytest.param(
        f"{RKT} --set-env=FOO=1 --set-env=FOO=2 {IMAGE}",
        'Error: invalid argument "FOO=2" for --set-env=FOO=2: key "FOO" '
        f"already set{RKT_FLAG_HINT}",
        id="set-env-twice",
    ),
    pytest.param(
        f"{RKT} --stage1-name=coreos.com/rkt/stage1-coreos {IMAGE}",
        'Error: invalid argument "coreos.com/rkt/stage1-coreos" for '
        "--stage1-name=coreos.com/rkt/stage1-coreos: flags --stage1-from-dir "
        f"and --stage1-name are mutually exclusive{RKT_FLAG_HINT}",
        id="stage1-twice",
    ),
    pytest.param(
        f"{RKT} --uuid-file-save",
        f"Error: flag needs an argument: --uuid-file-save{RKT_FLAG_HINT}",
        id="flag-without-argument",
    ),
    pytest.param(
        RKT,
        "run: must provide at least one image or specify the pod manifest",
        id="no-image",
    ),
    pytest.param(
        f"{RKT} docker://quay.io/coreos/etcd:v3.4.23 -- a --- -- b",
        "run: error parsing app image arguments: only one set of app "
        "arguments allowed per image",
        id="app-arguments-twice",
    ),
    pytest.param(
        f"{RKT} docker://quay.io/coreos/etcd:v3.6.0",
        FETCH_DOCKER.format('"docker://quay.io/coreos/etcd:v3.6.0"'),
        id="image-tag-unknown",
    ),
    pytest.param(
        f"{RKT} docker://quay.io/coreos/etcd",
        FETCH_DOCKER.format('"docker://quay.io/coreos/etcd"'),
        id="image-without-tag",
    ),
    pytest.param(
        f"{RKT} gcr.io/etcd-development/etcd:v3.5.16",
        "run: unable to fetch image from image name "
        '"gcr.io/etcd-development/etcd:v3.5.16": either image was not found '
        "in the store or store was disabled and fetching from remote yielded "
        "nothing or it was disabled",
        id="image-name-not-discoverable",
    ),
]


@pytest.mark.parametrize(("line", "expected"), RKT_REFUSED)
def test_rkt_refuses(standins, line, expected):
    assert rkt_error(standins, line) == expected


WRAPPER_LINE = (
    "run --uuid-file-save=/tmp/lab-uuid --insecure-options=image "
    "--volume coreos-data-dir,kind=host,source=/tmp,readOnly=false "
    "--volume coreos-etc-ssl-certs,kind=host,source=/etc,readOnly=true "
    "--mount volume=coreos-data-dir,target=/var/lib/etcd "
    "--mount volume=coreos-etc-ssl-certs,target=/etc/ssl/certs "
    "--inherit-env --set-env=NOTIFY_SOCKET=/run/systemd/notify "
    "--stage1-from-dir=stage1-fly.aci docker://quay.io/coreos/etcd:v3.3.20 "
    "--user=232 -- --name=etcd1"
)


def test_rkt_accepts_the_wrapper_line(standins):
    spec = rkt_spec(
        standins,
        WRAPPER_LINE,
        {"ETCD_NAME": "m", "NOTIFY_SOCKET": "/run/systemd/notify-host"},
    )
    assert spec["argv"] == ["/usr/local/bin/etcd", "--name=etcd1"]
    assert (spec["uid"], spec["gid"]) == (232, 0)
    assert spec["image"].endswith("/3.3.25")
    assert spec["env"]["ETCD_NAME"] == "m"
    assert spec["env"]["NOTIFY_SOCKET"] == "/run/systemd/notify"
    assert [
        (m["source"], m["target"], m["readonly"]) for m in spec["mounts"]
    ] == [
        ("/tmp", "/var/lib/etcd", False),
        ("/etc", "/etc/ssl/certs", True),
    ]


def test_rkt_without_inherit_env_passes_only_set_env(standins):
    line = WRAPPER_LINE.replace("--inherit-env ", "")
    spec = rkt_spec(standins, line, {"ETCD_NAME": "m"})
    assert "ETCD_NAME" not in spec["env"]
    assert spec["env"]["NOTIFY_SOCKET"] == "/run/systemd/notify"


def test_rkt_environment_priorities(standins, tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text('# c\n; c\nFROM_FILE="q"\nBOTH=file\nETCD_NAME=f\n')
    line = WRAPPER_LINE.replace(
        "--inherit-env",
        f"--inherit-env --set-env-file={env_file} --set-env=BOTH=flag",
    )
    env = rkt_spec(
        standins, line, {"PATH": "/host/bin", "ETCD_NAME": "m", "BOTH": "i"}
    )["env"]
    assert env["PATH"] == standins.common.IMAGE_PATH
    assert env["FROM_FILE"] == '"q"'
    assert env["ETCD_NAME"] == "f"
    assert env["BOTH"] == "flag"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("NAME\n", "environment variable must be specified as name=value"),
        ("=x\n", "environment variable must be specified as name=value"),
        ("A=1\nA=2\n", 'environment variable "A" already set'),
    ],
    ids=["no-equals", "no-name", "name-twice"],
)
def test_rkt_refuses_env_files(standins, tmp_path, content, message):
    env_file = tmp_path / "env"
    env_file.write_text(content)
    assert rkt_error(standins, f"{RKT} --set-env-file={env_file} {IMAGE}") == (
        f'Error: invalid argument "{env_file}" for '
        f'--set-env-file={env_file}: {message} (file "{env_file}")'
        f"{RKT_FLAG_HINT}"
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/etc/my+certs", "/etc/my certs"),
        ("/etc%2Fssl", "/etc/ssl"),
        ("/srv/./x/", "/srv/x"),
    ],
    ids=["plus-is-space", "percent-decoded", "path-cleaned"],
)
def test_rkt_mount_target_is_a_url_query_value(standins, target, expected):
    spec = rkt_spec(
        standins, f"{RKT} {VOL} --mount volume=certs,target={target} {IMAGE}"
    )
    assert [m["target"] for m in spec["mounts"]] == [expected]


def test_rkt_first_of_two_mounts_on_one_target_wins(standins):
    spec = rkt_spec(
        standins,
        f"{RKT} --volume user-certs,kind=host,source=/tmp "
        "--mount volume=user-certs,target=/etc/ssl/certs "
        "--volume coreos-etc-ssl-certs,kind=host,source=/etc "
        f"--mount volume=coreos-etc-ssl-certs,target=/etc/ssl/certs {IMAGE}",
    )
    assert [(m["volume"], m["source"]) for m in spec["mounts"]] == [
        ("user-certs", "/tmp")
    ]


def test_rkt_per_image_mount_wins_over_pod_mount(standins):
    spec = rkt_spec(
        standins,
        f"{RKT} --volume a,kind=host,source=/tmp --volume b,kind=host,"
        "source=/etc --mount volume=a,target=/srv "
        "docker://quay.io/coreos/etcd:v3.4.23 --mount volume=b,target=/srv",
    )
    assert [m["volume"] for m in spec["mounts"]] == ["b"]


@pytest.mark.parametrize(
    ("volume", "expected"),
    [
        ("a--b,kind=host,source=/etc", ("a--b", "host", "/etc")),
        ("scratch,kind=empty", ("scratch", "empty", None)),
        ("x,kind=empty,mode=0700,uid=232,gid=232", ("x", "empty", None)),
    ],
    ids=["double-dash-name", "empty-defaults", "empty-owner"],
)
def test_rkt_accepts_volumes(standins, volume, expected):
    line = f"{RKT} --volume {volume} --mount volume={expected[0]},target=/v"
    spec = rkt_spec(standins, f"{line} {IMAGE}")
    (mount,) = spec["mounts"]
    assert (mount["volume"], mount["kind"], mount["source"]) == expected


def test_rkt_insecure_options_last_wins_when_image_comes_last(standins):
    line = RKT.replace(
        "--insecure-options=image",
        "--insecure-options=tls --insecure-options=image",
    )
    assert rkt_spec(standins, f"{line} {IMAGE}")["image"].endswith("/3.4.23")


@pytest.mark.parametrize(
    ("image", "binary"),
    [
        ("docker://quay.io/coreos/etcd:v3.3.20", "3.3.25"),
        ("docker://quay.io/coreos/etcd:3.4.9", "3.4.23"),
        ("docker://gcr.io/etcd-development/etcd:v3.5.0", "3.5.16"),
        ("quay.io/coreos/etcd:v3.5.16", "3.5.16"),
    ],
)
def test_rkt_image_tag_chooses_binary(standins, image, binary):
    spec = rkt_spec(standins, f"{RKT} --trust-keys-from-https {image}")
    assert spec["image"].endswith("/" + binary)


# --- docker ------------------------------------------------------------------

DOCKER_HINT = "\nSee 'docker run --help'."
ETCD = "quay.io/coreos/etcd:v3.5.16"


def docker_check(standins, tmp_path, line: str, env_file: str | None = None):
    if env_file is not None:
        (tmp_path / "env").write_text(env_file)
        line = line.replace("ENVFILE", str(tmp_path / "env"))
    plan, error, code = standins.docker.check_run(
        shlex.split(line), {"CLIENT": "from-client"}
    )[1:]
    return plan, error, code


DOCKER_REFUSED = [
    pytest.param(
        f"-v ./certs:/etc/ssl/certs {ETCD}",
        None,
        'docker: Error response from daemon: create ./certs: "./certs" '
        "includes invalid characters for a local volume name, only "
        '"[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a '
        f"host directory, use absolute path.{DOCKER_HINT}",
        125,
        id="volume-relative-source",
    ),
    pytest.param(
        f"-v /etc:certs {ETCD}",
        None,
        "docker: Error response from daemon: invalid volume specification: "
        "'/etc:certs': invalid mount config for type \"bind\": invalid mount "
        f"path: 'certs' mount path must be absolute.{DOCKER_HINT}",
        125,
        id="volume-relative-target",
    ),
    pytest.param(
        f"-v /etc:/x:rx {ETCD}",
        None,
        f"docker: Error response from daemon: invalid mode: rx.{DOCKER_HINT}",
        125,
        id="volume-bad-mode",
    ),
    pytest.param(
        f"-v /etc:/x:ro,rw {ETCD}",
        None,
        "docker: Error response from daemon: invalid mode: ro,rw."
        f"{DOCKER_HINT}",
        125,
        id="volume-ro-and-rw",
    ),
    pytest.param(
        f"-v /etc:/etc/ssl/certs:ro -v /tmp:/etc/ssl/certs {ETCD}",
        None,
        "docker: Error response from daemon: Duplicate mount point: "
        f"/etc/ssl/certs.{DOCKER_HINT}",
        125,
        id="volume-target-twice",
    ),
    pytest.param(
        f"--volumes /etc:/x {ETCD}",
        None,
        f"unknown flag: --volumes{DOCKER_HINT}",
        125,
        id="unknown-flag",
    ),
    pytest.param(
        f"-x {ETCD}",
        None,
        f"unknown shorthand flag: 'x' in -x{DOCKER_HINT}",
        125,
        id="unknown-shorthand",
    ),
    pytest.param(
        "docker://quay.io/coreos/etcd:v3.5.16",
        None,
        f"docker: invalid reference format.{DOCKER_HINT}",
        125,
        id="rkt-style-image-url",
    ),
    pytest.param(
        "quay.io/CoreOS/etcd:v3.5.16",
        None,
        "docker: invalid reference format: repository name "
        f"(quay.io/CoreOS/etcd) must be lowercase.{DOCKER_HINT}",
        125,
        id="image-upper-case",
    ),
    pytest.param(
        "quay.io/coreos/etcd:v3.6.0",
        None,
        "Unable to find image 'quay.io/coreos/etcd:v3.6.0' locally\n"
        "docker: Error response from daemon: manifest for "
        "quay.io/coreos/etcd:v3.6.0 not found: manifest unknown: manifest "
        f"unknown.{DOCKER_HINT}",
        125,
        id="image-tag-unknown",
    ),
    pytest.param(
        "quay.io/coreos/etcd",
        None,
        "Unable to find image 'quay.io/coreos/etcd:latest' locally\n"
        "docker: Error response from daemon: manifest for "
        "quay.io/coreos/etcd:latest not found: manifest unknown: manifest "
        f"unknown.{DOCKER_HINT}",
        125,
        id="image-without-tag",
    ),
    pytest.param(
        f"--env-file ENVFILE {ETCD}",
        "ETCD_NAME=a\nFOO BAR=1\n",
        "docker: poorly formatted environment: variable 'FOO BAR' contains "
        f"whitespaces.{DOCKER_HINT}",
        125,
        id="env-file-space-in-name",
    ),
    pytest.param(
        f"--env-file ENVFILE {ETCD}",
        "MOTD=first line\nsecond line\n",
        "docker: poorly formatted environment: variable 'second line' "
        f"contains whitespaces.{DOCKER_HINT}",
        125,
        id="env-file-multi-line-value",
    ),
    pytest.param(
        f"--env-file /nonexistent-lab-env {ETCD}",
        None,
        "docker: open /nonexistent-lab-env: no such file or directory."
        f"{DOCKER_HINT}",
        125,
        id="env-file-missing",
    ),
    pytest.param(
        f"-u etcd {ETCD}",
        None,
        "docker: Error response from daemon: unable to find user etcd: no "
        f"matching entries in passwd file.{DOCKER_HINT}",
        126,
        id="user-name-not-in-image",
    ),
    pytest.param(
        f"--name etcd/member {ETCD}",
        None,
        "docker: Error response from daemon: Invalid container name "
        "(etcd/member), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed."
        f"{DOCKER_HINT}",
        125,
        id="name-invalid",
    ),
]


@pytest.mark.parametrize(
    ("line", "env_file", "expected", "code"), DOCKER_REFUSED
)
def test_docker_refuses(standins, tmp_path, line, env_file, expected, code):
    assert docker_check(standins, tmp_path, line, env_file)[1:] == (
        expected,
        code,
    )


def test_docker_accepts_the_flatcar_wrapper_line(standins, tmp_path):
    plan, error = docker_check(
        standins,
        tmp_path,
        "--name etcd-member --network=host --ipc=host -u 232:232 "
        "-v /run:/run -v /usr/share/ca-certificates:/usr/share/"
        "ca-certificates:ro -v /tmp:/var/lib/etcd:rw -v /etc:/etc/ssl/certs:ro"
        " --env-file ENVFILE --entrypoint /usr/local/bin/etcd "
        f"{ETCD} --name=etcd1",
        'ETCD_NAME=m\nQUOTED="kept"\n# comment\n  CLIENT\nNOTIFY_SOCKET=a\n'
        "NOTIFY_SOCKET=/run/etcd-notify\n",
    )[:2]
    assert error is None
    assert plan["argv"] == ["/usr/local/bin/etcd", "--name=etcd1"]
    assert (plan["uid"], plan["gid"]) == (232, 232)
    assert plan["image"].endswith("/3.5.16")
    env = plan["env"]
    assert env["QUOTED"] == '"kept"'
    assert env["CLIENT"] == "from-client"
    assert env["NOTIFY_SOCKET"] == "/run/etcd-notify"
    assert env["HOME"] == "/"
    assert [
        (v["source"], v["target"], v["readonly"]) for v in plan["volumes"]
    ] == [
        ("/run", "/run", False),
        ("/usr/share/ca-certificates", "/usr/share/ca-certificates", True),
        ("/tmp", "/var/lib/etcd", False),
        ("/etc", "/etc/ssl/certs", True),
    ]


@pytest.mark.parametrize(
    ("line", "argv"),
    [
        (ETCD, ["/usr/local/bin/etcd"]),
        (
            f"{ETCD} /usr/local/bin/etcd --version",
            ["/usr/local/bin/etcd", "--version"],
        ),
        (
            f"--entrypoint /usr/local/bin/etcdctl {ETCD} version",
            ["/usr/local/bin/etcdctl", "version"],
        ),
        (f"-it --rm {ETCD} -- x", ["--", "x"]),
    ],
    ids=[
        "image-cmd",
        "cmd-replaced",
        "entrypoint-and-args",
        "dashes-after-image-are-arguments",
    ],
)
def test_docker_command_line(standins, tmp_path, line, argv):
    plan, error = docker_check(standins, tmp_path, line)[:2]
    assert error is None
    assert plan["argv"] == argv


@pytest.mark.parametrize(
    ("image", "binary"),
    [
        ("quay.io/coreos/etcd:v3.3.20", "3.3.25"),
        ("quay.io/coreos/etcd:3.4.9", "3.4.23"),
        ("gcr.io/etcd-development/etcd:v3.5.0", "3.5.16"),
    ],
)
def test_docker_image_tag_chooses_binary(standins, tmp_path, image, binary):
    plan, error = docker_check(standins, tmp_path, image)[:2]
    assert error is None
    assert plan["image"].endswith("/" + binary)
