# The controller. The agent runs from the official ACA-Py image beside it (docker-compose.yml).
FROM python:3.13-slim-bookworm

RUN useradd --create-home --uid 10001 sig
WORKDIR /app
COPY pyproject.toml README.md ./
COPY vc_service ./vc_service
COPY schemas ./schemas
COPY agent-config ./agent-config
RUN pip install --no-cache-dir -e . && mkdir -p /app/var && chown sig /app/var

USER sig
ENV VC_SERVICE_HOST=0.0.0.0 \
    VC_SERVICE_PORT=8000 \
    VC_SERVICE_DATA_DIR=/app/var
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"
CMD ["vc-service", "up"]
