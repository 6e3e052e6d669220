"""The hash-format registry: which legacy hashes we can verify, and how."""

from legacy_users.hashing.base import CheckReason, CheckResult, HashFormat, MalformedHash
from legacy_users.hashing.registry import (
    FormatRegistry,
    all_formats,
    check_password,
    get_format,
    identify_format,
    registry,
)

__all__ = [
    "CheckReason",
    "CheckResult",
    "FormatRegistry",
    "HashFormat",
    "MalformedHash",
    "all_formats",
    "check_password",
    "get_format",
    "identify_format",
    "registry",
]
