# The portal's image: the hook's processes, the admin's and the worker's all run it (the
# command and the environment choose). Built from the hashed lock, run as a non-root user,
# static files collected at build time, nothing secret baked in.
#   docker build -t migration-portal .   (or podman build)

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN python -m venv /venv \
    && /venv/bin/pip install --require-hashes --no-deps -r requirements.txt
COPY manage.py gunicorn.conf.py ./
COPY migration_portal migration_portal
COPY legacy_users legacy_users
COPY hooks hooks
COPY okta_api okta_api
COPY templates templates
COPY demo demo
# Placeholders for collectstatic only: the settings refuse to start without them in
# production, and they are not kept in the image.
RUN SECRET_KEY=build-time-placeholder-not-used-at-run-time-0123456789 \
    OKTA_HOOK_AUTH_VALUES=build-time-placeholder-value \
    /venv/bin/python manage.py collectstatic --noinput --verbosity 0

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=migration_portal.settings
RUN useradd --system --uid 10001 --no-create-home --home-dir /app portal
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app /app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["gunicorn", "migration_portal.wsgi"]
