"""Okta-facing endpoints: authenticate, parse, call one service, shape the answer."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from hooks.auth import event_hook_auth
from hooks.decorators import okta_hook
from hooks.payloads import EventHookDelivery, PasswordImportRequest, verification_challenge
from hooks.responses import password_import_response
from legacy_users.services.okta_events import okta_events_receive
from legacy_users.services.password_import import password_import_verify
from migration_portal.serving import request_arrival


@okta_hook
# Okta's body is JSON, not a form, but if a proxy ever re-encodes it as one, error reports
# still hide it.
@sensitive_post_parameters()
@sensitive_variables("call")
def password_import(request: HttpRequest) -> HttpResponse:
    """Okta's password import inline hook: VERIFIED or UNVERIFIED for a typed password."""
    call = PasswordImportRequest.from_request(request)
    decision = password_import_verify(
        login=call.username,
        password=call.password,
        event_id=call.event_id,
        request_id=call.request_id,
        ip_address=call.ip_address,
        arrived=request_arrival(request.META),
    )
    return password_import_response(verified=decision.verified)


@okta_hook(methods=("GET", "POST"), auth=event_hook_auth)
def okta_events(request: HttpRequest) -> HttpResponse:
    """Okta's event hook: the one-time verification GET, then batches of events."""
    if request.method == "GET":
        return JsonResponse({"verification": verification_challenge(request)})
    report = okta_events_receive(events=EventHookDelivery.from_request(request).events)
    return JsonResponse(
        {"received": report.received, "applied": report.applied, "rejected": report.rejected}
    )
