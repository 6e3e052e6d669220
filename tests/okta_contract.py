"""Requests and answers held to Okta's own Management API description.

The description is Okta's OpenAPI file (`management-minimal.yaml`, from
github.com/okta/okta-management-openapi-spec); the project does not copy it. It is found at
`OKTA_OPENAPI_SPEC`, or beside the checkout at `../shared/okta/openapi/`. Without it the
contract tests skip, saying so; with `OKTA_OPENAPI_SPEC` set (as CI sets it) a missing file
fails them.

A request body is valid when it passes the schema of its operation (types, enums, lengths,
`required`, read-only fields refused: openapi-schema-validator's OAS 3.0 write validator)
*and* holds no field the schema does not define: Okta's schemas rarely say
`additionalProperties: false`, so the strict check walks the body itself, following `$ref`,
`allOf` and the discriminators' mappings. Answers are held to the same rules, read-side
(no write-only field such as a hook's secret).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator
from openapi_schema_validator._format import oas30_format_checker

REPO = Path(__file__).resolve().parent.parent
BESIDE = REPO.parent / "shared" / "okta" / "openapi" / "management-minimal.yaml"


def spec_path() -> Path | None:
    configured = os.environ.get("OKTA_OPENAPI_SPEC", "")
    if configured:
        return Path(configured)
    return BESIDE if BESIDE.is_file() else None


@functools.cache
def spec() -> dict[str, Any]:
    path = spec_path()
    if path is None:
        pytest.skip(
            "Okta's OpenAPI description is not here: set OKTA_OPENAPI_SPEC to "
            "management-minimal.yaml (CI does)"
        )
    if not path.is_file():
        pytest.fail(f"OKTA_OPENAPI_SPEC={path} does not exist")
    return yaml.load(path.read_text(), Loader=yaml.CSafeLoader)


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str, int]]:
    found = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        literal = len(re.sub(r"\{[^}]+\}", "", template))
        found.append((re.compile(pattern + "$"), template, literal))
    return found


def operation(method: str, path: str) -> dict[str, Any]:
    """The spec's operation for a concrete request (the most literal template that fits:
    `/api/v1/users/me` before `/api/v1/users/{id}`)."""
    fitting = [(literal, t) for pattern, t, literal in _templates() if pattern.match(path)]
    assert fitting, f"{path} is no path of Okta's API"
    template = max(fitting)[1]
    found = spec()["paths"][template].get(method.lower())
    assert found is not None, f"Okta's API has no {method} {template}"
    return found


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec()["components"]["schemas"][name]
        seen += 1
        assert seen < 50, "a $ref loop"
    return schema


def _json_schema(method: str, path: str, status: str | None) -> dict[str, Any] | None:
    op = operation(method, path)
    if status is None:
        content = (op.get("requestBody") or {}).get("content") or {}
    else:
        answer = op["responses"].get(status) or op["responses"].get("default") or {}
        if "$ref" in answer:
            answer = spec()["components"]["responses"][answer["$ref"].split("/")[-1]]
        content = answer.get("content") or {}
    media = content.get("application/json")
    return media.get("schema") if media else None


def _validator(schema: dict[str, Any], write: bool):
    root = {**schema, "components": spec()["components"]}
    cls = OAS30WriteValidator if write else OAS30ReadValidator
    return cls(root, format_checker=oas30_format_checker)


def _parts(schema: dict[str, Any], value: Any, seen: frozenset[int]) -> list[dict[str, Any]]:
    """Every schema that applies to `value` through `allOf` and a discriminator's mapping."""
    schema = _resolve(schema)
    if id(schema) in seen:
        return []
    seen = seen | {id(schema)}
    parts = [schema]
    for sub in schema.get("allOf") or []:
        parts += _parts(sub, value, seen)
    discriminator = schema.get("discriminator") or {}
    if isinstance(value, dict) and discriminator.get("mapping"):
        chosen = discriminator["mapping"].get(value.get(discriminator["propertyName"]))
        if chosen:
            parts += _parts({"$ref": chosen}, value, seen)
    return parts


def _errors(schema: dict[str, Any], value: Any, write: bool) -> list[str]:
    # A value that fits several of a `oneOf`'s alternatives is the description's own
    # ambiguity (Okta's execute body, for one), not the sender's fault.
    return [
        e.message
        for e in _validator(schema, write).iter_errors(value)
        if "is valid under each of" not in e.message
    ]


