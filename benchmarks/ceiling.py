"""The ceiling for `make bench-serve`: a WSGI app that does nothing but answer
``/bytes/<n>`` with ``n`` bytes, run under the site's own gunicorn settings.
Whatever it serves per second, no Django page of that size can beat."""

from collections.abc import Callable, Iterable

_BODIES: dict[int, bytes] = {}


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    size = int(environ["PATH_INFO"].rsplit("/", 1)[-1] or 0)
    body = _BODIES.get(size)
    if body is None:
        body = _BODIES[size] = b"x" * size
    start_response(
        "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(size))]
    )
    return [body]
