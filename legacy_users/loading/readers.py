"""Stream rows out of an export file, each with the line it starts on.

Nothing here holds the whole file: rows are yielded one by one, so memory stays flat whatever
the file's size. CSV (any delimiter and quoting), a JSON array (streamed with ijson) and JSON
Lines are read, each optionally gzip-compressed, from a path or standard input. While reading,
the raw bytes are counted and hashed (sha256) for the load's record.

Bounded by construction, whatever the input: a field, a JSON Lines line and a JSON item are
capped in size, and JSON values in nesting depth, before the cost of reading them grows. A
row over a cap, or with bytes that are not UTF-8, is a row error (its line and reason; the
reading goes on, so `--max-errors` can leave it out). Where reading cannot go on (a broken
JSON document, a CSV field past the cap), `SourceError` ends the load with the line and the
reason: the rows after it are never silently left out.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

import ijson

from migration_portal.text import is_utf8

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

FORMATS = ("csv", "json", "jsonl")
_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
REQUIRED_COLUMNS = ("login", "password_hash")
#: A field, a JSON Lines line or a JSON array item larger than this is a broken or hostile
#: file, not a user.
MAX_FIELD_CHARS = 1024 * 1024
MAX_LINE_CHARS = 4 * 1024 * 1024
MAX_ITEM_CHARS = 4 * 1024 * 1024
#: JSON nesting deeper than this is not an export's profile or hash parameters.
MAX_DEPTH = 16
csv.field_size_limit(MAX_FIELD_CHARS)


class NotJson(ValueError):
    """Text Python's json reads but JSON is not: NaN, Infinity, -Infinity."""


def _refuse_constant(name: str) -> Any:
    raise NotJson(f"{name} is not a JSON value")


#: JSON as RFC 8259 defines it. Python's json module also reads NaN and Infinity, which
#: PostgreSQL's jsonb (where profiles and hash parameters are kept) refuses.
read_json = json.JSONDecoder(parse_constant=_refuse_constant).decode


class SourceError(Exception):
    """The file as a whole cannot be read (missing, wrong format, no header...)."""


#: A JSON string can escape half a surrogate pair (`"\\ud800"`): text no database holds.
UNPAIRED_SURROGATE = "not valid Unicode: a \\u escape is half a surrogate pair"


@dataclass(slots=True)
class SourceRow:
    """One record of the export: its starting line, its fields, or why it is unreadable."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    error: str = ""


class HashingReader(io.RawIOBase):
    """A binary stream that counts and sha256-hashes the bytes read through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.size = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        data = self.raw.read(len(view))
        if not data:
            return 0
        count = len(data)
        view[:count] = data
        self.size += count
        self.digest.update(data)
        return count


@dataclass(slots=True)
class Source:
    """An opened export: its text stream and what was read of it so far."""

    name: str
    file_format: str
    stream: TextIO
    counter: HashingReader

    @property
    def unit(self) -> str:
        """What a row's position counts: lines of text, or items of a JSON array."""
        return "item" if self.file_format == "json" else "line"

    @property
    def size(self) -> int:
        return self.counter.size

    @property
    def sha256(self) -> str:
        return self.counter.digest.hexdigest()


def detect_format(path: str, declared: str = "") -> str:
    """`csv`, `json` or `jsonl`, from `declared` or else from the file name (`.gz` allowed)."""
    if declared:
        if declared not in FORMATS:
            raise SourceError(f"unknown format {declared!r}; use one of {', '.join(FORMATS)}")
        return declared
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    raise SourceError(f"cannot tell the format of {path!r} from its name; pass --format")


@contextmanager
def open_source(path: str, file_format: str = "") -> Iterator[Source]:
    """Open `path` (or `-` for stdin) as UTF-8 text, BOM dropped, gzip undone, bytes counted."""
    fmt = detect_format(path, file_format)
    if path == "-":
        raw: IO[bytes] = sys.stdin.buffer
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise SourceError(f"cannot open {path!r}: {exc.strerror}") from None
    try:
        counter = HashingReader(raw)
        buffered = io.BufferedReader(counter, buffer_size=1 << 20)
        binary: io.BufferedReader[HashingReader] | gzip.GzipFile = buffered
        if path.lower().endswith(".gz") or _is_gzip(buffered):
            binary = gzip.GzipFile(fileobj=buffered)
        # Bytes that are not UTF-8 decode to lone surrogates, found row by row (`_utf8`):
        # a bad byte costs its row, not the rest of the file.
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
        yield Source(name=path, file_format=fmt, stream=text, counter=counter)
    finally:
        if raw is not sys.stdin.buffer:
            raw.close()


def _is_gzip(stream: io.BufferedReader[HashingReader]) -> bool:
    return stream.peek(2)[:2] == b"\x1f\x8b"


