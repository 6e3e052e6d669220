"""Stream rows out of an export file, each with the line it starts on.

Nothing here holds the whole file: rows are yielded one by one, so memory stays flat whatever
the file's size. CSV (any delimiter and quoting), a JSON array (streamed with ijson) and JSON
Lines are read, each optionally gzip-compressed, from a path or standard input. While reading,
the raw bytes are counted and hashed (sha256) for the load's record.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

import ijson

FORMATS = ("csv", "json", "jsonl")
_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
REQUIRED_COLUMNS = ("login", "password_hash")
# Fields larger than this are a broken file, not a user (csv's own default is 128 KiB).
csv.field_size_limit(16 * 1024 * 1024)


class SourceError(Exception):
    """The file as a whole cannot be read (missing, wrong format, no header...)."""


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

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        if not data:
            return 0
        count = len(data)
        buffer[:count] = data
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
        binary: IO[bytes] = buffered
        if path.lower().endswith(".gz") or _is_gzip(buffered):
            binary = gzip.GzipFile(fileobj=buffered)
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        yield Source(name=path, file_format=fmt, stream=text, counter=counter)
    finally:
        if raw is not sys.stdin.buffer:
            raw.close()


def _is_gzip(stream: io.BufferedReader) -> bool:
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


def _csv_dialect(header_line: str, delimiter: str) -> dict[str, str]:
    if delimiter:
        return {"delimiter": "\t" if delimiter in ("\\t", "tab") else delimiter}
    try:
        sniffed = csv.Sniffer().sniff(header_line, delimiters=",;\t|")
    except csv.Error:
        return {"delimiter": ","}
    return {"delimiter": sniffed.delimiter}


def _csv_rows(stream: TextIO, delimiter: str, rename: Mapping[str, str]) -> Iterator[SourceRow]:
    try:
        first = stream.readline()
    except UnicodeDecodeError:
        raise SourceError("line 1: the file is not UTF-8 text") from None
    if not first.strip():
        raise SourceError("the file is empty: no header row")
    dialect = _csv_dialect(first, delimiter)
    header = [
        rename.get(name.strip(), name.strip()) for name in next(csv.reader([first], **dialect))
    ]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        found = ", ".join(header[:12])
        raise SourceError(
            f"line 1: the header lacks the column(s) {', '.join(missing)} (found: {found}); "
            "map yours with --map login=<column>"
        )
    width = len(header)
    reader = csv.reader(stream, **dialect)
    offset = 1  # the header line was read apart from the reader
    while True:
        start = reader.line_num + offset + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            yield SourceRow(start, error=f"unreadable CSV ({exc})")
            return
        if not values:
            continue
        if len(values) != width:
            yield SourceRow(start, error=f"has {len(values)} fields where the header has {width}")
            continue
        yield SourceRow(start, dict(zip(header, values, strict=True)))


def _jsonl_rows(stream: TextIO) -> Iterator[SourceRow]:
    line = 0
    while True:
        line += 1
        try:
            text = stream.readline()
        except UnicodeDecodeError:
            yield SourceRow(line, error="not valid UTF-8")
            return
        if not text:
            return
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except (ValueError, RecursionError):
            yield SourceRow(line, error="not valid JSON")
            continue
        if not isinstance(record, dict):
            yield SourceRow(line, error="not a JSON object")
            continue
        yield SourceRow(line, record)


class _WithoutBom:
    """A byte stream with a leading UTF-8 byte-order mark dropped."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.started = False

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if not self.started:
            self.started = True
            data = data.removeprefix(b"\xef\xbb\xbf")
        return data


def _json_array_rows(stream: TextIO) -> Iterator[SourceRow]:
    """Items of a top-level JSON array, one at a time, numbered from 1 (rows of a JSON array
    are reported by item number: a JSON document's lines say little)."""
    index = 0
    try:
        binary = _WithoutBom(stream.buffer)  # ijson parses bytes; text would be re-encoded
        for index, item in enumerate(ijson.items(binary, "item", use_float=True), start=1):
            if not isinstance(item, dict):
                yield SourceRow(index, error="not a JSON object")
                continue
            yield SourceRow(index, item)
    except ijson.JSONError as exc:
        yield SourceRow(index + 1, error=f"not valid JSON ({exc})")
    except UnicodeDecodeError:
        yield SourceRow(index + 1, error="not valid UTF-8")
