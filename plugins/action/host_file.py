# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""Action plugin for containerlinux.etcd.host_file: puts a file on a host
through its shell alone (no Python there)."""

from __future__ import annotations

import datetime
import hashlib
import posixpath
import secrets
from collections.abc import Mapping
from typing import Any

from ansible import constants as C
from ansible.errors import AnsibleActionFail, AnsibleError

from ansible_collections.containerlinux.etcd.plugins.plugin_utils import (
    _host_shell as hs,
)
from ansible_collections.containerlinux.etcd.plugins.plugin_utils._host_action import (  # noqa: E501
    HostShellAction,
)

ARGUMENT_SPEC = {
    "dest": {"type": "str", "required": True, "aliases": ["path"]},
    "content": {"type": "raw"},
    "src": {"type": "str"},
    "state": {
        "type": "str",
        "default": "present",
        "choices": ["present", "absent", "directory"],
    },
    "mode": {"type": "raw"},
    "owner": {"type": "str"},
    "group": {"type": "str"},
    "parents": {"type": "bool", "default": False},
    "validate": {"type": "str"},
    "backup": {"type": "bool", "default": False},
}
MUTUALLY_EXCLUSIVE = [("content", "src")]
REQUIRED_IF = [("state", "present", ("content", "src"), True)]


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "a dictionary"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def _report_wanted(result, state, changes, mode, uid, owner, gid, group):
    """What check mode reports for what would change."""
    if mode is not None:
        result["mode"] = mode
    if uid is not None and uid != state.uid:
        result.update(uid=uid, owner=owner)
    if gid is not None and gid != state.gid:
        result.update(gid=gid, group=group)
    if changes:
        result["changes"] = changes


class ActionModule(HostShellAction):
    TRANSFERS_FILES = True

    def _fail(self, res: dict[str, Any], what: str) -> None:
        err = (res.get("stderr") or res.get("stdout") or "").strip()
        raise AnsibleActionFail(
            f"{what} failed on the host (rc {res.get('rc')}): "
            f"{err or 'no output'}"
        )

    def _data(self, args: dict[str, Any]) -> bytes:
        content = args.get("content")
        if content is not None:
            if not isinstance(content, str):
                raise AnsibleActionFail(
                    f"content must be a string, not {_kind(content)}: render "
                    "structured data with a filter such as to_nice_json or "
                    "to_nice_yaml."
                )
            return content.encode("utf-8", "surrogateescape")
        try:
            source = self._find_needle("files", args["src"])
            real = self._loader.get_real_file(source, decrypt=True)
        except AnsibleError as e:
            raise AnsibleActionFail(
                f"src {args['src']!r} cannot be read on the controller: {e}"
            ) from e
        try:
            with open(real, "rb") as f:
                return f.read()
        finally:
            self._loader.cleanup_tmp_file(real)

    def run(
        self, tmp: Any = None, task_vars: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            mutually_exclusive=MUTUALLY_EXCLUSIVE,
            required_if=REQUIRED_IF,
        )[1]
        try:
            if args["state"] == "absent":
                result.update(self._absent(args))
            elif args["state"] == "directory":
                result.update(self._directory(args))
            else:
                result.update(self._present(args))
        except hs.HostShellError as e:
            raise AnsibleActionFail(str(e)) from e
        return result

    def _want_diff(self) -> bool:
        return bool(self._task.diff) and not self._task.no_log

    def _query(
        self,
        dest: str,
        owner: str | None = None,
        group: str | None = None,
        directory: bool = False,
    ) -> hs.FileState:
        if directory:
            script = hs.directory_query_script(dest, owner=owner, group=group)
        else:
            limit = int(C.MAX_FILE_SIZE_FOR_DIFF) if self._want_diff() else 0
            script = hs.file_query_script(
                dest, owner=owner, group=group, content_limit=limit
            )
        res = self._shell(script)
        records = hs.parse_records(res["stdout"])
        hs.check_missing(records, "containerlinux.etcd.host_file")
        if res["rc"] != 0:
            self._fail(res, f"reading the state of {dest!r}")
        return hs.parse_file_query(res["stdout"])

    def _absent(self, args: dict[str, Any]) -> dict[str, Any]:
        dest = args["dest"]
        state = self._query(dest)
        result: dict[str, Any] = {"dest": dest, "state": "absent"}
        if state.kind == "directory":
            raise AnsibleActionFail(
                f"dest {dest!r} is a directory: host_file removes files "
                "and symbolic links only."
            )
        result["changed"] = state.kind != "absent"
        if result["changed"] and self._want_diff():
            if state.kind == "file":
                result["diff"] = hs.content_diff(
                    dest,
                    state.content,
                    b"",
                    before_size=state.size,
                    after_size=0,
                    limit=int(C.MAX_FILE_SIZE_FOR_DIFF),
                )
            else:
                what = (
                    f"symbolic link to {state.link}"
                    if state.kind == "link"
                    else f"special file ({state.kind})"
                )
                result["diff"] = {
                    "before_header": dest,
                    "before": what + "\n",
                    "after": "",
                }
            result["diff"]["after_header"] = f"{dest} (absent)"
        if not result["changed"] or self._task.check_mode:
            return result
        res = self._shell(hs.file_remove_script(dest))
        if res["rc"] != 0:
            self._fail(res, f"removing {dest!r}")
        return result

    def _present(self, args: dict[str, Any]) -> dict[str, Any]:
        dest = args["dest"]
        directory = hs.check_dest(dest)[0]
        mode = hs.normalize_mode(args.get("mode"))
        owner = hs.check_account("owner", args.get("owner"))
        group = hs.check_account("group", args.get("group"))
        data = self._data(args)
        sha256 = hashlib.sha256(data).hexdigest()
        state = self._query(dest, owner, group)
        changes = hs.file_changes(
            state, sha256=sha256, mode=mode, owner=owner, group=group
        )
        hs.check_parent(directory, state, args["parents"])
        uid = hs.wanted_id(
            "owner", owner, state.owner_uid, state.owner_unknown
        )
        gid = hs.wanted_id(
            "group", group, state.group_gid, state.group_unknown
        )
        result: dict[str, Any] = {
            "changed": bool(changes),
            "dest": dest,
            "state": "file",
            "checksum": sha256,
            "size": len(data),
            "mode": state.mode,
            "uid": state.uid,
            "gid": state.gid,
            "owner": state.user,
            "group": state.group,
        }
        _report_wanted(result, state, changes, mode, uid, owner, gid, group)
        if changes and self._want_diff():
            result["diff"] = self._diff(
                dest, state, data, changes, mode, owner, group
            )
        if not changes or self._task.check_mode:
            return result
        exists = state.kind == "file"
        if exists and "content" not in changes:
            script = hs.file_attributes_script(
                dest, mode=mode, owner=owner, group=group
            )
            res = self._shell(script)
            if res["rc"] != 0:
                self._fail(res, f"setting the mode and owner of {dest!r}")
            written = hs.parse_file_state(hs.parse_records(res["stdout"]))
            result.update(
                mode=written.mode,
                uid=written.uid,
                gid=written.gid,
                owner=written.user,
                group=written.group,
            )
            return result
        backup = None
        if args["backup"] and exists:
            stamp = datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")
            backup = f"{dest}.{stamp}~"
        written = self._write(
            args, dest, data, exists, mode, owner, group, backup
        )
        result.update(
            mode=written.mode,
            uid=written.uid,
            gid=written.gid,
            owner=written.user,
            group=written.group,
        )
        if backup:
            result["backup_file"] = backup
        return result

    def _directory(self, args: dict[str, Any]) -> dict[str, Any]:
        hs.check_directory_args(args)
        dest = hs.check_directory(args["dest"])
        mode = hs.normalize_mode(args.get("mode"))
        owner = hs.check_account("owner", args.get("owner"))
        group = hs.check_account("group", args.get("group"))
        state = self._query(dest, owner, group, directory=True)
        changes = hs.directory_changes(
            dest, state, mode=mode, owner=owner, group=group
        )
        hs.check_parent(hs.directory_parent(dest), state, args["parents"])
        uid = hs.wanted_id(
            "owner", owner, state.owner_uid, state.owner_unknown
        )
        gid = hs.wanted_id(
            "group", group, state.group_gid, state.group_unknown
        )
        result: dict[str, Any] = {
            "changed": bool(changes),
            "dest": dest,
            "state": "directory",
            "mode": state.mode,
            "uid": state.uid,
            "gid": state.gid,
            "owner": state.user,
            "group": state.group,
        }
        _report_wanted(result, state, changes, mode, uid, owner, gid, group)
        if changes and self._want_diff():
            result["diff"] = hs.directory_diff(
                dest, state, changes, mode=mode, uid=uid, gid=gid
            )
        if not changes or self._task.check_mode:
            return result
        create = "create" in changes
        script = hs.directory_apply_script(
            dest,
            create=create,
            mode=mode if create or "mode" in changes else None,
            owner=owner if create or "owner" in changes else None,
            group=group if create or "group" in changes else None,
            parents=args["parents"],
        )
        res = self._shell(script)
        records = hs.parse_records(res["stdout"])
        hs.check_missing(records, "containerlinux.etcd.host_file")
        if res["rc"] != 0 or "done" not in records:
            what = "creating" if create else "setting the mode and owner of"
            self._fail(res, f"{what} the directory {dest!r}")
        written = hs.parse_file_state(records)
        result.update(
            mode=written.mode,
            uid=written.uid,
            gid=written.gid,
            owner=written.user,
            group=written.group,
        )
        return result

    def _diff(
        self,
        dest: str,
        state: hs.FileState,
        data: bytes,
        changes: list[str],
        mode: str | None,
        owner: str | None,
        group: str | None,
    ) -> list[dict[str, Any]]:
        limit = int(C.MAX_FILE_SIZE_FOR_DIFF)
        diffs: list[dict[str, Any]] = []
        if "create" in changes or "content" in changes:
            diffs.append(
                hs.content_diff(
                    dest,
                    state.content,
                    data,
                    before_size=state.size if state.kind == "file" else None,
                    after_size=len(data),
                    limit=limit,
                )
            )
        attrs = [c for c in changes if c in ("mode", "owner", "group")]
        if attrs:
            diffs.append(
                {
                    "before_header": f"{dest} (attributes)",
                    "after_header": f"{dest} (attributes)",
                    "before": hs.attributes_text(
                        state.mode if "mode" in attrs else None,
                        state.user if "owner" in attrs else None,
                        state.group if "group" in attrs else None,
                    ),
                    "after": hs.attributes_text(
                        mode if "mode" in attrs else None,
                        owner if "owner" in attrs else None,
                        group if "group" in attrs else None,
                    ),
                }
            )
        return diffs

    def _write(
        self,
        args: dict[str, Any],
        dest: str,
        data: bytes,
        exists: bool,
        mode: str | None,
        owner: str | None,
        group: str | None,
        backup: str | None,
    ) -> hs.FileState:
        tmpdir = self._make_tmp_path()
        try:
            src = posixpath.join(tmpdir, "source")
            self._transfer_data(src, data)
            self._fixup_perms2((tmpdir, src), execute=False)
            temp = hs.temp_name(dest, secrets.token_hex(8))
            script = hs.file_apply_script(
                dest=dest,
                src=src,
                temp=temp,
                exists=exists,
                mode=mode,
                owner=owner,
                group=group,
                parents=args["parents"],
                validate=args.get("validate"),
                backup=backup,
            )
            res = self._shell(script)
        finally:
            self._remove_tmp_path(tmpdir)
        records = hs.parse_records(res["stdout"])
        hs.check_missing(records, "containerlinux.etcd.host_file")
        refused = hs.first(records, "validate_failed")
        if refused is not None:
            err = (res.get("stderr") or "").strip() or "no output"
            raise AnsibleActionFail(
                f"validate {args['validate']!r} refused the new content of "
                f"{dest!r} (rc {refused}); {dest!r} was left as it was. "
                f"The command said: {err}"
            )
        if res["rc"] != 0 or "done" not in records:
            self._fail(res, f"writing {dest!r}")
        return hs.parse_file_state(records)
