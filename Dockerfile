# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat (celery) and the one-shot migrate service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

# Non-root user; its uid is fixed so volume ownership stays stable across rebuilds.
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --shell /usr/sbin/nologin app

# Dependencies first: this layer is reused while requirements.txt is unchanged.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Translations and static files are built into the image. The production settings refuse to
# load without their secrets, so the build gets throw-away values that only live in this RUN
# step (they are not kept in the image's environment). No database is touched here.
RUN export SECRET_KEY=build-only-not-secret \
        ALLOWED_HOSTS=localhost \
        CRT_ENCRYPTION_KEYS=1:YnVpbGQtb25seS1ub3QtYS1yZWFsLWtleS0zMmJ5dGU= \
        CRT_BLIND_INDEX_KEY=YnVpbGQtb25seS1ub3QtYS1yZWFsLWJsaW5kLWlkeCE= \
        DATABASE_URL=sqlite:////tmp/build-hvt.sqlite3 \
        CRT_DATABASE_URL=sqlite:////tmp/build-crt.sqlite3 \
    && python manage.py compile_translations \
    && python manage.py collectstatic --noinput --ignore update.sh --ignore VERSIONS.md \
    && rm -f /tmp/build-*.sqlite3 \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# Workers: gunicorn reads WEB_CONCURRENCY (docker-compose.yml sets it).
ENV WEB_CONCURRENCY=2
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60", "--graceful-timeout", "30"]
