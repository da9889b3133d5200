# Production image. It runs the README's own steps (make install, make prepare,
# make serve), so the two cannot drift apart. Give it DATABASE_URL and
# DJANGO_SECRET_KEY at run time.
FROM python:3.11-slim

RUN apt-get update && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 app
WORKDIR /app
COPY --chown=app:app . .
USER app
RUN make install PYTHON=python3
ENV PORT=8000
EXPOSE 8000
CMD ["sh", "-c", "make prepare && make serve BIND_HOST=0.0.0.0"]
