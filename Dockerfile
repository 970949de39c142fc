# One image for the whole stack: docker-compose.yml runs it as web (gunicorn), worker (celery
# worker) and beat (celery beat), choosing only the command.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The locked dependencies alone first (`make lock` writes them), so a change to the code does
# not reinstall them.
COPY requirements/main.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt

COPY . .
# Editable, so the app's templates and static files are used from /app where they are.
RUN pip install --no-deps -e . \
    && DJANGO_ENV=production SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app app \
    && mkdir -p /app/media \
    && chown -R app:app /app/media

USER app
EXPOSE 8000
CMD ["gunicorn", "readinggroup.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
