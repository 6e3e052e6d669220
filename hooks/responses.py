"""The answers Okta's password import hook understands (Okta's "Password import inline
hook" reference: https://developer.okta.com/docs/api/openapi/okta-management/management/tags/inlinehook/webhooks/createpasswordimportinlinehook)."""

import json

from django.http import HttpResponse

UPDATE_COMMAND = "com.okta.action.update"


def _body(credential: str) -> bytes:
    return json.dumps(
        {"commands": [{"type": UPDATE_COMMAND, "value": {"credential": credential}}]}
    ).encode()


#: The only two answers there are, encoded once.
_BODIES = {True: _body("VERIFIED"), False: _body("UNVERIFIED")}


def password_import_response(*, verified: bool) -> HttpResponse:
    """HTTP 200 with the single `com.okta.action.update` command Okta expects."""
    return HttpResponse(_BODIES[verified], content_type="application/json")
