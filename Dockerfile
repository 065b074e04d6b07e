# One image for every CityOps service; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

# psycopg2 builds against libpq; the build tools leave once it is built. pg_dump/pg_restore
# for `cityops backup|restore`; Chromium and CJK fonts print the daily summary's PDF.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libpq-dev gcc postgresql-client-15 \
    chromium fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
 && apt-get purge -y gcc libpq-dev && apt-get autoremove -y

COPY . .
RUN useradd --system --home /app cityops && mkdir -p /app/.state && chown cityops /app/.state
USER cityops
ENTRYPOINT ["python", "-m", "cityops"]
