"""Top-level URLs: the Okta-facing hooks, the operators' admin and a health check.

Which of the first two a process serves is configuration (HOOKS_ENABLED, ADMIN_ENABLED,
ADMIN_URL): the same code runs the hook's processes and the admin's.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from hooks import urls as hooks_urls
from migration_portal import oidc
from migration_portal.admin_site import oidc_refused, portal_logout
from migration_portal.health import healthz, metrics, readyz

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
]
if settings.HOOKS_ENABLED:
    urlpatterns.append(path(hooks_urls.MOUNT, include("hooks.urls")))
if settings.ADMIN_ENABLED:
    if oidc.configured():
        urlpatterns += [
            path(f"{settings.ADMIN_URL}oidc/refused/", oidc_refused, name="oidc_refused"),
            path(f"{settings.ADMIN_URL}oidc/", include("mozilla_django_oidc.urls")),
        ]
    urlpatterns += [
        # Ahead of the admin's own: signs out of the identity provider too.
        path(f"{settings.ADMIN_URL}logout/", portal_logout, name="portal_logout"),
        path(settings.ADMIN_URL, admin.site.urls),
        # The front door leads to the operators' home.
        path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
    ]
