"""WSGI entry point (`gunicorn migration_portal.wsgi`; gunicorn.conf.py sets the rest)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_portal.settings")

application = get_wsgi_application()
