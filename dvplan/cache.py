"""The default shared cache: Django's cache in files, without compression.

Every gunicorn worker on the machine reads the same directory, so a page
computed by one is served by all, and an import's new data version is seen by
all at once, with no extra service to run. Django's own file cache compresses
every entry with zlib; a page is written once per import and read thousands
of times, and decompressing it took most of the time of serving it from the
cache, so entries here are stored as they are.
"""

import contextlib
import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class FileCache(FileBasedCache):
    def get(self, key, default=None, version=None):
        with (
            contextlib.suppress(FileNotFoundError),
            open(self._key_to_file(key, version), "rb") as f,
        ):
            if not self._is_expired(f):
                try:
                    return pickle.loads(f.read())
                except (pickle.UnpicklingError, EOFError, ValueError):
                    return default  # a file of another format: computed again
        return default

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    previous_value = pickle.loads(f.read())
                    f.seek(0)
                    self._write_content(f, timeout, previous_value)
                    return True
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            return False