def strict_problems(schema: dict[str, Any], value: Any, *, write: bool, at: str = "") -> list[str]:
    """Fields of `value` its schema does not define, or may not carry in this direction
    (read-only in a request, write-only in an answer); then the same inside each field.
    Where the schema is a choice (`oneOf`/`anyOf` without a discriminator), the value is
    held to the alternative it fits best."""
    resolved = _resolve(schema)
    alternatives = resolved.get("oneOf") or resolved.get("anyOf")
    if alternatives and not (resolved.get("discriminator") or {}).get("mapping"):
        return min(
            (
                _errors(alt, value, write) + strict_problems(alt, value, write=write, at=at)
                for alt in alternatives
            ),
            key=len,
        )
    problems = []
    parts = _parts(schema, value, frozenset())
    if isinstance(value, dict):
        properties: dict[str, list[dict[str, Any]]] = {}
        open_ended = False
        for part in parts:
            for key, field in (part.get("properties") or {}).items():
                properties.setdefault(key, []).append(field)
            open_ended = open_ended or bool(part.get("additionalProperties"))
        for key, item in value.items():
            where = f"{at}.{key}" if at else key
            if key not in properties:
                if not open_ended:
                    problems.append(f"{where}: not a field of Okta's schema")
                continue
            field = {"allOf": properties[key]}
            flags = {
                flag
                for f in properties[key]
                for p in _parts(f, item, frozenset())
                for flag in ("readOnly", "writeOnly")
                if p.get(flag) is True
            }
            if write and "readOnly" in flags:
                problems.append(f"{where}: read-only in Okta's schema")
            if not write and "writeOnly" in flags:
                problems.append(f"{where}: write-only in Okta's schema (never answered)")
            problems += strict_problems(field, item, write=write, at=where)
    elif isinstance(value, list):
        for part in parts:
            if "items" in part:
                for i, item in enumerate(value):
                    problems += strict_problems(part["items"], item, write=write, at=f"{at}[{i}]")
                break
    return problems


def _discriminated(schema: dict[str, Any], value: Any, write: bool) -> list[str]:
    """Value checks for the schemas a discriminator picks (the root validator only sees the
    base schema's own fields)."""
    problems = []
    for part in _parts(schema, value, frozenset()):
        discriminator = part.get("discriminator") or {}
        if isinstance(value, dict) and discriminator.get("mapping"):
            chosen = discriminator["mapping"].get(value.get(discriminator["propertyName"]))
            if chosen:
                problems += _errors({"$ref": chosen}, value, write)
    if isinstance(value, dict):
        for part in _parts(schema, value, frozenset()):
            for key, field in (part.get("properties") or {}).items():
                if key in value:
                    problems += _discriminated(field, value[key], write)
    return problems


def request_problems(method: str, path: str, body: Any) -> list[str]:
    """Why Okta's description would refuse this request body (empty: it would not)."""
    schema = _json_schema(method, path, None)
    if schema is None:
        return [] if body is None else [f"{method} {path} takes no body"]
    if body is None:
        return (
            []
            if not (operation(method, path).get("requestBody") or {}).get("required")
            else [f"{method} {path} needs a body"]
        )
    problems = _errors(schema, body, True) + _discriminated(schema, body, True)
    return problems + strict_problems(schema, body, write=True)


def answer_problems(method: str, path: str, status: int, body: Any) -> list[str]:
    """Why an answer does not have the shape Okta's description gives it."""
    schema = _json_schema(method, path, str(status))
    if schema is None:
        return [] if body is None else [f"{method} {path} {status} has no body in Okta's API"]
    problems = _errors(schema, body, False) + _discriminated(schema, body, False)
    return problems + strict_problems(schema, body, write=False)


def query_problems(method: str, path: str, query: dict[str, list[str]]) -> list[str]:
    """Query parameters the operation does not define."""
    op = operation(method, path)
    known = set()
    for parameter in op.get("parameters") or []:
        if "$ref" in parameter:
            parameter = spec()["components"]["parameters"][parameter["$ref"].split("/")[-1]]
        if parameter.get("in") == "query":
            known.add(parameter["name"])
    return [f"?{name}: not a parameter of {method} {path}" for name in query if name not in known]
