"""Logging pieces named by ``settings.LOGGING``."""

import logging
import re

from gunicorn import glogging


class WithoutTraceback(logging.Filter):
    """Keeps a record to its one line: the message, without the exception's traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


class WithoutQueryOrAddress(logging.Filter):
    """Keeps a reader's query string and address out of a record's message.

    gunicorn names a request it cannot parse by its whole request line, and the
    client by its address; the query string may hold the words someone searched for.
    """

    QUERY = re.compile(r"\?[^\s'\"]*")
    ADDRESS = re.compile(r"\bip=.*?(?=: |$)")

    def filter(self, record: logging.LogRecord) -> bool:
        message = self.ADDRESS.sub("ip=-", self.QUERY.sub("?-", record.getMessage()))
        record.msg, record.args = message, ()
        return True


class PrivateGunicornLogger(glogging.Logger):
    """gunicorn's logger with ``WithoutQueryOrAddress`` on its error log
    (deploy/gunicorn.conf.py); its access log is formatted without either."""

    def setup(self, cfg: object) -> None:
        super().setup(cfg)
        if not any(isinstance(f, WithoutQueryOrAddress) for f in self.error_log.filters):
            self.error_log.addFilter(WithoutQueryOrAddress())
