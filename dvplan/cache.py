"""The default shared cache: Django's cache in files, without compression.

Every gunicorn worker on the machine reads the same directory, so a page
computed by one is served by all, and an import's new data version is seen by
all at once, with no extra service to run. Django's own file cache compresses
every entry with zlib; a page is written once per import and read thousands
of times, and decompressing it took most of the time of serving it from the
cache, so entries here are stored as they are.

``add`` creates its file exclusively, so that of several processes adding the
same key (the lock of a page being computed) one wins; Django's own checks
for the file and then writes it, and two could both win.
"""

import contextlib
import os
import pickle
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class FileCache(FileBasedCache):
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        path = self._key_to_file(key, version)
        self._createdir()
        for _ in range(2):
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                if not self._expired_and_removed(path):
                    return False
                continue
            with os.fdopen(descriptor, "wb") as f:
                self._write_content(f, timeout, value)
            return True
        return False

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

    def _expired_and_removed(self, path: str) -> bool:
        try:
            with open(path, "rb") as f:
                expiry = pickle.load(f)
        except FileNotFoundError:
            return True
        except (EOFError, pickle.UnpicklingError):
            return False  # another process is writing it
        if expiry is not None and expiry < time.time():
            self._delete(path)
            return True
        return False

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