def iter_rows(
    stream: TextIO,
    file_format: str,
    *,
    delimiter: str = "",
    mapping: Mapping[str, str] | None = None,
) -> Iterator[SourceRow]:
    """Rows of a CSV (with header), JSON array or JSON Lines stream.

    `mapping` renames the export's columns to ours (`{"login": "user_email"}` reads the
    `user_email` column as `login`). `delimiter` is sniffed from the header when not given.
    """
    rename = {theirs: ours for ours, theirs in (mapping or {}).items()}
    if file_format == "csv":
        rows = _csv_rows(stream, delimiter, rename)
    elif file_format == "json":
        rows = _json_array_rows(stream)
    else:
        rows = _jsonl_rows(stream)
    if rename and file_format != "csv":
        return (_renamed(row, rename) for row in rows)
    return rows


def _renamed(row: SourceRow, rename: Mapping[str, str]) -> SourceRow:
    if row.fields:
        row.fields = {rename.get(key, key): value for key, value in row.fields.items()}
    return row


def _csv_delimiter(header_line: str, delimiter: str) -> str:
    if delimiter:
        return "\t" if delimiter in ("\\t", "tab") else delimiter
    try:
        sniffed = csv.Sniffer().sniff(header_line, delimiters=",;\t|")
    except csv.Error:
        return ","
    return sniffed.delimiter


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON value nests lists and objects more than `limit` levels deep (walked
    without recursion)."""
    pending = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        children: Iterable[Any]
        if isinstance(current, dict):
            children = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def _csv_rows(stream: TextIO, delimiter: str, rename: Mapping[str, str]) -> Iterator[SourceRow]:
    first = stream.readline(MAX_FIELD_CHARS)
    if not is_utf8(first):
        raise SourceError("line 1: the file is not UTF-8 text")
    if not first.strip():
        raise SourceError("the file is empty: no header row")
    separator = _csv_delimiter(first, delimiter)
    header = [
        rename.get(name.strip(), name.strip())
        for name in next(csv.reader([first], delimiter=separator))
    ]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        found = ", ".join(header[:12])
        raise SourceError(
            f"line 1: the header lacks the column(s) {', '.join(missing)} (found: {found}); "
            "map yours with --map login=<column>"
        )
    width = len(header)
    reader = csv.reader(stream, delimiter=separator)
    offset = 1  # the header line was read apart from the reader
    while True:
        start = reader.line_num + offset + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader cannot find the next row reliably past this point.
            raise SourceError(
                f"line {start}: unreadable CSV ({exc}); the rows after it cannot be read"
            ) from None
        if not values:
            continue
        joined = "".join(values)
        if not joined.isascii() and not is_utf8(joined):
            yield SourceRow(start, error="not valid UTF-8")
            continue
        if len(values) != width:
            yield SourceRow(start, error=f"has {len(values)} fields where the header has {width}")
            continue
        yield SourceRow(start, dict(zip(header, values, strict=True)))


def _jsonl_rows(stream: TextIO) -> Iterator[SourceRow]:
    line = 0
    while True:
        line += 1
        text = stream.readline(MAX_LINE_CHARS + 1)
        if not text:
            return
        if len(text) > MAX_LINE_CHARS and not text.endswith("\n"):
            while text and not text.endswith("\n"):  # the rest of the line, never kept
                text = stream.readline(MAX_LINE_CHARS)
            yield SourceRow(line, error=f"longer than {MAX_LINE_CHARS} characters")
            continue
        if not text.strip():
            continue
        if not is_utf8(text):
            yield SourceRow(line, error="not valid UTF-8")
            continue
        try:
            record = read_json(text)
        except NotJson as exc:
            yield SourceRow(line, error=f"not valid JSON: {exc}")
            continue
        except (ValueError, RecursionError):
            yield SourceRow(line, error="not valid JSON")
            continue
        if not isinstance(record, dict):
            yield SourceRow(line, error="not a JSON object")
            continue
        if "\\u" in text and _half_pair(text.encode("utf-8")):
            yield SourceRow(line, error=UNPAIRED_SURROGATE)
            continue
        if too_deep(record):
            yield SourceRow(line, error=f"nested more than {MAX_DEPTH} levels deep")
            continue
        yield SourceRow(line, record)


#: One escape in JSON text: `\\uXXXX` (its code unit captured) or a backslash and one byte.
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
#: Bytes at a chunk's end held back for the next: an escape or a pair is never cut in two.
_HOLD = 12
#: What a chunk holds before it is searched escape by escape.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _lone_surrogate(text: bytes) -> tuple[int | None, int | None]:
    """In JSON text, where the first `\\u` escape of half a surrogate pair is, and where a
    high half that ends the text starts (its low half may follow in the next chunk)."""
    high_at, high_end = None, -1
    for escape in _ESCAPE.finditer(text):
        unit = escape.group(1)
        code = int(unit, 16) if unit else -1
        if high_at is not None:
            if escape.start() != high_end or not 0xDC00 <= code <= 0xDFFF:
                return high_at, None
            high_at = None
        elif 0xD800 <= code <= 0xDBFF:
            high_at, high_end = escape.start(), escape.end()
        elif 0xDC00 <= code <= 0xDFFF:
            return escape.start(), None
    if high_at is not None and high_end < len(text):
        return high_at, None
    return None, high_at


def _half_pair(text: bytes) -> bool:
    """Whether a whole piece of JSON text (a line) escapes half a surrogate pair."""
    if not _SURROGATE_ESCAPE.search(text):
        return False
    return any(at is not None for at in _lone_surrogate(text))


class _JsonBytes:
    """A JSON document's bytes as ijson reads them: a leading UTF-8 byte-order mark dropped,
    and half a surrogate pair escaped (`"\\ud800"`) refused. ijson's C parser would turn it
    into "?" or join it with the next escape into another character, silently."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.started = False
        self.checked = 0  # bytes of the document searched so far
        self.held = b""  # the end of the last chunk, searched with the next

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if not self.started:
            self.started = True
            data = data.removeprefix(b"\xef\xbb\xbf")
        text = self.held + data
        cut = self._safe_cut(text) if data else len(text)
        if _SURROGATE_ESCAPE.search(text, 0, cut):
            lone, trailing_high = _lone_surrogate(text[:cut])
            if not data and lone is None:
                lone = trailing_high  # the document ended before the pair's low half
            if lone is not None:
                raise SourceError(
                    f"byte {self.checked + lone + 1}: {UNPAIRED_SURROGATE}, so the rows cannot "
                    "be read faithfully (correct the export, or use JSON Lines, where such a "
                    "row is an error of its own)"
                )
            if trailing_high is not None:
                cut = trailing_high
        self.checked += cut
        self.held = text[cut:]
        return data

    @staticmethod
    def _safe_cut(text: bytes) -> int:
        """Where to stop searching `text`: before a run of backslashes in its last bytes."""
        backslash = text.rfind(b"\\", max(0, len(text) - _HOLD))
        if backslash < 0:
            return len(text)
        while backslash > 0 and text[backslash - 1] == 0x5C:  # the run's first backslash
            backslash -= 1
        return backslash


