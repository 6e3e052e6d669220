from django.apps import AppConfig


class HooksConfig(AppConfig):
    name = "hooks"
    verbose_name = "Okta hooks"

    def ready(self) -> None:
        from hooks import checks  # noqa: F401 - registers the system checks
