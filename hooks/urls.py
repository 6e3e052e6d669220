from django.urls import path, reverse

from hooks import views

app_name = "hooks"

#: Where the hooks are served from (migration_portal/urls.py mounts this URLconf there).
MOUNT = "hooks/"

urlpatterns = [
    path("password-import", views.password_import, name="password-import"),
    path("okta-events", views.okta_events, name="okta-events"),
]


def hook_path(name: str) -> str:
    """The path Okta calls for the hook `name` ("password-import", "okta-events"), known
    also to a process that does not serve the hooks itself (the admin's registers them)."""
    return "/" + MOUNT + reverse(name, urlconf=__name__).lstrip("/")
