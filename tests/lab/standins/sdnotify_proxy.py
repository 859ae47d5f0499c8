#!/usr/bin/env python
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""The lab's stand-in for Flatcar's /usr/libexec/sdnotify-proxy.

`sdnotify-proxy SOCKET CMD [ARG...]` listens for datagrams on SOCKET, runs
CMD (a path, not searched on PATH) with NOTIFY_SOCKET=SOCKET and every
inherited file descriptor, forwards each datagram to the original
NOTIFY_SOCKET, passes SIGINT and SIGTERM on to CMD and exits with CMD's
exit status.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(f"Usage: {argv[0]} proxy-socket cmd ...", file=sys.stderr)
        return 1
    target = os.environ.get("NOTIFY_SOCKET", "")
    if not target:
        print("NOTIFY_SOCKET environment variable not set", file=sys.stderr)
        return 1
    proxy_path = argv[1]
    os.environ["NOTIFY_SOCKET"] = proxy_path
    with contextlib.suppress(OSError):
        os.unlink(proxy_path)
    try:
        local = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        local.bind(proxy_path)
        remote = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        remote.connect(target)
    except OSError as exc:
        print(f"Error creating proxy: {exc}", file=sys.stderr)
        return 1
    try:
        pid = os.fork()
    except OSError as exc:
        print(f"Error executing command: {exc}", file=sys.stderr)
        return 1
    if pid == 0:
        try:
            os.execv(argv[2], argv[2:])
        except OSError as exc:
            print(f"Error executing command: {exc}", file=sys.stderr)
            os._exit(1)

    def relay() -> None:
        while True:
            try:
                message = local.recv(1024)
                remote.send(message)
            except OSError:
                return

    threading.Thread(target=relay, daemon=True).start()

    def forward(signum, _frame) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    status = os.waitpid(pid, 0)[1]
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 255


if __name__ == "__main__":
    sys.exit(main(sys.argv))
