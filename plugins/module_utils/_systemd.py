# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: Contributors to the containerlinux.etcd collection
"""systemd ``Environment=`` assignments: quote them so systemd reads back
exactly the given value, and read them back out of unit text the way
systemd does.

Pure Python (3.7+), no Ansible objects: modules, action plugins and
filters all call it.

The reading side follows systemd 252 (the version the tests run against)
and stays within what older releases do alike; where they differ, the
quoting side writes only text that every release reads the same way.
"""

from __future__ import annotations

import re
from typing import (
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

__all__ = [
    "SYSTEM_UNIT_PATH",
    "SystemdEnvironmentError",
    "assignment_lines",
    "check_name",
    "check_value",
    "dropin_directories",
    "parse_environment",
    "quote_assignment",
    "select_dropins",
    "unit_candidates",
    "unit_environment",
]


class SystemdEnvironmentError(ValueError):
    """An assignment systemd cannot carry, or unit text it cannot load."""


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# systemd's WHITESPACE and COMMENTS.
_WS = " \t\n\r"
_COMMENTS = "#;"

# Lines end at LF, CR, CR LF and NUL, as systemd's read_line() has it.
_EOL = re.compile(r"\r\n|\r|\n|\0")

# Specifier letters systemd 252 resolves in Environment=; their values
# depend on the host (machine id, host name, ...), so the parser keeps
# them as written.  Any other character after '%' makes systemd ignore
# the assignment.  ('_' is accepted by systemd 252 and left as is.)
_SPECIFIERS = frozenset(b"abcdfghijlmnopqrstuvwyABCEGHIJLMNPRSTUVWY_")

_SIMPLE_ESCAPES = {
    "a": 0x07,
    "b": 0x08,
    "f": 0x0C,
    "n": 0x0A,
    "r": 0x0D,
    "t": 0x09,
    "v": 0x0B,
    "\\": 0x5C,
    '"': 0x22,
    "'": 0x27,
    "s": 0x20,
}
_HEX = "0123456789abcdefABCDEF"
_OCT = "01234567"


def check_name(name: object) -> str:
    """Return ``name`` if it is a valid environment variable name."""
    if not isinstance(name, str):
        raise SystemdEnvironmentError(
            f"environment variable name {name!r} is a "
            f"{type(name).__name__}, not a string: give the name as text"
        )
    if not _NAME.match(name):
        raise SystemdEnvironmentError(
            f"environment variable name {name!r} is not valid: use "
            "letters, digits and underscores, not starting with a digit"
        )
    return name


def _describe(char: str) -> str:
    names = {"\n": "a newline", "\r": "a carriage return", "\0": "a NUL"}
    return names.get(char, f"the control character U+{ord(char):04X}")


def _valid_code_point(code: int) -> bool:
    return (
        code < 0x110000
        and not 0xD800 <= code <= 0xDFFF
        and not 0xFDD0 <= code <= 0xFDEF
        and code & 0xFFFE != 0xFFFE
    )


def _unclean(text: str) -> Optional[str]:
    """The first character systemd's UTF-8 check refuses, or None."""
    for char in text:
        if not _valid_code_point(ord(char)):
            return char
    return None


def check_value(name: str, value: object) -> str:
    """Return ``value`` if systemd can carry it as the value of ``name``.

    Refused: anything that is not a string; newline, carriage return and
    every other control character except tab (a newline in a unit file
    would end the line and let the rest of the value act as a directive;
    older systemd releases, such as CoreOS's, ignore an assignment holding
    any other control character but tab); text that cannot be encoded as
    UTF-8, and Unicode noncharacters (U+FDD0 to U+FDEF and the last two
    code points of every plane), which systemd does not count as UTF-8.
    """
    if not isinstance(value, str):
        raise SystemdEnvironmentError(
            f"the value of environment variable {name!r} is a "
            f"{type(value).__name__}, not a string: convert it to text "
            "first"
        )
    for char in value:
        if (char < " " and char != "\t") or char == "\x7f":
            raise SystemdEnvironmentError(
                f"the value of environment variable {name!r} contains "
                f"{_describe(char)}, which a systemd unit cannot carry: "
                "remove it from the value"
            )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SystemdEnvironmentError(
            f"the value of environment variable {name!r} is not valid "
            f"text (U+{ord(value[exc.start]):04X} cannot be encoded as "
            "UTF-8): remove that character"
        ) from None
    bad = _unclean(value)
    if bad is not None:
        raise SystemdEnvironmentError(
            f"the value of environment variable {name!r} contains "
            f"U+{ord(bad):04X}, a Unicode noncharacter, which systemd does "
            "not accept as UTF-8 (it refuses to load the whole unit): "
            "remove that character"
        )
    return value


def quote_assignment(name: str, value: str) -> str:
    """Return the text to write after ``Environment=`` so that systemd
    sets ``name`` to exactly ``value``.

    The whole ``NAME=value`` is put in double quotes (spaces, tabs and
    single quotes stay as they are inside them); ``\\`` and ``"`` are
    escaped and ``%`` is doubled, since systemd expands specifiers.  The
    result always ends with the closing quote, so it can never continue
    onto the next line.
    """
    check_name(name)
    check_value(name, value)
    body = value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{name}={body}"'


def assignment_lines(
    environment: Union[Mapping[str, str], Iterable[Tuple[str, str]]],
) -> List[str]:
    """Quote every item of ``environment`` (a mapping or pairs), in
    order, each to be written as ``Environment=<item>``."""
    items = (
        environment.items()
        if isinstance(environment, Mapping)
        else environment
    )
    return [quote_assignment(name, value) for name, value in items]


class _Syntax(Exception):
    """A word systemd cannot extract: it ignores the rest of the line."""


def _extract_words(rvalue: str) -> Tuple[List[bytes], Optional[str]]:
    """Split ``rvalue`` into words as systemd's extract_first_word() does
    with C unescaping and unquoting.  Returns the words extracted before
    the first syntax error and a description of that error, if any."""
    words: List[bytes] = []
    i, n = 0, len(rvalue)
    while True:
        while i < n and rvalue[i] in _WS:
            i += 1
        if i >= n:
            return words, None
        word = bytearray()
        quote = ""
        try:
            while i < n:
                char = rvalue[i]
                if char == "\\":
                    i = _unescape(rvalue, i + 1, word)
                    continue
                if quote:
                    if char == quote:
                        quote = ""
                    else:
                        word += char.encode("utf-8", "surrogatepass")
                elif char in "'\"":
                    quote = char
                elif char in _WS:
                    break
                else:
                    word += char.encode("utf-8", "surrogatepass")
                i += 1
            if quote:
                raise _Syntax(f"the quote {quote} is never closed")
        except _Syntax as exc:
            return words, str(exc)
        words.append(bytes(word))


def _unescape(text: str, i: int, word: bytearray) -> int:
    """Append the C escape that starts at ``text[i]`` (just after the
    backslash) to ``word``; return the index after it."""
    rest = text[i:]
    if not rest:
        raise _Syntax("a backslash ends the value")
    char = rest[0]
    if char in _SIMPLE_ESCAPES:
        word.append(_SIMPLE_ESCAPES[char])
        return i + 1
    if char == "x":
        digits = rest[1:3]
        if len(digits) == 2 and all(d in _HEX for d in digits):
            code = int(digits, 16)
            if code:
                # A raw byte, not a code point, as in systemd.
                word.append(code)
                return i + 3
    elif char in "uU":
        width = 4 if char == "u" else 8
        digits = rest[1 : 1 + width]
        if len(digits) == width and all(d in _HEX for d in digits):
            code = int(digits, 16)
            if code and (char == "u" or _valid_code_point(code)):
                word += chr(code).encode("utf-8", "surrogatepass")
                return i + 1 + width
    elif char in _OCT:
        digits = rest[:3]
        if len(digits) == 3 and all(d in _OCT for d in digits):
            code = int(digits, 8)
            if 0 < code <= 255:
                word.append(code)
                return i + 3
    raise _Syntax(f"'\\{rest[:1]}' is not a valid escape")


def _resolve_specifiers(word: bytes) -> Optional[bytes]:
    """Turn ``%%`` into ``%`` and keep the other specifiers as written;
    None when systemd would refuse the word."""
    out = bytearray()
    i, n = 0, len(word)
    while i < n:
        byte = word[i]
        if byte == 0x25 and i + 1 < n:
            following = word[i + 1]
            if following == 0x25:
                out.append(0x25)
            elif following in _SPECIFIERS:
                out += word[i : i + 2]
            else:
                return None
            i += 2
            continue
        out.append(byte)
        i += 1
    return bytes(out)


def _apply_environment(
    rvalue: str,
    env: Dict[str, str],
    where: str,
    problems: Optional[List[str]],
) -> None:
    def note(message: str) -> None:
        if problems is not None:
            problems.append(f"{where}: {message}")

    if not rvalue:
        env.clear()
        return
    words, error = _extract_words(rvalue)
    for raw in words:
        resolved = _resolve_specifiers(raw)
        if resolved is None:
            note(
                f"systemd ignores the assignment {_show(raw)}: it holds "
                "an unknown % specifier"
            )
            continue
        try:
            text = resolved.decode("utf-8")
        except UnicodeDecodeError:
            note(
                f"systemd ignores the assignment {_show(raw)}: it is not "
                "valid UTF-8"
            )
            continue
        if _unclean(text) is not None:
            note(
                f"systemd ignores the assignment {_show(raw)}: it is not "
                "valid UTF-8"
            )
            continue
        name, sep, value = text.partition("=")
        if not sep or not _NAME.match(name):
            note(
                f"systemd ignores {text!r}: it is not a NAME=value "
                "assignment with a valid name"
            )
            continue
        env[name] = value
    if error is not None:
        note(
            f"systemd ignores 'Environment={rvalue}' from the word on "
            f"where {error}"
        )


def _show(raw: bytes) -> str:
    return "'" + raw.decode("utf-8", "backslashreplace") + "'"


def _logical_lines(text: str) -> Iterable[Tuple[int, str]]:
    """Yield (line number, logical line): comment lines dropped, lines
    ending in an unescaped backslash joined with the next one, the
    backslash becoming a space."""
    continuation: Optional[str] = None
    start = 0
    for number, line in enumerate(_EOL.split(text), 1):
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        stripped = line.lstrip(_WS)
        if stripped and stripped[0] in _COMMENTS:
            continue
        if continuation is None:
            start = number
            joined = line
        else:
            joined = continuation + line
        escaped = False
        for char in joined:
            escaped = not escaped if char == "\\" else False
        if escaped:
            continuation = joined[:-1] + " "
            continue
        continuation = None
        yield start, joined
    if continuation is not None:
        yield start, continuation


def parse_environment(
    text: str,
    env: Optional[Mapping[str, str]] = None,
    problems: Optional[List[str]] = None,
    source: str = "unit",
) -> Dict[str, str]:
    """Apply the ``Environment=`` assignments in the ``[Service]`` section
    of one unit or drop-in ``text`` onto a copy of ``env`` and return it.

    Sections, ``#``/``;`` comments, quotes, C escapes, line continuations,
    later assignments overriding earlier ones and an empty
    ``Environment=`` resetting everything behave as in systemd.  ``%%``
    becomes ``%``; other specifiers (``%m``, ``%H``, ...) are kept as
    written, since their values depend on the host.  What systemd would
    ignore with a warning is ignored here too and, when ``problems`` is a
    list, described there (prefixed with ``source`` and the line number).
    What makes systemd refuse the whole unit raises
    SystemdEnvironmentError: an unterminated section header, or a line
    that is not clean UTF-8 (a Unicode noncharacter, or bytes read with
    the surrogateescape error handler).
    """
    result: Dict[str, str] = dict(env or {})
    section: Optional[str] = None
    for number, line in _logical_lines(text):
        line = line.strip(_WS)
        if not line:
            continue
        bad = _unclean(line)
        if bad is not None:
            raise SystemdEnvironmentError(
                f"{source} line {number} holds U+{ord(bad):04X}, which "
                "systemd does not accept as UTF-8, so it refuses to load "
                "the unit: remove that character"
            )
        if line.startswith("["):
            if not line.endswith("]"):
                raise SystemdEnvironmentError(
                    f"{source} line {number}: the section header {line!r} "
                    "has no closing ']', so systemd refuses to load the "
                    "unit: close the bracket"
                )
            section = line[1:-1]
            continue
        key, sep, rvalue = line.partition("=")
        if section != "Service" or not sep:
            continue
        if key.strip(_WS) == "Environment":
            _apply_environment(
                rvalue.strip(_WS),
                result,
                f"{source} line {number}",
                problems,
            )
    return result


def _file_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def unit_environment(
    unit_text: str,
    dropins: Union[Mapping[str, str], Iterable[Tuple[str, str]]],
    exclude: Optional[str] = None,
    problems: Optional[List[str]] = None,
) -> Dict[str, str]:
    """The environment a unit ends up with: ``unit_text``, then each
    drop-in (file name or path -> text) in lexical order of file name,
    leaving out the drop-in whose file name is ``exclude``."""
    items = dropins.items() if isinstance(dropins, Mapping) else dropins
    ordered = sorted(
        (item for item in items if _file_name(item[0]) != exclude),
        key=lambda item: _file_name(item[0]),
    )
    env = parse_environment(unit_text, problems=problems, source="unit")
    for name, text in ordered:
        env = parse_environment(text, env, problems=problems, source=name)
    return env


# The directories systemd loads system units from, highest priority first.
SYSTEM_UNIT_PATH: Tuple[str, ...] = (
    "/etc/systemd/system.control",
    "/run/systemd/system.control",
    "/run/systemd/transient",
    "/run/systemd/generator.early",
    "/etc/systemd/system",
    "/etc/systemd/system.attached",
    "/run/systemd/system",
    "/run/systemd/system.attached",
    "/run/systemd/generator",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/run/systemd/generator.late",
)


def unit_candidates(
    unit_name: str, search_path: Sequence[str] = SYSTEM_UNIT_PATH
) -> List[str]:
    """The paths systemd tries for ``unit_name``, in order; the first
    that exists is the unit it loads."""
    return [
        f"{directory.rstrip('/')}/{unit_name}" for directory in search_path
    ]


def dropin_directories(
    unit_name: str, search_path: Sequence[str] = SYSTEM_UNIT_PATH
) -> List[str]:
    """The drop-in directories systemd reads for ``unit_name``, highest
    priority first: in each search directory ``NAME.d`` and then the
    dash-prefix directories (``etcd-.service.d`` for
    ``etcd-member.service``, since systemd 239); after all of them the
    unit type's directory (``service.d``, since systemd 243)."""
    stem, dot, unit_type = unit_name.rpartition(".")
    if not dot or not stem:
        raise SystemdEnvironmentError(
            f"unit name {unit_name!r} has no type suffix: give a name such "
            "as 'etcd-member.service'"
        )
    names = [unit_name]
    parts = stem.split("-")
    for count in range(len(parts) - 1, 0, -1):
        names.append("-".join(parts[:count]) + "-." + unit_type)
    directories = [
        f"{directory.rstrip('/')}/{name}.d"
        for directory in search_path
        for name in names
    ]
    directories += [
        f"{directory.rstrip('/')}/{unit_type}.d" for directory in search_path
    ]
    return directories


def select_dropins(
    listings: Iterable[Tuple[str, Iterable[str]]],
) -> List[Tuple[str, str]]:
    """Choose the drop-ins systemd applies from ``listings``: pairs of a
    directory (in the order of dropin_directories) and the file names in
    it (regular files and links to them or to /dev/null).  Returns
    (file name, directory) pairs in the order systemd applies them: only
    ``*.conf`` files not starting with a dot, a name found in an earlier
    directory hiding the same name in later ones (a link to /dev/null
    hides it and reads as empty), sorted by file name."""
    chosen: Dict[str, str] = {}
    for directory, names in listings:
        for name in names:
            if (
                name.endswith(".conf")
                and not name.startswith(".")
                and name not in chosen
            ):
                chosen[name] = directory
    return sorted(chosen.items())
