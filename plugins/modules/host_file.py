# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: host_file
short_description: Put a file or a directory on a host that has no Python
version_added: 0.1.0
description:
  - Writes O(content) (rendered on the controller, so templates and
    lookups work) or the controller file O(src) to O(dest) on the host,
    with O(mode), O(owner) and O(group), or removes O(dest).
  - With O(state=directory) it makes sure O(dest) is a directory with
    O(mode), O(owner) and O(group), creating it when it is missing, as
    M(ansible.builtin.file) does with C(state=directory).
  - Works through the host's shell alone, with the commands of GNU
    coreutils (C(stat), C(sha256sum), C(base64), C(chmod), C(chown),
    C(mv)), so it runs on CoreOS and Flatcar Container Linux, which have
    no Python. It never runs a Python module on the host.
  - Compares the SHA-256 checksum, the mode and the ownership first and
    changes nothing when they match.
  - Writes atomically - the new content goes to a hidden temporary file in
    the directory of O(dest), gets its mode and ownership, passes
    O(validate), and is then renamed over O(dest); a reader sees the old
    file or the new one, never a part.
  - The content travels as a file through the connection, never on a
    command line, so binary data and files of several MiB arrive byte for
    byte.
author:
  - containerlinux.etcd developers (!UNKNOWN)
options:
  dest:
    description:
      - Absolute path of the file on the host, or of the directory with
        O(state=directory).
      - For a file, it must be a regular file or not exist; a symbolic
        link or a directory there is refused.
      - With O(state=directory), it must be a directory or not exist; a
        regular file, a symbolic link (even one to a directory) or a special
        file there is refused. Trailing slashes are dropped.
    type: str
    required: true
    aliases: [path]
  content:
    description:
      - The text to write, as UTF-8.
      - Mutually exclusive with O(src). Structured data must be rendered
        into a string first, for example with the C(to_nice_yaml) filter.
      - Not allowed with O(state=directory).
    type: raw
  src:
    description:
      - A file on the controller to copy, searched like the O(src) of
        M(ansible.builtin.copy) (the C(files/) directory of a role first);
        a vault-encrypted file is decrypted.
      - Mutually exclusive with O(content).
      - Not allowed with O(state=directory).
    type: str
  state:
    description:
      - V(present) writes the file, V(absent) removes it (or a symbolic
        link at O(dest)); a directory is never removed.
      - V(directory) creates the directory O(dest) when it is missing and
        sets O(mode), O(owner) and O(group) where they differ; the
        directory's entries are left alone.
    type: str
    choices: [present, absent, directory]
    default: present
  mode:
    description:
      - The file's or directory's permissions as an octal number, best
        written as a quoted string such as V('0644'); an unquoted YAML
        number with a leading zero is read as octal too, one without it is
        taken as the decimal value of the mode, as M(ansible.builtin.copy)
        does.
      - Symbolic modes such as V(u=rw) are refused.
      - When omitted, an existing file or directory keeps its mode, a new
        file gets 0666 and a new directory 0777, less the umask of the
        remote shell.
      - For a directory the mode is exact, set-user-ID and set-group-ID
        bits included - V('0755') clears a set-group-ID bit that is there,
        which GNU C(chmod 0755) alone would keep.
    type: raw
  owner:
    description:
      - The user that owns the file or directory, by name or numeric id.
      - When omitted, an existing file or directory keeps its owner and a
        new one belongs to the (become) user that writes it.
    type: str
  group:
    description:
      - The group of the file or directory, by name or numeric id.
      - When omitted, an existing file or directory keeps its group.
    type: str
  parents:
    description:
      - Create the missing parent directories of O(dest) (with the umask of
        the remote shell, owned by the (become) user), like C(mkdir -p);
        O(mode), O(owner) and O(group) apply to O(dest) alone.
      - When V(false), a missing directory is an error, also with
        O(state=directory) (where M(ansible.builtin.file) would create it).
    type: bool
    default: false
  validate:
    description:
      - A shell command run on the host against the new file before it
        replaces O(dest); C(%s) in it stands for the shell-quoted path of
        the temporary file, C(%%) for a literal percent sign.
      - The temporary file lies in the directory of O(dest), is hidden (its
        name starts with a dot) and ends with the name of O(dest), so tools
        that look at the suffix (such as C(systemd-analyze verify)) see the
        same kind of file. It already has its final mode and ownership.
      - When the command exits non-zero, the task fails with its output and
        O(dest) is left as it was.
      - Not allowed with O(state=directory).
    type: str
  backup:
    description:
      - Before replacing an existing file, copy it to
        C(DEST.YYYY-MM-DD@HH:MM:SS~) next to it, keeping its mode and
        ownership.
      - Not allowed with O(state=directory).
    type: bool
    default: false
