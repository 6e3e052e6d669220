"""The answers Okta's password import hook understands (CONTRACT.md section 1)."""

from django.http import JsonResponse

UPDATE_COMMAND = "com.okta.action.update"


def password_import_response(*, verified: bool) -> JsonResponse:
    """HTTP 200 with the single `com.okta.action.update` command Okta expects."""
    credential = "VERIFIED" if verified else "UNVERIFIED"
    return JsonResponse(
        {"commands": [{"type": UPDATE_COMMAND, "value": {"credential": credential}}]}
    )
