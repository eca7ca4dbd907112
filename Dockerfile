# Presales Hub: one image for the web server (gunicorn, the default command) and the worker (manage.py run_huey).
# Built only from package registries: the Python base image, Debian's packages and PyPI (requirements.lock).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PRESALES_VAR_DIR=/app/var

# WeasyPrint (in requirements.lock) needs Pango; a CJK font so Chinese text renders in generated documents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
# Settings refuse to load without a secret key; this one exists only while the image is built.
RUN export DJANGO_SECRET_KEY=image-build-only-not-a-secret \
    && python manage.py compile_translations \
    && python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app presales \
    && mkdir -p /app/var/media \
    && chown -R presales /app/var

USER presales
EXPOSE 8000
# /health/ answers 200 when the database is up and a worker was seen in the last two minutes (503 otherwise).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=4)"]
CMD ["gunicorn", "--config", "config/gunicorn.conf.py"]
