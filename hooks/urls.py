from django.urls import path

from hooks import views

app_name = "hooks"

urlpatterns = [
    path("password-import", views.password_import, name="password-import"),
    path("okta-events", views.okta_events, name="okta-events"),
]
