# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Pure helpers for the host_* action plugins: build POSIX shell scripts
that run on a host without Python, and parse what they print.

Every word that comes from a task reaches the host only through
``shlex.quote``. The scripts print records, one per line, of the form
``@key value``; values that may hold arbitrary bytes are base64-encoded so
that no content can be mistaken for a record.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import posixpath
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MISSING_RC = 127
VALIDATE_RC = 3

_RECORD = re.compile(r"^@([a-z0-9_]+)(?: (.*))?$")
_OCTAL_MODE = re.compile(r"^(?:0o)?([0-7]{3,4})$")
_UNIT_NAME = re.compile(r"^[A-Za-z0-9:_.\\@-]+$")


class HostShellError(Exception):
    """A task argument or a host's answer that the plugins cannot use; the
    message is a whole sentence meant for the user."""


def q(word: str) -> str:
    """Quote one word for the POSIX shell."""
    return shlex.quote(word)


def as_command(script: str) -> str:
    """Wrap a multi-line script in one brace group, so that whatever
    ansible-core appends to the command line (2.17 adds ``&& sleep 0``)
    still parses and the script's exit status is the command's."""
    return "{\n" + script.rstrip("\n") + "\n}"


def require_commands(commands: Iterable[str]) -> str:
    """Return a shell line that stops with a ``@missing NAME`` record and
    rc 127 when the host lacks one of ``commands``."""
    names = " ".join(q(c) for c in dict.fromkeys(commands))
    return (
        f'for c in {names}; do command -v "$c" >/dev/null 2>&1 || '
        "{ printf '@missing %s\\n' \"$c\"; exit 127; }; done"
    )


def parse_records(stdout: str) -> dict[str, list[str]]:
    """Collect the ``@key value`` records of a script's output, in order;
    any other line is ignored."""
    records: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        m = _RECORD.match(line)
        if m:
            records.setdefault(m.group(1), []).append(m.group(2) or "")
    return records


def check_missing(records: Mapping[str, list[str]], purpose: str) -> None:
    """Raise a clear error when a script reported a missing command."""
    missing = records.get("missing")
    if missing:
        raise HostShellError(
            f"the host lacks the command '{missing[0]}', which {purpose} "
            "needs: install it on the host or put it on the PATH of the "
            "remote shell."
        )


