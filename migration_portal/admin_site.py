"""The admin site: Django's, with the migration dashboard as its index page, and operators
signing in through the company's identity provider (OpenID Connect) when it is configured."""

from typing import Any

from django.conf import settings
from django.contrib import admin, auth
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from legacy_users.services.dashboard import dashboard
from migration_portal import oidc


class PortalAdminSite(admin.AdminSite):
    """`/admin/` opens on the dashboard (above the list of models)."""

    site_header = "Migration portal"
    site_title = "Migration portal"
    index_title = "Migration dashboard"
    # The admin is the whole site for people: no "View site" link to a page not there.
    site_url = None
    index_template = "admin/portal_index.html"
    login_template = "admin/portal_login.html"
    # The lists need the width (1366 px laptops): the breadcrumbs and the dashboard's links
    # lead everywhere the model sidebar did.
    enable_nav_sidebar = False

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context = {**(extra_context or {}), "dashboard": dashboard()}
        return super().index(request, extra_context=context)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The sign-in page: "Sign in with Okta" when OpenID Connect is configured, and the
        password form only while ADMIN_PASSWORD_LOGIN allows it (a posted password is
        refused otherwise)."""
        if request.method == "POST" and not settings.ADMIN_PASSWORD_LOGIN:
            raise PermissionDenied("password sign-in is off: sign in with the identity provider")
        context = {
            **(extra_context or {}),
            "oidc": oidc.configured(),
            "password_login": settings.ADMIN_PASSWORD_LOGIN,
        }
        return super().login(request, extra_context=context)


@csrf_protect
@never_cache
def portal_logout(request: HttpRequest) -> HttpResponse:
    """The admin's logout: out of the portal and, when the provider offers it, out of the
    provider too (RP-initiated logout); the admin's own logout otherwise. Served at the
    admin's logout URL, ahead of the admin's own view."""
    id_token = request.session.get("oidc_id_token", "")
    if request.method != "POST" or not (oidc.configured() and id_token):
        return admin.site.admin_view(admin.site.logout)(request)
    auth.logout(request)
    after = reverse("admin:login")
    return HttpResponseRedirect(oidc.logout_url(request, id_token, after) or after)


def oidc_refused(request: HttpRequest) -> HttpResponse:
    """Where a refused sign-in lands: what happened, in words, and no admin."""
    reason = request.session.pop(oidc.REFUSAL, "")
    return render(
        request,
        "admin/oidc_refused.html",
        {"no_role": reason == oidc.NO_ROLE, "site_header": PortalAdminSite.site_header},
        status=403,
    )
