# The production images (docs/deploying.md), both on one pinned base image:
#   app    gunicorn serving the site (the default target), as PID 1
#   proxy  nginx with deploy/nginx.conf, in front of it
# Neither migrates nor loads data when it starts: compose's one-off `manage` job does.
ARG BASE_IMAGE=python:3.11.14-slim-bookworm

# A virtualenv with the runtime pins only (requirements.lock: no test or
# development tools), and the static files collected with hashed names.
FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --no-deps -r /tmp/requirements.lock
WORKDIR /app
COPY . .
# collectstatic reads no database; the settings only need to be complete.
RUN DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused@localhost/unused \
    /opt/venv/bin/python manage.py collectstatic --noinput --verbosity 0

FROM ${BASE_IMAGE} AS proxy
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*
COPY deploy/nginx.conf deploy/proxy.py /opt/dvplan/deploy/
EXPOSE 8080 8443
# nginx's graceful stop: requests under way are finished.
STOPSIGNAL SIGQUIT
CMD ["python", "/opt/dvplan/deploy/proxy.py", "nginx"]

FROM ${BASE_IMAGE} AS app
# gunicorn's socket lives in /run/gunicorn, a volume shared with the proxy;
# /var/lib/dvplan holds the page cache and the downloads (shared with manage).
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app \
    && install -d -o app -g app -m 0755 /run/gunicorn \
    && install -d -o app -g app -m 0755 /var/lib/dvplan
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    GUNICORN_BIND=unix:/run/gunicorn/gunicorn.sock \
    GUNICORN_ACCESS_LOG=0
WORKDIR /app
USER app
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "dvplan.wsgi"]
