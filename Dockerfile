# Trackeep application image. The default command serves HTTP with gunicorn sync workers (WSGI);
# docker-compose.yml runs the same image as Daphne (WebSockets, ASGI), as the job worker and scheduler,
# and as the one-shot migrate.
# 3.11.14 or later: earlier 3.11 releases have the quadratic HTMLParser of CVE-2025-6069.
FROM python:3.11.14-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home trackeep
WORKDIR /app

# Dependencies first, in a layer that survives code edits: with only the project metadata present,
# `pip install .` installs the declared dependencies and no Trackeep code. The code runs from /app
# (manage.py, gunicorn and daphne all put the working directory first on sys.path).
COPY pyproject.toml README.md ./
RUN pip install . && rm -rf build *.egg-info

COPY . .
# Static files are collected into the image, so every replica serves the same hashed manifest.
# Production settings refuse to load without SECRET_KEY: this throwaway one exists for this command
# only and is not kept in the image's environment.
RUN SECRET_KEY=build-only-collectstatic-key TRACKEEP_MODE=production \
        python manage.py collectstatic --noinput \
    && mkdir -p var/media \
    && chown -R trackeep:trackeep var

USER trackeep
EXPOSE 8000 8001
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "docker/healthcheck.py", "8000"]
# Workers: WEB_CONCURRENCY (gunicorn reads it; docker-compose.yml defaults it to 3). nginx buffers
# request bodies, so slow clients do not hold a sync worker; the timeout matches nginx's 60 s.
# --preload imports Django once in the master, so a (re)started worker is a fork, not a cold import.
# Recycling is a leak guard only: rare, and jittered by half its period so workers never restart
# together (the bench runs exactly these flags, bench.stack.shipped_gunicorn_flags).
# Hooks (system-event listener per worker, metrics of exited workers): ./gunicorn.conf.py, which
# gunicorn reads from its working directory, /app.
CMD ["gunicorn", "trackeep.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-class", "sync", \
     "--timeout", "60", \
     "--worker-tmp-dir", "/dev/shm", \
     "--preload", \
     "--max-requests", "10000", "--max-requests-jitter", "5000", \
     "--access-logfile", "-"]