notes:
  - Needs on the host a POSIX shell and GNU coreutils; C(id) when O(owner)
    is a name and C(getent) when O(group) is a name. A missing command is
    reported by name.
  - A new directory is created under umask 077 and only then given its
    owner and mode, so no other user can enter it before it has them.
  - The content of a task with C(no_log) never appears in the output, in
    the diff or on a command line; set C(no_log) for private keys. With
    C(diff) off, the current content is not even read.
  - O(validate) is not run in check mode, since check mode writes nothing.
  - The diff leaves out content that is binary (not UTF-8, or holding NUL
    bytes) or larger than the C(MAX_FILE_SIZE_FOR_DIFF) setting, and says
    so.
seealso:
  - module: ansible.builtin.copy
  - module: containerlinux.etcd.host_unit
extends_documentation_fragment:
  - containerlinux.etcd.attributes
attributes:
  facts:
    support: none
  action:
    support: full
    details: The work is done by an action plugin on the controller.
  async:
    support: none
  check_mode:
    support: full
    details:
      - Reads the current file or directory, reports whether it would
        change and what the diff would be, and writes nothing.
  diff_mode:
    support: full
    details:
      - Shows the content before and after, and the mode and ownership
        that change.
      - With O(state=directory), C(before) and C(after) are dictionaries as
        M(ansible.builtin.file) returns them - C(path), C(state) when the
        directory is created (V(absent) to V(directory)), and C(mode),
        C(owner) and C(group) (numeric ids) that change.
  idempotent:
    support: full
    details:
      - A second run with the same options reports no change.
  platform:
    platforms: posix
    support: full
    details: Any host with a POSIX shell and GNU coreutils.
"""

EXAMPLES = r"""
- name: Install the etcd drop-in, checked by systemd before it is used
  containerlinux.etcd.host_file:
    dest: /etc/systemd/system/etcd-member.service.d/40-etcd-cluster.conf
    content: "{{ lookup('ansible.builtin.template', 'etcd-dropin.conf.j2') }}"
    mode: "0644"
    parents: true
    validate: /usr/bin/test -s %s
  register: __etcd_dropin

- name: Install the member's private key
  containerlinux.etcd.host_file:
    dest: /etc/ssl/etcd/member.key
    content: "{{ etcd_member_key }}"
    owner: etcd
    group: etcd
    mode: "0600"
  no_log: true

- name: Copy a binary file from the role's files/ directory
  containerlinux.etcd.host_file:
    src: etcdctl.tar.gz
    dest: /opt/etcd/etcdctl.tar.gz
    mode: "0644"
    parents: true

- name: Make the etcd data directory, private to the etcd user
  containerlinux.etcd.host_file:
    dest: /var/lib/etcd
    state: directory
    owner: "{{ ansible_facts.containerlinux_etcd_host.user.uid }}"
    group: "{{ ansible_facts.containerlinux_etcd_host.user.gid }}"
    mode: "0700"

- name: Make the certificate directory and its parents
  containerlinux.etcd.host_file:
    dest: /etc/etcd-member/tls
    state: directory
    owner: root
    group: etcd
    mode: "0750"
    parents: true

- name: Remove an old drop-in
  containerlinux.etcd.host_file:
    dest: /etc/systemd/system/etcd-member.service.d/20-old.conf
    state: absent
"""

RETURN = r"""
dest:
  description: The path of the file or directory (a directory's without
    trailing slashes).
  returned: always
  type: str
  sample: /etc/ssl/etcd/member.crt
state:
  description:
    - V(file) after O(state=present), V(absent) after O(state=absent),
      V(directory) after O(state=directory).
  returned: always
  type: str
  sample: file
changes:
  description:
    - What differed, from V(create), V(content), V(mode), V(owner) and
      V(group); a directory has no V(content).
  returned: when something changed or would change
  type: list
  elements: str
  sample: [content, mode]
checksum:
  description: SHA-256 of the content.
  returned: when O(state=present)
  type: str
  sample: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
size:
  description: Size of the content in bytes.
  returned: when O(state=present)
  type: int
  sample: 1024
mode:
  description:
    - The file's or directory's mode as four octal digits.
    - In check mode, the mode it would get; null for a new file or
      directory without O(mode).
  returned: when O(state=present) or O(state=directory)
  type: str
  sample: "0644"
owner:
  description:
    - The name of the file's or directory's owner.
    - In check mode, when it would change, O(owner) as the task gives it.
  returned: when O(state=present) or O(state=directory)
  type: str
  sample: etcd
group:
  description:
    - The name of the file's or directory's group.
    - In check mode, when it would change, O(group) as the task gives it.
  returned: when O(state=present) or O(state=directory)
  type: str
  sample: etcd
uid:
  description: The numeric id of the file's or directory's owner.
  returned: when O(state=present) or O(state=directory)
  type: int
  sample: 232
gid:
  description: The numeric id of the file's or directory's group.
  returned: when O(state=present) or O(state=directory)
  type: int
  sample: 232
backup_file:
  description: The copy of the old file.
  returned: when O(backup=true) and an existing file was replaced
  type: str
  sample: /etc/ssl/etcd/member.crt.2026-12-03@11:02:03~
"""
