"""The guard every Okta-facing view sits behind: method, authentication, clean errors."""

from functools import wraps

from django.views.decorators.csrf import csrf_exempt

from hooks.auth import authenticate_okta
from hooks.errors import HookError, error_response


def okta_hook(view):
    """Accept only authenticated POSTs; turn `HookError` into its JSON 4xx.

    Authentication happens before the body is read and before any database work, so an
    unauthenticated caller learns nothing and costs next to nothing.
    """

    @csrf_exempt
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method != "POST":
            response = error_response(405, "method_not_allowed", "Okta hooks are called with POST.")
            response["Allow"] = "POST"
            return response
        if authenticate_okta(request) is None:
            return error_response(
                401, "unauthorized", "Missing or wrong hook authentication header."
            )
        try:
            return view(request, *args, **kwargs)
        except HookError as error:
            return error.response()

    return guarded
