"""Stream rows out of an export file, each with the line it starts on.

Nothing here holds the whole file: rows are yielded one by one, so memory stays flat.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

FORMATS = ("csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class SourceError(Exception):
    """The file as a whole cannot be read (missing, wrong format, no header...)."""


@dataclass(slots=True)
class SourceRow:
    """One record of the export: its starting line, its fields, or why it is unreadable."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def detect_format(path: str, declared: str = "") -> str:
    """`csv` or `jsonl`, from `declared` or else from the file name (`.gz` allowed)."""
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
def open_text(path: str) -> Iterator[TextIO]:
    """Open `path` (or `-` for stdin) as UTF-8 text, BOM dropped, gzip undone."""
    if path == "-":
        yield io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
        return
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise SourceError(f"cannot open {path!r}: {exc.strerror}") from None
    try:
        binary = gzip.GzipFile(fileobj=raw) if path.lower().endswith(".gz") else raw
        yield io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    finally:
        raw.close()


def iter_rows(stream: TextIO, file_format: str) -> Iterator[SourceRow]:
    """Rows of a CSV (with header) or JSON Lines stream."""
    if file_format == "csv":
        return _csv_rows(stream)
    return _jsonl_rows(stream)


def _csv_rows(stream: TextIO) -> Iterator[SourceRow]:
    reader = csv.reader(stream)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise SourceError("the file is empty: no header row") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise SourceError(f"line 1: unreadable header ({exc})") from None
    missing = [name for name in ("login", "password_hash") if name not in header]
    if missing:
        raise SourceError(f"line 1: the header lacks the column(s) {', '.join(missing)}")
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            yield SourceRow(start, error=f"unreadable CSV ({exc})")
            return
        if not values:
            continue
        if len(values) != len(header):
            yield SourceRow(
                start, error=f"has {len(values)} fields where the header has {len(header)}"
            )
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
