"""Precise, JSON-bodied rejections for calls that cannot be answered."""

from django.http import JsonResponse


class HookError(Exception):
    """A request Okta's contract does not allow: answered with a 4xx and a JSON reason.

    The message names the offending field or limit; it never quotes the request body.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> JsonResponse:
        return error_response(self.status, self.code, self.message)


def error_response(status: int, code: str, message: str) -> JsonResponse:
    """`{"error": {"code": ..., "message": ...}}` with the given status."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


class ServiceUnavailable(Exception):
    """Something the answer depends on (the issuer's JWKS) failed: a fast 503, which Okta
    retries once. The message is for the log and never carries request data."""
