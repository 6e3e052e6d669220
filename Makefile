# The two commands a new user needs: `make run` (demo on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# The quickstart's settings; real deployments set these in the environment or .env.
DEMO_SECRET := Basic YWRtaW46c3VwZXJzZWNyZXQ=

.PHONY: run test lint lock install clean image-test docs docs-build

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: export DEBUG ?= true
run: export OKTA_HOOK_AUTH_VALUES ?= $(DEMO_SECRET)
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	@case "$${DATABASE_URL:-}" in \
	  postgres*|pgsql*) echo "Running the tests on PostgreSQL ($${DATABASE_URL%%\?*})";; \
	  "") echo "Running the tests on SQLite (set DATABASE_URL=postgres://... for PostgreSQL, as CI does)";; \
	  *) echo "Running the tests on $${DATABASE_URL%%:*}";; \
	esac
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true OKTA_HOOK_AUTH_VALUES=lint-only-secret-value $(BIN)/mypy

# The image built and the compose layout run in podman: the demo's calls, /readyz, a worker
# job (root, podman, runc, debootstrap; a few minutes the first time; not part of `make test`).
image-test: $(STAMP)
	deploy/image-test/run

# The manual (docs/, MkDocs): served with live reload, or built strictly into site/ (CI).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8002

docs-build: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# Re-pin every dependency (with hashes) from the direct ones in requirements*.in.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles site .pytest_cache .ruff_cache
