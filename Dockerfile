# Wegwijs: index the bundled knowledge base at build time, serve from the embedded store.
FROM python:3.11-slim
WORKDIR /app
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 ANONYMIZED_TELEMETRY=False HF_HUB_OFFLINE=1 \
    WEGWIJS_DATA_DIR=/data
COPY requirements.lock pyproject.toml README.md ./
# CPU-only torch first, so nothing in the lock pulls the CUDA build.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir -r requirements.lock
COPY assistant ./assistant
COPY ingest ./ingest
COPY portal ./portal
COPY knowledge_base ./knowledge_base
RUN pip install --no-cache-dir --no-deps -e . && wegwijs ingest -q
VOLUME /data
# Listen beyond the container's loopback: the API on 8080, the portal on 8501.
ENV WEGWIJS_API_HOST=0.0.0.0 WEGWIJS_PORTAL_HOST=0.0.0.0 WEGWIJS_PORTAL_API_URL=http://127.0.0.1:8080
EXPOSE 8080 8501
CMD ["wegwijs", "up", "--skip-ingest"]
