"""Operators sign in to the admin through the company's identity provider (Okta) with OpenID
Connect, and their role comes from its groups.

mozilla-django-oidc runs the authorization code flow with PKCE, `state` and `nonce`, and
checks the ID token's RS256 signature against the issuer's JWKS; this module adds what it
leaves out (the token's `iss`, `aud`, `exp` and `iat`), finds the issuer's endpoints by
discovery, maps the `groups` claim to the portal's roles at every sign-in, and ends the
provider's session at sign-out (RP-initiated logout).

An operator is known by the issuer and subject of their token (`OperatorIdentity`), never
by an email that could be reused. Someone in none of the configured groups is refused with
a page saying so, as is a token that does not verify.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from legacy_users.models import OperatorIdentity
from legacy_users.roles import OPERATOR, VIEWER
from migration_portal.oidc_discovery import endpoint

logger = logging.getLogger(__name__)

#: Why the last sign-in was refused, kept in the session for the refusal page.
REFUSAL = "oidc_refusal"
NO_ROLE = "no_role"
BAD_TOKEN = "bad_token"  # noqa: S105 - a reason, not a secret
LEEWAY_SECONDS = 60


def configured() -> bool:
    """Whether operators sign in through OpenID Connect."""
    return bool(settings.ADMIN_OIDC_ISSUER and settings.ADMIN_OIDC_CLIENT_ID)


def role_for(groups: Any) -> str:
    """The portal role the provider's groups give: "superuser", Operator, Viewer or ""."""
    names = {str(g) for g in groups} if isinstance(groups, list) else set()
    if names & set(settings.ADMIN_OIDC_SUPERUSER_GROUPS):
        return "superuser"
    if names & set(settings.ADMIN_OIDC_OPERATOR_GROUPS):
        return OPERATOR
    if names & set(settings.ADMIN_OIDC_VIEWER_GROUPS):
        return VIEWER
    return ""


class OperatorBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Signs operators in from a verified ID token and the groups it (or userinfo) names."""

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        """The token's claims, its signature, issuer, audience and times all checked."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("the ID token's algorithm is not the expected one")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=settings.ADMIN_OIDC_CLIENT_ID,
                issuer=settings.ADMIN_OIDC_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(
                f"the ID token did not verify ({type(exc).__name__})"
            ) from None
        return claims

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any] | None:
        try:
            claims: dict[str, Any] = super().verify_token(token, **kwargs)
        except (SuspiciousOperation, jwt.PyJWTError) as exc:
            logger.warning("admin sign-in refused: %s", exc)
            self._refuse(BAD_TOKEN)
            return None
        return claims

    def _refuse(self, reason: str) -> None:
        request: HttpRequest | None = getattr(self, "request", None)
        if request is not None:
            request.session[REFUSAL] = reason

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            self._refuse(BAD_TOKEN)
            return None
        claims = {**userinfo, **payload}
        if settings.ADMIN_OIDC_GROUPS_CLAIM not in payload:
            claims[settings.ADMIN_OIDC_GROUPS_CLAIM] = userinfo.get(
                settings.ADMIN_OIDC_GROUPS_CLAIM, []
            )
        role = role_for(claims.get(settings.ADMIN_OIDC_GROUPS_CLAIM))
        if not role:
            logger.info("admin sign-in refused: no portal role for subject %s", payload["sub"])
            self._refuse(NO_ROLE)
            return None
        return operator_sign_in(claims=claims, role=role)


@transaction.atomic
def operator_sign_in(*, claims: dict[str, Any], role: str) -> User:
    """The operator the verified `claims` name, made or updated, with `role` applied: the
    groups are re-applied at every sign-in, so a role taken away in Okta is gone at the
    next one."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    email = str(claims.get("email") or "")
    identity = (
        OperatorIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        base = (email or subject)[:140]
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = User.objects.create_user(username, email=email)
        identity = OperatorIdentity.objects.create(
            user=user, issuer=issuer, subject=subject, email=email
        )
    user = identity.user
    user.email = email
    user.first_name = str(claims.get("given_name") or "")[:150]
    user.last_name = str(claims.get("family_name") or "")[:150]
    user.is_active = True
    user.is_staff = True
    user.is_superuser = role == "superuser"
    user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.filter(name=role) if role in (VIEWER, OPERATOR) else [])
    if identity.email != email:
        identity.email = email
        identity.save(update_fields=["email"])
    return user


def logout_url(request: HttpRequest, id_token: str, after: str) -> str:
    """Where to send the browser to end the provider's session too ("" when it has no
    end_session_endpoint)."""
    end = endpoint("end_session_endpoint")
    if not end:
        return ""
    query = {"post_logout_redirect_uri": request.build_absolute_uri(after)}
    if id_token:
        query["id_token_hint"] = id_token
    query["client_id"] = settings.ADMIN_OIDC_CLIENT_ID
    return f"{end}?{urlencode(query)}"
