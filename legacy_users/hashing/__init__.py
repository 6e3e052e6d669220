"""The hash-format registry: which legacy hashes we can verify, and how."""

from legacy_users.hashing.base import (
    CheckReason,
    CheckResult,
    HashFormat,
    MalformedHash,
    hash_check_params,
)
from legacy_users.hashing.registry import (
    FormatRegistry,
    HashVerdict,
    all_formats,
    check_password,
    classify_hash,
    get_format,
    identify_format,
    registry,
)

__all__ = [
    "CheckReason",
    "CheckResult",
    "FormatRegistry",
    "HashFormat",
    "HashVerdict",
    "MalformedHash",
    "all_formats",
    "check_password",
    "classify_hash",
    "get_format",
    "hash_check_params",
    "identify_format",
    "registry",
]
