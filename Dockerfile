# DutyBot: one `dutybot run` per container; several share one PostgreSQL (docs/deploy.md).
FROM python:3.11-slim

# pg_dump for `dutybot db backup` on PostgreSQL (match the server's major version).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/dutybot
COPY . .
RUN pip install --no-cache-dir . \
 && mkdir -p /etc/dutybot \
 && python deploy/make_config.py config.yaml > /etc/dutybot/config.yaml \
 && useradd --system --home-dir /var/lib/dutybot --create-home dutybot \
 && chmod 700 /var/lib/dutybot

USER dutybot
ENV DUTYBOT_CONFIG=/etc/dutybot/config.yaml \
    PYTHONUNBUFFERED=1
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"
CMD ["dutybot", "run"]