def b64decode(value: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as e:
        raise HostShellError(
            f"the host printed a value that is not base64 ({value[:40]!r}): "
            "its base64 command does not behave like GNU coreutils."
        ) from e


def first(records: Mapping[str, list[str]], key: str) -> str | None:
    values = records.get(key)
    return values[0] if values else None


# --------------------------------------------------------------------------
# Files


@dataclasses.dataclass(frozen=True)
class FileState:
    """What a host said about a destination path."""

    kind: str  # absent, file, link, directory, other
    parent: str  # directory, absent, other
    mode: str | None = None
    uid: int | None = None
    gid: int | None = None
    user: str | None = None
    group: str | None = None
    size: int | None = None
    sha256: str | None = None
    content: bytes | None = None
    link: str | None = None
    owner_uid: int | None = None
    group_gid: int | None = None
    owner_unknown: bool = False
    group_unknown: bool = False


def normalize_mode(value: object) -> str | None:
    """Return a mode as four octal digits (``'0644'``), or None.

    Integers are taken as the mode itself, as ansible.builtin.copy does
    (YAML reads an unquoted ``0644`` as 420); strings must be three or
    four octal digits."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise HostShellError(
            f"mode {value!r} is not a file mode: write it as a quoted octal "
            "string such as '0644'."
        )
    if isinstance(value, int):
        if not 0 <= value <= 0o7777:
            raise HostShellError(
                f"mode {value} is out of range: write it as a quoted octal "
                "string such as '0644'."
            )
        return f"{value:04o}"
    if isinstance(value, str):
        m = _OCTAL_MODE.match(value.strip())
        if m:
            return f"{int(m.group(1), 8):04o}"
    raise HostShellError(
        f"mode {value!r} is not an octal file mode: write it as a quoted "
        "string of three or four octal digits such as '0644'; symbolic "
        "modes are not supported."
    )


def check_account(kind: str, value: str | None) -> str | None:
    """Refuse owner and group names that chown would misread."""
    if value is None:
        return None
    if not value or ":" in value or "\n" in value or value.startswith("-"):
        raise HostShellError(
            f"{kind} {value!r} is not a user or group name: give a name "
            "or a numeric id without ':', newlines or a leading '-'."
        )
    return value


def check_dest(dest: str) -> tuple[str, str]:
    """Return (directory, basename) of an absolute file path."""
    if not dest.startswith("/"):
        raise HostShellError(
            f"dest {dest!r} is not an absolute path: give the full path of "
            "the file on the host, starting with '/'."
        )
    if dest.endswith("/") or posixpath.basename(dest) in ("", ".", ".."):
        raise HostShellError(
            f"dest {dest!r} names a directory: give the path of the file "
            "itself."
        )
    if "\0" in dest:
        raise HostShellError(f"dest {dest!r} holds a NUL character.")
    return posixpath.dirname(dest) or "/", posixpath.basename(dest)


# Prints the type, mode and ownership of the file at the word {path}.
_STAT_RECORDS = (
    "stat --printf='@type %F\\n@mode %a\\n@uid %u\\n@gid %g\\n"
    "@user %U\\n@group %G\\n@size %s\\n' -- {path}"
)

# Reads p (the file), d (its directory) and lim (largest content to print).
_QUERY_BODY = (
    r"""
if [ -L "$p" ]; then
  printf '@kind link\n@link %s\n' "$(readlink -- "$p" | base64 -w 0)"
elif [ -e "$p" ]; then
  """
    + _STAT_RECORDS.format(path='"$p"')
    + r""" || exit 1
  if [ -f "$p" ]; then
    s=$(sha256sum < "$p") || exit 1
    printf '@sha256 %s\n' "$s"
    if [ "$lim" -gt 0 ] && [ "$(stat -c %s -- "$p")" -le "$lim" ]; then
      printf '@content %s\n' "$(base64 -w 0 < "$p")"
    fi
  fi
else
  printf '@kind absent\n'
fi
if [ -d "$d" ]; then
  printf '@parent directory\n'
elif [ -e "$d" ] || [ -L "$d" ]; then
  printf '@parent other\n'
else
  printf '@parent absent\n'
fi
"""
)


def file_query_script(
    dest: str,
    *,
    owner: str | None = None,
    group: str | None = None,
    content_limit: int = 0,
) -> str:
    """Script that reports the state of ``dest`` and of its directory,
    resolves ``owner``/``group`` names to ids, and prints the current
    content (base64) when the file is at most ``content_limit`` bytes."""
    return _query_script(
        dest, check_dest(dest)[0], owner, group, content_limit
    )


def _query_script(
    dest: str,
    directory: str,
    owner: str | None,
    group: str | None,
    content_limit: int,
) -> str:
    commands = ["stat", "sha256sum", "base64", "readlink"]
    by_name = owner is not None and not owner.isdigit()
    group_by_name = group is not None and not group.isdigit()
    if by_name:
        commands.append("id")
    if group_by_name:
        commands.append("getent")
    lines = [
        "set -u",
        require_commands(commands),
        f"p={q(dest)}",
        f"d={q(directory)}",
        f"lim={max(int(content_limit), 0)}",
    ]
    if by_name:
        lines.append(
            f"if u=$(id -u -- {q(owner or '')} 2>/dev/null); then "
            "printf '@owner_uid %s\\n' \"$u\"; "
            "else printf '@owner_unknown\\n'; fi"
        )
    if group_by_name:
        lines.append(
            f"if g=$(getent group -- {q(group or '')}); then "
            "printf '@group_entry %s\\n' \"$g\"; "
            "else printf '@group_unknown\\n'; fi"
        )
    return "\n".join(lines) + _QUERY_BODY


def _int(records: Mapping[str, list[str]], key: str) -> int | None:
    value = first(records, key)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as e:
        raise HostShellError(
            f"the host reported {key} {value!r}, which is not a number."
        ) from e


def parse_file_query(stdout: str) -> FileState:
    """Turn the output of :func:`file_query_script` into a FileState."""
    records = parse_records(stdout)
    check_missing(records, "containerlinux.etcd.host_file")
    if "parent" not in records:
        raise HostShellError(
            "the host's answer about the file is incomplete (no parent "
            f"record); it printed: {stdout[-400:]!r}"
        )
    return parse_file_state(records, stdout)


def parse_file_state(
    records: Mapping[str, list[str]], stdout: str = ""
) -> FileState:
    """A FileState from stat records (and the query's other records)."""
    parent = first(records, "parent") or "directory"
    group_gid = None
    entry = first(records, "group_entry")
    if entry is not None:
        fields = entry.split(":")
        if len(fields) < 3 or not fields[2].isdigit():
            raise HostShellError(
                f"getent printed the group entry {entry!r}, which has no "
                "numeric gid in its third field."
            )
        group_gid = int(fields[2])
    common = {
        "parent": parent,
        "owner_uid": _int(records, "owner_uid"),
        "group_gid": group_gid,
        "owner_unknown": "owner_unknown" in records,
        "group_unknown": "group_unknown" in records,
    }
    kind = first(records, "kind")
    if kind == "absent":
        return FileState(kind="absent", **common)
    if kind == "link":
        target = b64decode(first(records, "link") or "")
        text = target.decode("utf-8", "surrogateescape").rstrip("\n")
        return FileState(kind="link", link=text, **common)
    ftype = first(records, "type")
    if ftype is None:
        raise HostShellError(
            "the host's answer about the file is incomplete (no type "
            f"record); it printed: {stdout[-400:]!r}"
        )
    if ftype.startswith("regular"):
        kind = "file"
    elif ftype == "directory":
        kind = "directory"
    else:
        kind = "other"
    mode = first(records, "mode")
    sha = first(records, "sha256")
    content = first(records, "content")
    return FileState(
        kind=kind,
        mode=f"{int(mode, 8):04o}" if mode else None,
        uid=_int(records, "uid"),
        gid=_int(records, "gid"),
        user=first(records, "user"),
        group=first(records, "group"),
        size=_int(records, "size"),
        sha256=sha.split()[0] if sha else None,
        content=None if content is None else b64decode(content),
        **common,
    )


def wanted_id(
    kind: str, value: str | None, resolved: int | None, unknown: bool
) -> int | None:
    """The numeric id an ``owner`` or ``group`` option stands for."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    if unknown or resolved is None:
        what = "user" if kind == "owner" else "group"
        raise HostShellError(
            f"{kind} {value!r} does not exist on the host: create the "
            f"{what} first or give a numeric id."
        )
    return resolved


def file_changes(
    state: FileState,
    *,
    sha256: str,
    mode: str | None,
    owner: str | None,
    group: str | None,
) -> list[str]:
    """Which of content, mode, owner and group differ (``['create']`` for
    a missing file)."""
    if state.kind == "link":
        raise HostShellError(
            f"dest is a symbolic link to {state.link!r}: host_file writes "
            "regular files only; point dest at the link's target or remove "
            "the link first."
        )
    if state.kind in ("directory", "other"):
        raise HostShellError(
            f"dest exists but is a {state.kind}, not a regular file: "
            "remove it first or choose another path."
        )
    uid = wanted_id("owner", owner, state.owner_uid, state.owner_unknown)
    gid = wanted_id("group", group, state.group_gid, state.group_unknown)
    if state.kind == "absent":
        return ["create"]
    changes = []
    if state.sha256 != sha256:
        changes.append("content")
    if mode is not None and state.mode != mode:
        changes.append("mode")
    if uid is not None and state.uid != uid:
        changes.append("owner")
    if gid is not None and state.gid != gid:
        changes.append("group")
    return changes


def temp_name(dest: str, token: str) -> str:
    """The temporary file, hidden in the destination's directory; it ends
    with the destination's name so that validators that look at the
    suffix (systemd-analyze) see the same kind of file."""
    directory, base = check_dest(dest)
    return posixpath.join(directory, f".host_file.{token}.{base}")


def validate_command(validate: str, temp: str) -> str:
    """Put the quoted temporary path wherever ``validate`` has ``%s``;
    ``%%`` stands for a literal ``%``."""
    if "%s" not in validate:
        raise HostShellError(
            f"validate {validate!r} has no '%s': write '%s' where the "
            "command takes the path of the new file."
        )
    quoted = q(temp)

    def substitute(m: re.Match[str]) -> str:
        if m.group(1) == "s":
            return quoted
        if m.group(1) == "%":
            return "%"
        raise HostShellError(
            f"validate {validate!r} holds a '%' that is not '%s': write a "
            "literal percent sign as '%%'."
        )

    return re.sub(r"%(.?)", substitute, validate, flags=re.S)


def file_apply_script(
    *,
    dest: str,
    src: str,
    temp: str,
    exists: bool,
    mode: str | None,
    owner: str | None,
    group: str | None,
    parents: bool = False,
    validate: str | None = None,
    backup: str | None = None,
) -> str:
    """Script that copies ``src`` (the transferred file) to ``temp`` in the
    destination's directory, sets its mode and ownership, runs
    ``validate`` on it and renames it over ``dest``.

    When ``dest`` exists, an omitted mode, owner or group is taken from
    it; a new file without ``mode`` gets 0666 less the umask."""
    directory = check_dest(dest)[0]
    commands = ["cat", "chmod", "mv", "rm", "stat"]
    if parents:
        commands.append("mkdir")
    if owner is not None or group is not None or exists:
        commands.append("chown")
    if backup is not None:
        commands.append("cp")
    lines = ["set -u", require_commands(commands)]
    lines += [
        f"dest={q(dest)}",
        f"temp={q(temp)}",
        f"src={q(src)}",
    ]
    if parents:
        lines.append(f"mkdir -p -- {q(directory)} || exit 1")
    lines += [
        "um=$(umask)",
        "umask 077",
        "trap 'rm -f -- \"$temp\"' EXIT",
        "trap 'exit 1' HUP INT TERM",
        '(set -C && cat -- "$src" > "$temp") || exit 1',
    ]
    if exists and (owner is None or group is None):
        lines.append(
            '[ "$(stat -c %u:%g -- "$dest")" = '
            '"$(stat -c %u:%g -- "$temp")" ] || '
            'chown --reference="$dest" -- "$temp" || exit 1'
        )
    if owner is not None or group is not None:
        spec = (owner or "") + (f":{group}" if group is not None else "")
        lines.append(f'chown -- {q(spec)} "$temp" || exit 1')
    # After chown, which clears the set-user-ID and set-group-ID bits.
    if mode is not None:
        lines.append(f'chmod {q(mode)} -- "$temp" || exit 1')
    elif exists:
        lines.append('chmod --reference="$dest" -- "$temp" || exit 1')
    else:
        lines.append(
            'chmod "$(printf \'%o\' $((0666 & ~um)))" -- "$temp" || exit 1'
        )
    lines.append('sync -- "$temp" 2>/dev/null || :')
    if validate is not None:
        lines.append(
            f"( {validate_command(validate, temp)} ) >&2; rc=$?; "
            "if [ $rc -ne 0 ]; then printf '@validate_failed %s\\n' \"$rc\"; "
            "exit 3; fi"
        )
    if backup is not None and exists:
        lines.append(f'cp -p -- "$dest" {q(backup)} || exit 1')
    lines += [
        'mv -f -- "$temp" "$dest" || exit 1',
        "trap - EXIT",
        _STAT_RECORDS.format(path='"$dest"'),
        "printf '@done\\n'",
    ]
    return "\n".join(lines) + "\n"


def file_attributes_script(
    dest: str, *, mode: str | None, owner: str | None, group: str | None
) -> str:
    """Script that sets the mode and ownership of an existing file whose
    content is already right."""
    check_dest(dest)
    commands = []
    lines = [f"p={q(dest)}"]
    if owner is not None or group is not None:
        commands.append("chown")
        spec = (owner or "") + (f":{group}" if group is not None else "")
        lines.append(f'chown -- {q(spec)} "$p" || exit 1')
    if mode is not None:
        commands.append("chmod")
        lines.append(f'chmod {q(mode)} -- "$p" || exit 1')
    commands.append("stat")
    lines.append(_STAT_RECORDS.format(path='"$p"'))
    head = ["set -u", require_commands(commands)]
    return "\n".join([*head, *lines, "printf '@done\\n'"]) + "\n"


def file_remove_script(dest: str) -> str:
    """Script that removes ``dest`` (a file or a symbolic link)."""
    check_dest(dest)
    return (
        "set -u\n"
        f"{require_commands(['rm'])}\n"
        f"p={q(dest)}\n"
        'if [ -d "$p" ] && [ ! -L "$p" ]; then '
        "printf '@directory\\n'; exit 1; fi\n"
        'rm -f -- "$p" || exit 1\n'
        "printf '@done\\n'\n"
    )


def check_parent(directory: str, state: FileState, parents: bool) -> None:
    """Refuse a missing ``dest`` whose directory cannot take it: the
    parent is not a directory, or is missing and ``parents`` is off."""
    if state.kind != "absent" or state.parent == "directory":
        return
    if state.parent == "other":
        raise HostShellError(
            f"the parent {directory!r} of dest exists but is not a "
            "directory: remove it or choose another dest."
        )
    if not parents:
        raise HostShellError(
            f"the directory {directory!r} of dest does not exist: "
            "create it first or set parents: true."
        )


# --------------------------------------------------------------------------
# Directories

FILE_ONLY_OPTIONS = ("content", "src", "validate", "backup")


def check_directory_args(args: Mapping[str, object]) -> None:
    """Refuse the options that only make sense for a file."""
    for key in FILE_ONLY_OPTIONS:
        if args.get(key) not in (None, False):
            raise HostShellError(
                f"{key} is not allowed with state: directory, which makes a "
                f"directory and writes no file: remove {key}, or use "
                "state: present to write a file."
            )


def check_directory(path: str) -> str:
    """An absolute directory path, without its trailing slashes."""
    if not path.startswith("/"):
        raise HostShellError(
            f"dest {path!r} is not an absolute path: give the full path of "
            "the directory on the host, starting with '/'."
        )
    if "\0" in path:
        raise HostShellError(f"dest {path!r} holds a NUL character.")
    stripped = path.rstrip("/") or "/"
    if posixpath.basename(stripped) in (".", ".."):
        raise HostShellError(
            f"dest {path!r} ends in '.' or '..': give the directory's own "
            "path."
        )
    return stripped


def directory_parent(path: str) -> str:
    return posixpath.dirname(check_directory(path)) or "/"


def directory_query_script(
    path: str, *, owner: str | None = None, group: str | None = None
) -> str:
    """Script that reports the state of the directory ``path`` and of its
    parent, and resolves ``owner``/``group`` names to ids."""
    path = check_directory(path)
    return _query_script(path, directory_parent(path), owner, group, 0)


def directory_changes(
    path: str,
    state: FileState,
    *,
    mode: str | None,
    owner: str | None,
    group: str | None,
) -> list[str]:
    """Which of mode, owner and group differ (``['create']`` for a missing
    directory); anything else at ``path`` is refused."""
    if state.kind == "link":
        raise HostShellError(
            f"dest {path!r} is a symbolic link to {state.link!r}, not a "
            "directory: host_file does not follow links; point dest at the "
            "link's target or remove the link first."
        )
    if state.kind == "file":
        raise HostShellError(
            f"dest {path!r} exists but is a regular file, not a directory: "
            "remove it first or choose another path."
        )
    if state.kind == "other":
        raise HostShellError(
            f"dest {path!r} exists but is a special file (a device, socket "
            "or FIFO), not a directory: remove it first or choose another "
            "path."
        )
    uid = wanted_id("owner", owner, state.owner_uid, state.owner_unknown)
    gid = wanted_id("group", group, state.group_gid, state.group_unknown)
    if state.kind == "absent":
        return ["create"]
    changes = []
    if mode is not None and state.mode != mode:
        changes.append("mode")
    if uid is not None and state.uid != uid:
        changes.append("owner")
    if gid is not None and state.gid != gid:
        changes.append("group")
    return changes


def directory_apply_script(
    path: str,
    *,
    create: bool,
    mode: str | None,
    owner: str | None,
    group: str | None,
    parents: bool = False,
) -> str:
    """Script that creates the directory ``path`` (with ``create``) and
    sets its ownership and mode.

    A new directory is made under umask 077, so nobody else can enter it
    before it has its final owner and mode; without ``mode`` it then gets
    0777 less the umask of the remote shell. Missing parents (with
    ``parents``) get that umask too."""
    path = check_directory(path)
    commands = ["stat"]
    if create:
        commands.append("mkdir")
    if owner is not None or group is not None:
        commands.append("chown")
    if create or mode is not None:
        commands.append("chmod")
    lines = ["set -u", require_commands(commands), f"p={q(path)}"]
    if create:
        if parents:
            lines.append(f"mkdir -p -- {q(directory_parent(path))} || exit 1")
        lines += ["um=$(umask)", "umask 077", 'mkdir -- "$p" || exit 1']
    if owner is not None or group is not None:
        spec = (owner or "") + (f":{group}" if group is not None else "")
        lines.append(f'chown -- {q(spec)} "$p" || exit 1')
    # After chown. The extra leading zero: GNU chmod keeps the set-ID bits
    # of a directory for a numeric mode of four digits or fewer.
    if mode is not None:
        lines.append(f'chmod {q("0" + mode)} -- "$p" || exit 1')
    elif create:
        lines.append(
            'chmod "$(printf \'%o\' $((0777 & ~um)))" -- "$p" || exit 1'
        )
    lines.append(_STAT_RECORDS.format(path='"$p"'))
    lines.append("printf '@done\\n'")
    return "\n".join(lines) + "\n"


def directory_diff(
    path: str,
    state: FileState,
    changes: Sequence[str],
    *,
    mode: str | None,
    uid: int | None,
    gid: int | None,
) -> dict[str, dict[str, object]]:
    """Before and after as ansible.builtin.file reports them: the path,
    and the state, mode, owner and group (numeric ids) that change."""
    before: dict[str, object] = {"path": path}
    after: dict[str, object] = {"path": path}
    if "create" in changes:
        before["state"] = "absent"
        after["state"] = "directory"
    for key, old, new in (
        ("mode", state.mode, mode),
        ("owner", state.uid, uid),
        ("group", state.gid, gid),
    ):
        if new is not None and ("create" in changes or key in changes):
            if "create" not in changes:
                before[key] = old
            after[key] = new
    return {"before": before, "after": after}


def is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def content_diff(
    dest: str,
    before: bytes | None,
    after: bytes | None,
    *,
    before_size: int | None,
    after_size: int,
    limit: int,
) -> dict[str, object]:
    """A diff entry in the form Ansible's callbacks render: before/after
    text, or the markers that say why the text is left out."""
    diff: dict[str, object] = {
        "before_header": dest,
        "after_header": dest,
    }
    if before_size is None:
        diff["before"] = ""
    elif before is None and before_size > limit:
        diff["dst_larger"] = limit
    elif before is None or not is_text(before):
        diff["dst_binary"] = 1
    else:
        diff["before"] = before.decode("utf-8")
    if after is None:
        diff["after"] = ""
    elif after_size > limit:
        diff["src_larger"] = limit
    elif not is_text(after):
        diff["src_binary"] = 1
    else:
        diff["after"] = after.decode("utf-8")
    return diff


def attributes_text(mode: str | None, owner: object, group: object) -> str:
    """Mode and ownership as lines for a before/after diff."""
    out = []
    if mode is not None:
        out.append(f"mode: {mode}")
    if owner is not None:
        out.append(f"owner: {owner}")
    if group is not None:
        out.append(f"group: {group}")
    return "".join(line + "\n" for line in out)


# --------------------------------------------------------------------------
# Units

# Print each line of a shell variable as a record, without sed.
_PREFIX_LINES = (
    "printf '%s\\n' \"${var}\" | "
    "while IFS= read -r l; do printf '@{key} %s\\n' \"$l\"; done"
)

UNIT_PROPERTIES = (
    "Id",
    "LoadState",
    "ActiveState",
    "SubState",
    "MainPID",
    "UnitFileState",
    "Result",
    "ExecMainStatus",
)
_ENABLED_STATES = frozenset(
    (
        "enabled",
        "enabled-runtime",
        "static",
        "alias",
        "indirect",
        "generated",
        "transient",
    )
)
_DISABLE_STATES = frozenset(
    ("enabled", "enabled-runtime", "linked", "linked-runtime")
)


def check_unit_name(name: str) -> str:
    if not name or len(name) > 255 or not _UNIT_NAME.match(name):
        raise HostShellError(
            f"name {name!r} is not a systemd unit name: use letters, digits "
            "and ':', '-', '_', '.', '@', '\\' only, for example "
            "'etcd-member.service'."
        )
    if name.startswith("-"):
        raise HostShellError(
            f"name {name!r} starts with '-': systemd unit names do not."
        )
    return name


def unit_show_script(name: str, *, daemon_reload: bool = False) -> str:
    """Script that (optionally) reloads systemd and reports the unit."""
    check_unit_name(name)
    props = " ".join(f"-p {p}" for p in UNIT_PROPERTIES)
    lines = ["set -u", require_commands(["systemctl"])]
    if daemon_reload:
        lines.append("systemctl daemon-reload >&2 || exit 1")
        lines.append("printf '@reloaded\\n'")
    lines.append(
        f"s=$(systemctl show --no-pager {props} -- {q(name)}) || exit 1"
    )
    lines.append(_PREFIX_LINES.format(var="s", key="prop"))
    return "\n".join(lines) + "\n"


def unit_reload_script() -> str:
    """Script that only reloads systemd's unit files."""
    return (
        "set -u\n"
        f"{require_commands(['systemctl'])}\n"
        "systemctl daemon-reload >&2 || exit 1\n"
        "printf '@reloaded\\n'\n"
    )


def unit_file_enabled(unit_file_state: str) -> bool:
    """Whether a UnitFileState counts as enabled (as ``systemctl
    is-enabled`` answers with rc 0)."""
    return unit_file_state in _ENABLED_STATES


def parse_unit_show(stdout: str) -> dict[str, object]:
    """Properties of a unit from :func:`unit_show_script`'s output; MainPID
    and ExecMainStatus become integers."""
    records = parse_records(stdout)
    check_missing(records, "containerlinux.etcd.host_unit")
    status: dict[str, object] = {}
    for line in records.get("prop", []):
        key, sep, value = line.partition("=")
        if sep and key in UNIT_PROPERTIES:
            status[key] = value
    if "LoadState" not in status or "ActiveState" not in status:
        raise HostShellError(
            "systemctl show did not report LoadState and ActiveState; it "
            f"printed: {stdout[-400:]!r}"
        )
    for key in ("MainPID", "ExecMainStatus"):
        value = status.get(key)
        if isinstance(value, str) and value.isdigit():
            status[key] = int(value)
    return status


def unit_plan(
    status: Mapping[str, object],
    *,
    state: str | None,
    enabled: bool | None,
) -> list[str]:
    """The systemctl verbs that bring a unit to ``state`` and ``enabled``,
    in the order to run them."""
    name = status.get("Id", "the unit")
    load = status.get("LoadState")
    if load != "loaded":
        raise HostShellError(
            f"unit {name} is not loaded (LoadState={load}): install its unit "
            "file first, and set daemon_reload: true right after writing it."
        )
    plan = []
    file_state = str(status.get("UnitFileState", ""))
    if enabled is True and file_state not in _ENABLED_STATES:
        if file_state.startswith("masked"):
            raise HostShellError(
                f"unit {name} is masked, so it cannot be enabled: unmask it "
                "first (systemctl unmask)."
            )
        if file_state == "bad" or not file_state:
            raise HostShellError(
                f"unit {name} cannot be enabled (UnitFileState="
                f"{file_state or 'empty'}): its unit file has no usable "
                "[Install] section or is not a file."
            )
        plan.append("enable")
    elif enabled is False and file_state in _DISABLE_STATES:
        plan.append("disable")
    active = status.get("ActiveState")
    # A unit waiting to be restarted after a failure is not started: start
    # it now, so that a failure shows with its log lines.
    crashed = status.get("SubState") == "auto-restart"
    if state == "started" and (
        active not in ("active", "activating", "reloading") or crashed
    ):
        plan.append("start")
    elif state == "stopped" and active not in ("inactive", "failed"):
        plan.append("stop")
    elif state == "restarted":
        plan.append("restart")
    elif state == "reloaded":
        plan.append("reload" if active == "active" else "start")
    return plan


def systemctl_command(verb: str, name: str, *, no_block: bool = False) -> str:
    check_unit_name(name)
    block = (
        "--no-block " if no_block and verb not in ("enable", "disable") else ""
    )
    return f"systemctl {block}{q(verb)} -- {q(name)}"


def unit_failed(status: Mapping[str, object], state: str | None) -> bool:
    """Whether a unit that was just (re)started is failed or waiting to be
    restarted after a failure. A oneshot unit that ran and exited is
    ``inactive`` with Result=success, which is not a failure."""
    if state in ("started", "restarted", "reloaded"):
        return status.get("ActiveState") == "failed" or (
            status.get("SubState") == "auto-restart"
        )
    return False


def journal_command(name: str, lines: int) -> str:
    check_unit_name(name)
    return (
        f"journalctl --no-pager --output=short-iso --lines={int(lines)} "
        f"--unit={q(name)}"
    )


# --------------------------------------------------------------------------
# Facts


# Reads the variables u (user) and n (unit) set before it.
_FACTS_BODY = r"""
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then
    printf '@os_release %s\n' "$(base64 -w 0 < "$f")"
    break
  fi
done
printf '@arch %s\n' "$(uname -m)"
if command -v id >/dev/null 2>&1 && i=$(id -u -- "$u" 2>/dev/null); then
  printf '@uid %s\n@gid %s\n' "$i" "$(id -g -- "$u")"
fi
if ! command -v systemctl >/dev/null 2>&1; then
  printf '@no_systemctl\n'
elif s=$(systemctl show --no-pager -p LoadState -p FragmentPath \
    -p DropInPaths -- "$n" 2>&1); then
  printf '%s\n' "$s" | while IFS= read -r l; do printf '@prop %s\n' "$l"; done
  for k in FragmentPath DropInPaths; do
    for f in $(systemctl show --no-pager -p "$k" --value -- "$n"); do
      if [ -f "$f" ]; then
        printf '@file %s %s\n' "$(printf '%s' "$f" | base64 -w 0)" \
          "$(base64 -w 0 < "$f")"
      fi
    done
  done
else
  printf '@systemctl_failed %s\n' "$(printf '%s' "$s" | base64 -w 0)"
fi
"""


def facts_script(unit: str, user: str) -> str:
    """Script that prints os-release, the architecture, the ids of
    ``user`` and the files of ``unit`` (its fragment and drop-ins)."""
    check_unit_name(unit)
    check_account("user", user)
    head = [
        "set -u",
        require_commands(["uname", "base64"]),
        f"u={q(user)}",
        f"n={q(unit)}",
    ]
    return "\n".join(head) + _FACTS_BODY


def cat_script(path: str) -> str:
    """Script that prints one file as a base64 record, or ``@absent``."""
    return (
        f"{require_commands(['base64'])}\n"
        f"p={q(path)}\n"
        'if [ -r "$p" ] && [ -f "$p" ]; then '
        'printf \'@file %s\\n\' "$(base64 -w 0 < "$p")"; '
        "else printf '@absent\\n'; fi\n"
    )


def parse_os_release(text: str) -> dict[str, str]:
    """Parse os-release(5): ``KEY=value`` lines, values optionally quoted
    with shell quoting; comments and blank lines are skipped."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            continue
        try:
            words = shlex.split(value)
        except ValueError:
            words = [value.strip("\"'")]
        fields[key] = " ".join(words) if words else ""
    return fields


def _logical_lines(text: str) -> list[str]:
    """Unit file lines with backslash continuations joined."""
    out: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (line.startswith("#") or line.startswith(";")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append(pending + line)
        pending = ""
    if pending:
        out.append(pending)
    return out


def unit_values(texts: Sequence[str], section: str, key: str) -> list[str]:
    """The values of ``key`` in ``section`` across a unit and its drop-ins,
    in order; an empty assignment resets the list as systemd does for
    list settings such as ExecStart."""
    values: list[str] = []
    for text in texts:
        current = None
        for line in _logical_lines(text):
            if line.startswith("[") and line.endswith("]"):
                current = line[1:-1]
                continue
            if current != section:
                continue
            k, sep, v = line.partition("=")
            if not sep or k.strip() != key:
                continue
            v = v.strip()
            if v:
                values.append(v)
            else:
                values = []
    return values


def exec_path(exec_start: str) -> str | None:
    """The program an ExecStart= line runs, without systemd's prefixes."""
    value = exec_start.lstrip("@-:+!")
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    return words[0] if words else None


# A runtime named as a word; "docker:" is the image transport of rkt
# ("docker://quay.io/..."), not the docker command.
_RUNTIME = re.compile(r"\b(rkt|docker)\b(?!:)")


def wrapper_flavour(text: str) -> str | None:
    """``rkt`` or ``docker`` for the etcd wrappers of CoreOS and Flatcar:
    the one container runtime the script's code (not its comments)
    names; None when it names neither or both."""
    code = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    )
    found = set(_RUNTIME.findall(code))
    if len(found) == 1:
        return found.pop()
    return None


def parse_facts(stdout: str) -> dict[str, object]:
    """Host facts from :func:`facts_script`'s output (without flavour)."""
    records = parse_records(stdout)
    check_missing(records, "containerlinux.etcd.host_facts")
    os_release: dict[str, str] = {}
    raw = first(records, "os_release")
    if raw is not None:
        os_release = parse_os_release(
            b64decode(raw).decode("utf-8", "replace")
        )
    props: dict[str, str] = {}
    for line in records.get("prop", []):
        key, _sep, value = line.partition("=")
        props[key] = value
    files = []
    for entry in records.get("file", []):
        path_b64, _sep, text_b64 = entry.partition(" ")
        files.append(
            (
                b64decode(path_b64).decode("utf-8", "surrogateescape"),
                b64decode(text_b64).decode("utf-8", "surrogateescape"),
            )
        )
    fragment = props.get("FragmentPath") or None
    unit_text = None
    dropins = []
    for path, text in files:
        if fragment is not None and path == fragment and unit_text is None:
            unit_text = text
        else:
            dropins.append(
                {"name": posixpath.basename(path), "path": path, "text": text}
            )
    failure = first(records, "systemctl_failed")
    return {
        "os_release": os_release,
        "architecture": first(records, "arch"),
        "uid": _int(records, "uid"),
        "gid": _int(records, "gid"),
        "load_state": props.get("LoadState"),
        "fragment_path": fragment,
        "unit_text": unit_text,
        "dropins": dropins,
        "systemctl": (
            "missing"
            if "no_systemctl" in records
            else (
                b64decode(failure).decode("utf-8", "replace")
                if failure is not None
                else "ok"
            )
        ),
    }


# --------------------------------------------------------------------------
# Unit files as systemd chooses them (for rkt_run_args)

# Reads u (the unit file); prints the first existing candidate and every
# drop-in directory entry that is a file or a link to /dev/null.
_LISTING_BODY = r"""
b64() { printf '%s' "$1" | base64 -w 0; }
for c in $candidates; do
  c=$(printf '%s' "$c" | base64 -d)
  if [ -e "$c" ]; then
    printf '@candidate %s %s\n' "$(b64 "$c")" "$(b64 "$(readlink -f -- "$c")")"
    break
  fi
done
if [ -f "$u" ]; then f=1; else f=0; fi
printf '@unit %s %s\n' "$f" "$(b64 "$(readlink -f -- "$u")")"
for d in $directories; do
  d=$(printf '%s' "$d" | base64 -d)
  [ -d "$d" ] || continue
  for e in "$d"/* "$d"/.[!.]* "$d"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    if [ -f "$e" ] || [ "$(readlink -f -- "$e")" = /dev/null ]; then
      printf '@entry %s %s\n' "$(b64 "$d")" "$(b64 "${e##*/}")"
    fi
  done
done
"""


def _b64words(values: Sequence[str]) -> str:
    """Words that survive unquoted word splitting: base64 has no blanks
    or glob characters."""
    return " ".join(
        base64.b64encode(v.encode("utf-8", "surrogateescape")).decode()
        for v in values
    )


def unit_listing_script(
    unit: str, candidates: Sequence[str], directories: Sequence[str]
) -> str:
    """Script that finds which of ``candidates`` systemd would load, whether
    ``unit`` is a file, and the entries of the drop-in ``directories``."""
    return (
        "\n".join(
            [
                "set -u",
                require_commands(["base64", "readlink"]),
                f"u={q(unit)}",
                f"candidates={q(_b64words(candidates))}",
                f"directories={q(_b64words(directories))}",
            ]
        )
        + _LISTING_BODY
    )


def _text(value: str) -> str:
    return b64decode(value).decode("utf-8", "surrogateescape")


def parse_unit_listing(stdout: str) -> dict[str, Any]:
    """``candidate`` (path, real path) or None, ``unit_is_file``,
    ``unit_real`` and ``listings`` (directory, [names]) in order."""
    records = parse_records(stdout)
    check_missing(records, "containerlinux.etcd.rkt_run_args")
    unit = first(records, "unit")
    if unit is None:
        raise HostShellError(
            "the host's answer about the unit is incomplete; it printed: "
            f"{stdout[-400:]!r}"
        )
    is_file, _sep, real = unit.partition(" ")
    candidate = None
    found = first(records, "candidate")
    if found is not None:
        path, _sep, real_path = found.partition(" ")
        candidate = (_text(path), _text(real_path))
    listings: dict[str, list[str]] = {}
    for entry in records.get("entry", []):
        directory, _sep, name = entry.partition(" ")
        listings.setdefault(_text(directory), []).append(_text(name))
    return {
        "candidate": candidate,
        "unit_is_file": is_file == "1",
        "unit_real": _text(real),
        "listings": listings,
    }


_CAT_BODY = r"""
for f in $files; do
  p=$(printf '%s' "$f" | base64 -d)
  if t=$(base64 -w 0 < "$p" 2>/dev/null); then
    printf '@file %s %s\n' "$f" "$t"
  else
    printf '@unreadable %s\n' "$f"
  fi
done
"""


def cat_files_script(paths: Sequence[str]) -> str:
    """Script that prints each file of ``paths`` as a base64 record."""
    return (
        "\n".join(
            [
                "set -u",
                require_commands(["base64"]),
                f"files={q(_b64words(paths))}",
            ]
        )
        + _CAT_BODY
    )


def parse_cat_files(stdout: str) -> tuple[dict[str, str], list[str]]:
    """(path -> text, unreadable paths) from :func:`cat_files_script`."""
    records = parse_records(stdout)
    check_missing(records, "containerlinux.etcd.rkt_run_args")
    texts = {}
    for entry in records.get("file", []):
        path, _sep, data = entry.partition(" ")
        texts[_text(path)] = _text(data) if data else ""
    unreadable = [_text(p) for p in records.get("unreadable", [])]
    return texts, unreadable
