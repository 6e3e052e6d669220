"""The deployment files: the image's Dockerfile passes hadolint, every Kubernetes manifest
(base and production overlay) validates against Kubernetes' own schemas, and the compose
layout runs the services the README names."""

import copy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "deploy" / "kubernetes" / "base"
OVERLAY = ROOT / "deploy" / "kubernetes" / "overlays" / "production"
KUBERNETES = "1.31.0"


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is not installed (requirements-dev.txt)")
    return found


@pytest.mark.parametrize(
    "dockerfile",
    [
        "Dockerfile",
        "deploy/image-test/postgres.Containerfile",
    ],
)
def test_the_dockerfiles_pass_hadolint(dockerfile):
    result = subprocess.run(
        [_tool("hadolint"), str(ROOT / dockerfile)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout


def test_the_image_copies_every_part_the_portal_runs_from():
    dockerfile = (ROOT / "Dockerfile").read_text()

    for part in ("migration_portal", "legacy_users", "hooks", "okta_api", "templates"):
        assert f"COPY {part} {part}" in dockerfile
    assert "--require-hashes" in dockerfile and "USER 10001" in dockerfile
    assert 'CMD ["gunicorn", "migration_portal.wsgi"]' in dockerfile


def _validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_tool("kubernetes-validate"), "-k", KUBERNETES, "--strict", str(path)],
        capture_output=True,
        text=True,
    )


def _resources() -> list[Path]:
    listed = yaml.safe_load((BASE / "kustomization.yaml").read_text())["resources"]
    return [BASE / name for name in listed]


@pytest.mark.parametrize("manifest", _resources(), ids=lambda p: p.name)
def test_every_base_manifest_validates_against_kubernetes(manifest):
    result = _validate(manifest)

    assert result.returncode == 0, result.stdout + result.stderr


def _merged(base: dict, patch: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def test_the_production_overlay_patches_validate_once_applied(tmp_path):
    overlay = yaml.safe_load((OVERLAY / "kustomization.yaml").read_text())
    assert overlay["resources"] == ["../../base"]
    for patch in overlay["patches"]:
        patched = yaml.safe_load((OVERLAY / patch["path"]).read_text())
        original = yaml.safe_load((BASE / patch["path"]).read_text())
        applied = tmp_path / patch["path"]
        applied.write_text(yaml.safe_dump(_merged(original, patched)))

        result = _validate(applied)

        assert result.returncode == 0, result.stdout + result.stderr


def test_the_hook_is_probed_scaled_and_protected():
    hook = yaml.safe_load((BASE / "hook-deployment.yaml").read_text())
    container = hook["spec"]["template"]["spec"]["containers"][0]
    hpa = yaml.safe_load((BASE / "hook-hpa.yaml").read_text())
    pdb = yaml.safe_load((BASE / "hook-pdb.yaml").read_text())

    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["resources"]["requests"]["cpu"]
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert pdb["spec"]["minAvailable"] >= 1
    secret_refs = [ref["secretRef"]["name"] for ref in container["envFrom"] if "secretRef" in ref]
    assert secret_refs == ["migration-portal"]


def test_the_compose_layout_runs_migrations_first_and_every_service():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]

    assert set(services) == {"postgres", "migrate", "hook", "admin", "worker"}
    for name in ("hook", "admin", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["worker"]["command"] == ["python", "manage.py", "procrastinate", "worker"]
    assert services["admin"]["environment"]["HOOKS_ENABLED"] == "false"
