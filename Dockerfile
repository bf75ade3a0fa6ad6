# sinch-mock: a stateful mock of Sinch's Imported Numbers and Hosting Orders API.
#   docker build -t sinch-mock .
#   docker run --rm -p 8080:8080 -e SINCH_MOCK_SCENARIO=10dlc-happy-path sinch-mock
# Configuration: the contract's environment variables (docs/docker.md): SINCH_MOCK_PORT,
# SINCH_MOCK_ACCESS_KEYS, SINCH_MOCK_SCENARIO, SINCH_MOCK_SEED, SINCH_MOCK_CALLBACK_ORDER.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The package, with the shipped scenarios inside it (pyproject's force-include).
WORKDIR /build
COPY pyproject.toml README.md ./
COPY mock_server ./mock_server
COPY scenarios ./scenarios
RUN pip install . \
    && rm -rf /build \
    && useradd --system --uid 10001 --create-home --home-dir /home/sinch sinch \
    && mkdir /scenarios && chown sinch /scenarios

# Mount your own scenario files on /scenarios and name them in SINCH_MOCK_SCENARIO.
WORKDIR /home/sinch
USER sinch

ENV SINCH_MOCK_HOST=0.0.0.0 \
    SINCH_MOCK_PORT=8080
EXPOSE 8080

HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-m", "mock_server.healthcheck"]

CMD ["sinch-mock", "serve", "--host", "0.0.0.0"]
