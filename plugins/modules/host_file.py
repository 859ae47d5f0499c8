# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: host_file
short_description: Put a file on a host that has no Python
version_added: 0.1.0
description:
  - Writes O(content) (rendered on the controller, so templates and
    lookups work) or the controller file O(src) to O(dest) on the host,
    with O(mode), O(owner) and O(group), or removes O(dest).
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
      - Absolute path of the file on the host.
      - It must be a regular file or not exist; a symbolic link or a
        directory there is refused.
    type: str
    required: true
    aliases: [path]
  content:
    description:
      - The text to write, as UTF-8.
      - Mutually exclusive with O(src). Structured data must be rendered
        into a string first, for example with the C(to_nice_yaml) filter.
    type: raw
  src:
    description:
      - A file on the controller to copy, searched like the O(src) of
        M(ansible.builtin.copy) (the C(files/) directory of a role first);
        a vault-encrypted file is decrypted.
      - Mutually exclusive with O(content).
    type: str
  state:
    description:
      - V(present) writes the file, V(absent) removes it (or a symbolic
        link at O(dest)).
    type: str
    choices: [present, absent]
    default: present
  mode:
    description:
      - The file's permissions as an octal number, best written as a quoted
        string such as V('0644'); an unquoted YAML number with a leading
        zero is read as octal too, one without it is taken as the decimal
        value of the mode, as M(ansible.builtin.copy) does.
      - Symbolic modes such as V(u=rw) are refused.
      - When omitted, an existing file keeps its mode and a new file gets
        0666 less the umask of the remote shell.
    type: raw
  owner:
    description:
      - The user that owns the file, by name or numeric id.
      - When omitted, an existing file keeps its owner and a new one
        belongs to the (become) user that writes it.
    type: str
  group:
    description:
      - The group of the file, by name or numeric id.
      - When omitted, an existing file keeps its group.
    type: str
  parents:
    description:
      - Create the missing parent directories of O(dest) (with the umask of
        the remote shell), like C(mkdir -p).
      - When V(false), a missing directory is an error.
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
    type: str
  backup:
    description:
      - Before replacing an existing file, copy it to
        C(DEST.YYYY-MM-DD@HH:MM:SS~) next to it, keeping its mode and
        ownership.
    type: bool
    default: false
notes:
  - Needs on the host a POSIX shell and GNU coreutils; C(id) when O(owner)
    is a name and C(getent) when O(group) is a name. A missing command is
    reported by name.
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
attributes:
  action:
    description:
      - The plugin runs on the controller and works on the host through
        the connection.
    support: full
    details: The work is done by an action plugin on the controller.
  async:
    description: Whether the task can run asynchronously.
    support: none
  check_mode:
    description:
      - Whether the task can run in check mode, reporting what would
        change without changing it.
    support: full
    details:
      - Reads the current file, reports whether it would change and what
        the diff would be, and writes nothing.
  diff_mode:
    description:
      - Whether the task returns a diff of what it changes (or would
        change).
    support: full
    details:
      - Shows the content before and after, and the mode and ownership
        that change.
  idempotent:
    description: Whether a second run with the same options changes nothing.
    support: full
    details:
      - A second run with the same options reports no change.
  platform:
    description: The target platforms.
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

- name: Remove an old drop-in
  containerlinux.etcd.host_file:
    dest: /etc/systemd/system/etcd-member.service.d/20-old.conf
    state: absent
"""

RETURN = r"""
dest:
  description: The path of the file.
  returned: always
  type: str
  sample: /etc/ssl/etcd/member.crt
state:
  description: V(file) after O(state=present), V(absent) after O(state=absent).
  returned: always
  type: str
  sample: file
changes:
  description:
    - What differed, from V(create), V(content), V(mode), V(owner) and
      V(group).
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
  description: The file's mode as four octal digits.
  returned: when O(state=present)
  type: str
  sample: "0644"
owner:
  description: The name of the file's owner.
  returned: when O(state=present)
  type: str
  sample: etcd
group:
  description: The name of the file's group.
  returned: when O(state=present)
  type: str
  sample: etcd
uid:
  description: The numeric id of the file's owner.
  returned: when O(state=present)
  type: int
  sample: 232
gid:
  description: The numeric id of the file's group.
  returned: when O(state=present)
  type: int
  sample: 232
backup_file:
  description: The copy of the old file.
  returned: when O(backup=true) and an existing file was replaced
  type: str
  sample: /etc/ssl/etcd/member.crt.2026-12-03@11:02:03~
"""