def _json_array_rows(stream: TextIO) -> Iterator[SourceRow]:
    """Items of a top-level JSON array, one at a time, numbered from 1 (rows of a JSON array
    are reported by item number: a JSON document's lines say little).

    Built from ijson's basic events (no prefixes, which grow with the depth), each item
    bounded in depth and size: an item past a bound is skipped to its end, never built."""
    binary = _JsonBytes(stream.buffer)  # ijson parses bytes; text would be re-encoded
    events = ijson.basic_parse(binary, use_float=True)
    index = 0
    position = 1  # the item being read, for an error's message
    try:
        first = next(events, None)
        if first is None:
            return
        if first[0] != "start_array":
            raise SourceError("the file is not a JSON array of user objects")
        for event, value in events:
            if event == "end_array":
                return
            index = position
            item, problem = _json_item(event, value, events)
            position = index + 1
            if problem:
                yield SourceRow(index, error=problem)
            elif not isinstance(item, dict):
                yield SourceRow(index, error="not a JSON object")
            else:
                yield SourceRow(index, item)
    except ijson.JSONError as exc:
        raise SourceError(
            f"item {position}: not valid JSON ({exc}); the items after it cannot be read"
        ) from None
    except UnicodeDecodeError:
        raise SourceError(
            f"item {position}: not valid UTF-8; the items after it cannot be read"
        ) from None


def _json_item(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> tuple[Any, str]:
    """One array item from its first event on: (the value, '') or (None, why it was
    refused). The events of a refused item are read to its end and dropped."""
    if event not in ("start_map", "start_array"):
        return value, ""
    root: dict[str, Any] | list[Any] = {} if event == "start_map" else []
    containers: list[Any] = [root]
    keys: list[str] = [""]
    depth, size, problem = 1, 0, ""
    for event, value in events:
        if event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return (None, problem) if problem else (root, "")
            if not problem:
                containers.pop()
                keys.pop()
            continue
        if event in ("start_map", "start_array"):
            depth += 1
            if problem:
                continue
            if depth > MAX_DEPTH:
                problem = f"nested more than {MAX_DEPTH} levels deep"
                continue
            child: dict[str, Any] | list[Any] = {} if event == "start_map" else []
            _put(containers[-1], keys[-1], child)
            containers.append(child)
            keys.append("")
            continue
        if problem:
            continue
        if event == "map_key":
            keys[-1] = value
            size += len(value)
        else:
            if isinstance(value, str):
                size += len(value)
            _put(containers[-1], keys[-1], value)
        if size > MAX_ITEM_CHARS:
            problem = f"larger than {MAX_ITEM_CHARS} characters"
    raise ijson.IncompleteJSONError("the document ends inside an item")


def _put(container: dict[str, Any] | list[Any], key: str, value: Any) -> None:
    if isinstance(container, list):
        container.append(value)
    else:
        container[key] = value
