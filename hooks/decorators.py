"""The guard every Okta-facing view sits behind: method, authentication, load, clean errors."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, overload

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from hooks.auth import Authenticators, password_hook_auth
from hooks.errors import HookError, ServiceUnavailable, error_response
from legacy_users.services.password_import import HookUnavailable

logger = logging.getLogger(__name__)

#: A view the guard wraps.
View = Callable[..., HttpResponse]


def unavailable(message: str) -> HttpResponse:
    """503: Okta retries once; better than holding its transaction past its deadline."""
    response = error_response(503, "unavailable", message)
    response["Retry-After"] = "1"
    return response


@overload
def okta_hook(view: View) -> View: ...
@overload
def okta_hook(
    *, methods: tuple[str, ...] = ..., auth: Authenticators = ...
) -> Callable[[View], View]: ...
def okta_hook(
    view: View | None = None,
    *,
    methods: tuple[str, ...] = ("POST",),
    auth: Authenticators = password_hook_auth,
) -> View | Callable[[View], View]:
    """Accept only calls with `methods` that `auth` authenticates; turn `HookError` into its
    JSON 4xx and a call that cannot be answered in time (shed under load, over its budget,
    cache, JWKS or database down) into a fast, logged 503.

    Authentication happens before the body is read and before any database work, so an
    unauthenticated caller learns nothing and costs next to nothing. A hook whose
    credentials are optional and not configured does not exist (404).
    """
    if view is None:
        return lambda function: _guard(function, methods, auth)
    return _guard(view, methods, auth)


def _guard(view: View, methods: tuple[str, ...], auth: Authenticators) -> View:

    @csrf_exempt
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not auth.configured() and auth.absent_when_unconfigured:
            return error_response(404, "not_configured", "This hook is not configured here.")
        if request.method not in methods:
            response = error_response(
                405, "method_not_allowed", f"This hook is called with {' or '.join(methods)}."
            )
            response["Allow"] = ", ".join(methods)
            return response
        try:
            caller = auth(request)
        except ServiceUnavailable as exc:
            return unavailable(str(exc))
        if caller is None:
            return error_response(
                401, "unauthorized", "Missing or wrong hook authentication header."
            )
        try:
            return view(request, *args, **kwargs)
        except HookError as error:
            return error.response()
        except HookUnavailable as exc:
            logger.warning("hook call answered 503: %s", exc)
            return unavailable("The call cannot be answered now; retry.")
        except ServiceUnavailable as exc:
            logger.error("hook call failed: %s", exc)
            return unavailable("A service the answer depends on is unavailable; retry.")
        except DatabaseError as exc:
            logger.error("hook call failed on the database: %s", type(exc).__name__)
            return unavailable("The database is unavailable; retry.")

    return guarded
