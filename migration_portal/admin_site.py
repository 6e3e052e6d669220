"""The admin site: Django's, with the migration dashboard as its index page."""

from django.contrib import admin

from legacy_users.services.dashboard import dashboard


class PortalAdminSite(admin.AdminSite):
    """`/admin/` opens on the dashboard (above the list of models)."""

    site_header = "Migration portal"
    site_title = "Migration portal"
    index_title = "Migration dashboard"
    # The admin is the whole site for people: no "View site" link to a page not there.
    site_url = None
    index_template = "admin/portal_index.html"
    # The lists need the width (1366 px laptops): the breadcrumbs and the dashboard's links
    # lead everywhere the model sidebar did.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        context = {**(extra_context or {}), "dashboard": dashboard()}
        return super().index(request, extra_context=context)
