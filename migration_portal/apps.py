from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin, with the portal's admin site (its dashboard) as the default."""

    default_site = "migration_portal.admin_site.PortalAdminSite"
