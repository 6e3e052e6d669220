"""Top-level URLs: the Okta-facing hooks, the operators' admin and a health check."""

from django.contrib import admin
from django.urls import include, path

from migration_portal.health import healthz

admin.site.site_header = "Migration portal"
admin.site.site_title = "Migration portal"
admin.site.index_title = "Legacy users moving to Okta"

urlpatterns = [
    path("hooks/", include("hooks.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
