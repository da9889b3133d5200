"""The data version: what every cached page, download and ETag is keyed by.

The database is the source of truth: a trigger on every public table changes
``DataVersion`` in the same transaction as the write (migration 0009). Reading
it costs a query, so the number is kept in the shared cache (the one every
worker reads: a directory of files by default, Redis with ``CACHE_URL``), and
a request that finds it there and its page beside it runs no SQL at all.

Every writer publishes the new number to the cache when its transaction
commits (``data_version_publish_on_commit``), so the very next request on any
worker sees the new data. A write that does not publish (a statement typed by
hand) is still seen within ``DATA_VERSION_RECHECK_SECONDS``, the lifetime of
the cached number.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from reports.models import DataVersion

CACHE_KEY = "dvplan:data-version"


@dataclass(frozen=True)
class Version:
    number: int
    """0 before the first write (no row yet)."""
    changed_at: datetime | None


def data_version_read() -> Version:
    """The version as the database has it now (one query)."""
    row = DataVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return Version(*row) if row else Version(0, None)


def data_version_get() -> Version:
    """The current version: from the shared cache, else from the database.

    ``add``, not ``set``: a writer's ``set`` after its commit wins over a
    worker that read the older number just before that commit."""
    version = cache.get(CACHE_KEY)
    if version is None:
        version = data_version_read()
        cache.add(CACHE_KEY, version, timeout=settings.DATA_VERSION_RECHECK_SECONDS)
    return version


def data_version_publish() -> Version:
    """Read the version from the database and put it in the shared cache."""
    version = data_version_read()
    cache.set(CACHE_KEY, version, timeout=settings.DATA_VERSION_RECHECK_SECONDS)
    return version


def data_version_publish_on_commit() -> None:
    """Publish the new version once the current transaction commits (at once
    outside one). Every writer calls it; registering twice costs one more read.

    The cached number is also dropped at once, so that reads inside the
    writer's own transaction see its writes; a worker that puts the old number
    back meanwhile is overwritten at the commit."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(data_version_publish)
