"""gunicorn's settings, one file for `make serve`, `make serve-proxied` and the image.

Read from the environment (docs/deploying.md):

- ``GUNICORN_BIND``: where to listen, ``host:port`` or ``unix:PATH``
  (default ``127.0.0.1:8000``: never every interface unless asked);
- ``WEB_CONCURRENCY``: sync workers, by default two per core plus one;
- ``GUNICORN_TIMEOUT``: seconds a worker may spend on one request (default 30);
- ``GUNICORN_ACCESS_LOG``: ``1`` to log each request here (``make serve``), ``0``
  where nginx keeps the access log.

Sync workers are right behind nginx, which hands over whole requests and takes
whole responses at once: a worker is busy only while Django works.
"""

import os

bind = [os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"]
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = timeout
# Load Django once, in the master; the workers are forked from it.
preload_app = True
# A worker is replaced after this many requests, so no slow leak grows for ever.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file in memory: a container's overlay disk can stall it.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
control_socket_disable = True

# Django alone decides whether a request came over HTTPS
# (DJANGO_SECURE_PROXY_SSL_HEADER); gunicorn would otherwise trust any
# X-Forwarded-Proto arriving over a unix socket.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""

# Private access log: method, path without its query string, status, bytes,
# milliseconds. No address, query string, referrer or user agent.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") == "1" else None
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(B)s %(M)sms"
errorlog = "-"
loglevel = "info"
# gunicorn's own messages name a request it cannot parse by its whole request
# line: this logger drops query strings and addresses from them.
logger_class = "dvplan.logs.PrivateGunicornLogger"
