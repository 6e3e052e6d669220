"""Secret hash parameters (a pepper, an HMAC key, Firebase's signer key, Spring's secret):
named, never stored.

A secret parameter holds a reference, `secret:<name>`, and its value is read when a hash is
checked: from the file `<HASH_SECRETS_DIR>/<name>` (a directory readable by the service, such
as a mounted Kubernetes secret), or else from the environment variable `HASH_SECRET_<NAME>`
(the name upper-cased, `-` and `.` as `_`). What the load runs, the admin and the logs hold
is the name; the value never leaves memory.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

from legacy_users.app_settings import app_settings

#: The hash parameters that are secrets wherever they appear.
SECRET_PARAMS = frozenset({"key", "signer_key", "pepper"})
REFERENCE = "secret:"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class MissingSecret(ValueError):
    """A referenced secret is not configured (the message names it, never a value)."""


def is_reference(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(REFERENCE)


def env_name(name: str) -> str:
    """The environment variable that can hold the secret `name`."""
    return "HASH_SECRET_" + re.sub(r"[-.]", "_", name).upper()


@functools.cache
def secret_value(name: str) -> str:
    """The value of the secret `name`; MissingSecret says where it was looked for."""
    if not _NAME.match(name):
        raise MissingSecret(f"{name!r} is not a secret's name (letters, digits, - _ .)")
    folder = app_settings().hash_secrets_dir
    if folder:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8").rstrip("\r\n")
    value = os.environ.get(env_name(name))
    if value:
        return value
    where = f"{Path(folder) / name} or " if folder else ""
    raise MissingSecret(f"the hash secret {name!r} is not set ({where}{env_name(name)})")


def resolve_secrets(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """`params` with each secret reference replaced by its value (the same mapping when
    none is a reference, the common case on the hook's path)."""
    if not params or not any(is_reference(params.get(name)) for name in SECRET_PARAMS):
        return params
    resolved = dict(params)
    for name in SECRET_PARAMS:
        if is_reference(resolved.get(name)):
            resolved[name] = secret_value(resolved[name].removeprefix(REFERENCE))
    return resolved


def literal_secrets(params: Mapping[str, Any]) -> list[str]:
    """The secret parameters of `params` given as values instead of references."""
    return sorted(
        name for name in SECRET_PARAMS if name in params and not is_reference(params[name])
    )


def redact_secrets(params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` fit to record or show: references kept, literal secret values removed."""
    return {
        k: ("(removed: a secret value)" if k in SECRET_PARAMS and not is_reference(v) else v)
        for k, v in params.items()
    }


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == "HASH_SECRETS_DIR":
        secret_value.cache_clear()
