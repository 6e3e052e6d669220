"""An org's user profile schema (`GET /api/v1/meta/schemas/user/default`) and the checks
Okta applies to a profile before it creates a user, so that a push knows beforehand which
profiles Okta would refuse, and why.

What Okta documents (the Schemas API, "Login pattern validation"):
- every attribute may be `required`, and string attributes may have `minLength`/`maxLength`;
- `format: email` attributes must be email addresses (Okta caps them at 100 characters);
- `login` follows its `pattern`: null (the default) means an email address, 5-100
  characters; `.+` means any non-empty value (the minimum of five is then not enforced);
  `[...]+` means only those characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

#: Okta's caps where the schema it returns leaves them out.
EMAIL_MAX = 100
LOGIN_MIN, LOGIN_MAX = 5, 100
#: The login pattern that lifts the email requirement (and the minimum length).
ANY_LOGIN = ".+"
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "array": (list,),
}


@dataclass(frozen=True, slots=True)
class Attribute:
    """One profile attribute's rules, as the org's schema gives them."""

    name: str
    required: bool = False
    type: str = "string"
    min_length: int | None = None
    max_length: int | None = None
    format: str = ""
    pattern: str | None = None
    enum: tuple[Any, ...] = ()

    @classmethod
    def from_json(cls, name: str, body: Mapping[str, Any], required: bool) -> Attribute:
        enum = body.get("enum")
        return cls(
            name=name,
            required=required or body.get("required") is True,
            type=str(body.get("type") or "string"),
            min_length=_int(body.get("minLength")),
            max_length=_int(body.get("maxLength")),
            format=str(body.get("format") or ""),
            pattern=body.get("pattern") if isinstance(body.get("pattern"), str) else None,
            enum=tuple(enum) if isinstance(enum, list) else (),
        )

    def problem(self, value: Any) -> str:
        """Why Okta would refuse `value` for this attribute ('' when it would not)."""
        if value is None or value == "":
            return "missing, and the org's schema requires it" if self.required else ""
        if self.name == "login":
            return _login_problem(str(value), self.pattern)
        if not _has_type(value, self.type):
            return f"not of the type {self.type} the org's schema gives it"
        if isinstance(value, str):
            cap = self.max_length
            if self.format == "email":
                cap = min(cap or EMAIL_MAX, EMAIL_MAX)
            if cap is not None and len(value) > cap:
                return f"{len(value)} characters, Okta takes at most {cap}"
            if self.min_length is not None and len(value) < self.min_length:
                return f"{len(value)} characters, Okta needs at least {self.min_length}"
            if self.format == "email" and not _is_email(value):
                return "not an email address"
        if self.enum and value not in self.enum:
            return "not one of the values the org's schema allows"
        return ""


@dataclass(frozen=True, slots=True)
class UserSchema:
    """The attributes of an org's default user type, base and custom alike."""

    attributes: dict[str, Attribute] = field(default_factory=dict)

    @classmethod
    def from_json(cls, body: Any) -> UserSchema:
        """Read Okta's `UserSchema` answer (its `definitions.base` and `definitions.custom`)."""
        attributes: dict[str, Attribute] = {}
        definitions = body.get("definitions") if isinstance(body, Mapping) else None
        for part in ("base", "custom"):
            section = (definitions or {}).get(part) or {}
            required = set(section.get("required") or [])
            for name, rules in (section.get("properties") or {}).items():
                if isinstance(rules, Mapping):
                    attributes[name] = Attribute.from_json(name, rules, name in required)
        return cls(attributes)

    @classmethod
    def okta_default(cls) -> UserSchema:
        """The schema of an org nobody has customised (Okta's documented default)."""
        return cls(
            {
                "login": Attribute(
                    "login", True, min_length=LOGIN_MIN, max_length=LOGIN_MAX, pattern=None
                ),
                "firstName": Attribute("firstName", True, min_length=1, max_length=50),
                "lastName": Attribute("lastName", True, min_length=1, max_length=50),
                "email": Attribute("email", True, format="email", max_length=EMAIL_MAX),
            }
        )

    @property
    def required(self) -> list[str]:
        return [name for name, attribute in self.attributes.items() if attribute.required]

    @property
    def login_rule(self) -> str:
        """The org's login rule in words."""
        pattern = self.attributes.get("login", Attribute("login")).pattern
        if pattern is None:
            return "an email address (Okta's default)"
        if pattern == ANY_LOGIN:
            return "any value (pattern .+)"
        return f"the pattern {pattern}"

    def problems(self, profile: Mapping[str, Any]) -> list[str]:
        """Why Okta would refuse to create a user with `profile`, one line per attribute
        (empty: it would accept it). Attributes the schema does not define are refused
        too: Okta answers 400 for them."""
        found = []
        for name, attribute in self.attributes.items():
            reason = attribute.problem(profile.get(name))
            if reason:
                found.append(f"{name}: {reason}")
        for name in profile:
            if name not in self.attributes:
                found.append(f"{name}: not an attribute of the org's user profile")
        return found


def _has_type(value: Any, kind: str) -> bool:
    expected = _TYPES.get(kind)
    if expected is None:
        return True
    if isinstance(value, bool):  # a bool is an int to Python, not to JSON Schema
        return kind == "boolean"
    return isinstance(value, expected)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _login_problem(login: str, pattern: str | None) -> str:
    if len(login) > LOGIN_MAX:
        return f"{len(login)} characters, Okta takes at most {LOGIN_MAX}"
    if pattern is None:
        if len(login) < LOGIN_MIN:
            return f"{len(login)} characters, Okta needs at least {LOGIN_MIN}"
        if not _is_email(login):
            return (
                "not an email address, which the org's login rule asks for (allow other "
                "logins in Okta: Profile Editor, Username format)"
            )
        return ""
    try:
        matches = re.fullmatch(pattern, login) is not None
    except re.error:
        return f"the org's login pattern {pattern!r} cannot be checked here"
    return "" if matches else f"does not match the org's login pattern {pattern}"
