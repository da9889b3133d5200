"""The README and docs/ show only commands that exist.

Every line of a ``sh`` code block, and every ``make …`` written inline, is
checked: a make target must be in the Makefile, a management command must be
installed and take every option the line shows, and a pytest line may name
only markers and paths the project has. A ``docker compose`` line may name only
services of compose.yaml, and a management command run in the ``manage`` job is
checked as above; a ``psql … -f FILE`` line must name a file of the repository.
"""

import itertools
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)
INLINE_MAKE = re.compile(r"`(?:[A-Z_]+=\S+ )*make ([a-z][\w-]*)[^`]*`")
MAKE_TARGET = re.compile(r"^([a-zA-Z][\w.-]*)\s*:(?!=)", re.MULTILINE)


def makefile_targets() -> set[str]:
    return set(MAKE_TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))


def shown_commands(document: Path) -> list[str]:
    """The command lines of a document's ``sh`` blocks, comments dropped."""
    lines = []
    for block in SH_BLOCK.findall(document.read_text(encoding="utf-8")):
        for line in block.splitlines():
            command = line.split(" #", 1)[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def problems_with(command: str) -> list[str]:
    """What is wrong with one documented command line; empty when it exists."""
    words = shlex.split(command)
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):  # VAR=value prefixes
        words.pop(0)
    if not words:
        return [f"no command in {command!r}"]
    if words[0] == "make":
        targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        return [f"no make target {t!r}" for t in targets if t not in makefile_targets()]
    if words[0] in {".venv/bin/python", "python", "python3"} and words[1:2] == ["manage.py"]:
        return _management_command_problems(words[2:])
    if words[0] == ".venv/bin/python" and words[1:3] == ["-m", "pytest"]:
        return _pytest_problems(words[3:])
    if words[:2] == ["docker", "compose"]:
        return _compose_problems(words[2:])
    if words[0] == "psql":
        files = [after for before, after in itertools.pairwise(words) if before == "-f"]
        return (
            [f"no file {f!r}" for f in files if not (ROOT / f).is_file()]
            if files
            else ["psql without -f FILE"]
        )
    return [f"the docs show a command the tests do not know: {command!r}"]


# `docker compose` subcommands the docs may use, and the `run` options that take a value.
COMPOSE_SUBCOMMANDS = {"up", "run", "build", "logs", "stop", "down", "ps", "pull"}
COMPOSE_RUN_VALUE_OPTIONS = {"-v", "--volume", "-e", "--env", "-w", "--workdir"}


def _compose_problems(words: list[str]) -> list[str]:
    services = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]
    if not words or words[0] not in COMPOSE_SUBCOMMANDS:
        return [f"no docker compose subcommand {words[:1]}"]
    if words[0] != "run":
        named = [w for w in words[1:] if not w.startswith("-")]
        return [f"no compose service {name!r}" for name in named if name not in services]
    rest = words[1:]
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in COMPOSE_RUN_VALUE_OPTIONS else rest[1:]
    if not rest or rest[0] not in services:
        return [f"no compose service {rest[:1]}"]
    if services[rest[0]].get("entrypoint") == ["python", "manage.py"] and rest[1:]:
        return _management_command_problems(rest[1:])
    return []


def _management_command_problems(words: list[str]) -> list[str]:
    if not words or words[0] not in get_commands():
        return [f"no management command {words[:1]}"]
    name = words[0]
    parser = load_command_class(get_commands()[name], name).create_parser("manage.py", name)
    known = {option for action in parser._actions for option in action.option_strings}
    return [
        f"manage.py {name} has no option {word}"
        for word in (w.strip("[]").split("=", 1)[0] for w in words[1:])
        if word.startswith("-") and word not in known
    ]


# pytest options whose value is the next word (not a path): workers, -k's expression, a plugin.
PYTEST_VALUE_OPTIONS = {"-n", "--numprocesses", "-k", "-p", "--dist", "--durations"}


def _pytest_problems(words: list[str]) -> list[str]:
    found = []
    markers = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for before, word in zip(["", *words], words, strict=False):
        if before in PYTEST_VALUE_OPTIONS:
            continue
        if before == "-m":
            found += [
                f"no pytest marker {m!r}"
                for m in re.findall(r"\w+", word)
                if m not in {"not", "and", "or"} and f'"{m}:' not in markers
            ]
        elif not word.startswith("-") and not (ROOT / word.split("::")[0]).exists():
            found.append(f"no test path {word!r}")
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_documented_command_exists(document):
    commands = shown_commands(document)
    inline = [f"make {target}" for target in INLINE_MAKE.findall(document.read_text("utf-8"))]
    problems = [p for command in [*commands, *inline] for p in problems_with(command)]
    assert problems == []


def test_the_readme_shows_the_two_commands_and_ci_runs_the_test_one():
    commands = shown_commands(ROOT / "README.md")
    assert commands[:2] == ["make run", "make test"]
    assert "\nmake test\n" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_checker_finds_what_does_not_exist():
    assert problems_with("make no-such-target") == ["no make target 'no-such-target'"]
    assert problems_with(".venv/bin/python manage.py import_status F --no-such-flag") == [
        "manage.py import_status has no option --no-such-flag"
    ]
    assert problems_with(".venv/bin/python manage.py no_such_command") == [
        "no management command ['no_such_command']"
    ]
    assert problems_with("curl http://localhost") == [
        "the docs show a command the tests do not know: 'curl http://localhost'"
    ]
    assert problems_with("docker compose up -d no-such-service") == [
        "no compose service 'no-such-service'"
    ]
    assert problems_with("docker compose run --rm manage migrate --no-such-flag") == [
        "manage.py migrate has no option --no-such-flag"
    ]
    assert problems_with("psql -f deploy/no-such.sql") == ["no file 'deploy/no-such.sql'"]
    assert problems_with(".venv/bin/python -m pytest -n 0 tests/no_such.py -k x") == [
        "no test path 'tests/no_such.py'"
    ]


def test_the_readme_fits_on_two_screens():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) < 200
