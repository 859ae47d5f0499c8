# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection

DOCUMENTATION = r"""
name: etcd_environment
short_description: Turn etcd settings into checked C(ETCD_*) variables
version_added: 0.1.0
description:
  - Takes a mapping of etcd server flags to values and returns the
    C(ETCD_*) environment variables that carry them to etcd, in the order
    of the input, after checking every setting against the etcd release
    that will read it.
  - etcd only warns about an C(ETCD_*) name it does not know and starts
    anyway, so a misspelt or removed flag is silently lost; this filter
    refuses it on the controller instead, with the closest real flag name
    or its replacement.
  - The table of flags covers every etcd release from 3.0.0 to 3.7.1, at
    patch precision, derived from etcd's sources at its release tags.
author:
  - containerlinux.etcd developers
positional: _input, version
options:
  _input:
    description:
      - etcd flag names mapped to their values.
      - A key is a flag name with dashes or underscores
        (C(peer-client-cert-auth), C(peer_client_cert_auth)) or the
        variable name itself (C(ETCD_PEER_CLIENT_CERT_AUTH)). Two keys that
        mean the same flag are refused.
      - Values are booleans, integers, strings or lists, as the flag takes.
        Booleans become C(true) or C(false); lists (of URLs, cipher suites,
        log outputs and so on) are joined with commas, and a list item
        holding a comma is refused. C(feature-gates) also takes a mapping
        of gate names to booleans. Durations are strings with a unit, such
        as C(5s).
      - A value of C(null) (None) leaves the flag unset and is left out of
        the result. An empty string or list is refused, since etcd reads it
        as unset too and it usually hides an undefined variable.
    type: dict
    required: true
  version:
    description:
      - The etcd release that will read the variables, such as C(3.5.16),
        or an image tag such as C(v3.5.16).
      - A bare minor such as C(3.5) stands for every 3.5 release, so a flag
        is accepted only if all of them have it; a flag that arrived in a
        patch release (C(tls-min-version) in 3.5.8) is refused with a hint
        to give the exact release. This keeps a setting from reaching an
        older patch release that would only warn about it and run without
        it.
      - A patch release newer than any the table knows (such as 3.5.99) is
        checked as the newest known release of that minor line. A minor
        line the table does not know (such as 3.8) is refused.
    type: str
    required: true
notes:
  - Each refusal is a sentence that names the key, the version and the fix.
  - Refused names are an unknown flag (with the closest real name); a flag
    removed before that release (with its replacement), such as
    C(peer-ca-file) from 3.4 on; a flag that arrived after that release,
    such as C(cipher-suites) before 3.2.22 or 3.3.7; names the etcd-wrapper
    reads rather than etcd (C(image-tag), C(image-url), C(image),
    C(image-args), C(ssl-dir), C(user), C(opts)) and the C(RKT_*) names of
    the rkt wrapper; C(config-file), since with a configuration file etcd
    ignores every other flag and variable; and leftover etcd 0.4 names that
    etcd accepts and ignores.
  - Refused values are those of the wrong type or outside the flag's
    choices (for C(log-level), C(initial-cluster-state), C(client-cert-auth)
    and others).
  - Refused combinations are C(initial-cluster) together with C(discovery)
    or C(discovery-srv); an C(initial-cluster) that is not a list of
    C(name=URL) members, or that lacks the member given as C(name) (a name
    the unit sets, such as CoreOS's C(ETCD_NAME=%m), is not checked); a
    certificate without its key or a key without its certificate, for
    clients and for peers; C(client-cert-auth) without
    C(trusted-ca-file), and C(peer-client-cert-auth) without
    C(peer-trusted-ca-file); C(election-timeout) below 5 times
    C(heartbeat-interval) or above 50000 (etcd's defaults 1000 and 100
    stand in for a missing one).
  - Refused TLS settings, which etcd refuses at start or ignores with no
    more than a warning, are an C(https) or C(unixs) listen URL without a
    certificate (or C(auto-tls)); C(client-cert-auth) (or
    C(peer-client-cert-auth)) while a listen URL of that side is plain
    C(http) or C(unix), or while the listen URLs are not given, since
    etcd's defaults are plain; and a certificate while the given listen
    URLs of its side are all plain.
  - Deprecated flags are accepted. The role lists them through the
    C(deprecations) function of the collection's C(_etcd) module_utils,
    since a filter cannot warn.
  - The result is a plain mapping of names to strings; pass it through
    P(containerlinux.etcd.systemd_environment#filter) to write
    C(Environment=) lines.
seealso:
  - plugin: containerlinux.etcd.systemd_environment
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Build the environment of a TLS member of etcd 3.5.16
  ansible.builtin.set_fact:
    etcd_member_env: >-
      {{ settings
         | containerlinux.etcd.etcd_environment(version='3.5.16') }}
  vars:
    settings:
      name: etcd1
      listen-client-urls: [https://10.0.0.11:2379]
      advertise-client-urls: [https://10.0.0.11:2379]
      listen-peer-urls: [https://10.0.0.11:2380]
      initial-advertise-peer-urls: [https://10.0.0.11:2380]
      cert-file: /etc/ssl/certs/etcd/server.crt
      key-file: /etc/ssl/certs/etcd/server.key
      trusted-ca-file: /etc/ssl/certs/etcd/ca.crt
      client-cert-auth: true
      peer-client-cert-auth: true
      peer-trusted-ca-file: /etc/ssl/certs/etcd/ca.crt
      peer-cert-file: /etc/ssl/certs/etcd/peer.crt
      peer-key-file: /etc/ssl/certs/etcd/peer.key
  # etcd_member_env:
  #   ETCD_NAME: etcd1
  #   ETCD_LISTEN_CLIENT_URLS: https://10.0.0.11:2379
  #   ...
  #   ETCD_CLIENT_CERT_AUTH: 'true'

- name: Take the version from the image tag
  ansible.builtin.debug:
    msg: >-
      {{ {'log_level': 'warn'}
         | containerlinux.etcd.etcd_environment(version=etcd_image_tag) }}
  vars:
    etcd_image_tag: v3.5.16
"""

RETURN = r"""
_value:
  description:
    - The C(ETCD_*) variable of each set flag mapped to its value as etcd
      reads it, in the order of the input.
  type: dict
  sample:
    ETCD_NAME: etcd1
    ETCD_PEER_CLIENT_CERT_AUTH: "true"
    ETCD_LISTEN_CLIENT_URLS: https://10.0.0.11:2379,https://127.0.0.1:2379
"""

from collections.abc import Mapping  # noqa: E402

from ansible.errors import AnsibleFilterError  # noqa: E402

from ansible_collections.containerlinux.etcd.plugins.module_utils._etcd import (  # noqa: E402, E501
    EtcdSettingsError,
    build_environment,
)

FQCN = "containerlinux.etcd.etcd_environment"


def etcd_environment(settings: Mapping, version: str) -> dict[str, str]:
    """Check ``settings`` against etcd ``version``; return ETCD_* vars."""
    try:
        return build_environment(settings, version)
    except EtcdSettingsError as exc:
        raise AnsibleFilterError(f"{FQCN}: {exc}") from None


class FilterModule:
    def filters(self):
        return {"etcd_environment": etcd_environment}
