"""The shared cache from CACHE_URL: files under the data directory by default,
Redis when it names a Redis server; and the file cache's own format."""

import json
import os
import subprocess
import sys

from dvplan.cache import FileCache
from tests.conftest import ROOT

PRINT_CACHES = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps(settings.CACHES['default'], default=str))"
)


def caches_with(tmp_path, **environment: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="dvplan.settings",
        DVPLAN_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://unused@localhost/unused",
        DJANGO_SECRET_KEY="tests-only-not-a-secret",
        **environment,
    )
    result = subprocess.run(
        [sys.executable, "-c", PRINT_CACHES], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_default_cache_is_a_directory_of_files_that_every_worker_shares(tmp_path):
    assert caches_with(tmp_path) == {
        "BACKEND": "dvplan.cache.FileCache",
        "LOCATION": str(tmp_path / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }


def test_a_redis_cache_url_uses_djangos_redis_cache(tmp_path):
    assert caches_with(tmp_path, CACHE_URL="redis://127.0.0.1:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }


def test_the_file_cache_stores_entries_uncompressed_and_reads_them_back(tmp_path):
    cache = FileCache(str(tmp_path), {})
    page = b"<p>" + "実施状況".encode() * 1000 + b"</p>"
    cache.set("page", page, timeout=60)
    assert cache.get("page") == page
    [path] = tmp_path.iterdir()
    assert page in path.read_bytes()
    assert cache.touch("page", timeout=120) is True
    assert cache.get("page") == page
    assert cache.add("page", b"other") is False
    path.write_bytes(path.read_bytes()[:40])  # cut short: computed again, not an error
    assert cache.get("page", default="missing") == "missing"


def test_of_two_adds_of_one_key_only_the_first_wins_until_it_expires(tmp_path):
    first, second = FileCache(str(tmp_path), {}), FileCache(str(tmp_path), {})
    assert first.add("computing", 1, timeout=60) is True
    assert second.add("computing", 2, timeout=60) is False
    assert second.get("computing") == 1
    first.set("computing", 1, timeout=-1)  # expired
    assert second.add("computing", 2, timeout=60) is True
    assert first.get("computing") == 2
    [path] = tmp_path.iterdir()
    path.write_bytes(b"")  # another process has just created it
    assert first.add("computing", 3, timeout=60) is False
