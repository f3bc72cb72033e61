"""Schemathesis over the OpenAPI schema: generated requests to every operation never cause a server error."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from assistant.api.app import create_app
from assistant.api.deps import hash_token
from assistant.api.jobs import JobRunner
from assistant.api.state import AppState, RateLimiter
from assistant.api.storage import Storage
from assistant.service import AssistantService
from assistant.settings import Settings
from ingest.pipeline import KnowledgeIndex, ingest
from tests.conftest import KB

pytestmark = pytest.mark.integration
TOKEN = "schema-staff-token"


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    data = tmp_path_factory.mktemp("schema-api")
    kb = data / "kb"  # staff operations (review status) write to the knowledge base: never the repository's
    shutil.copytree(KB, kb)
    cfg = Settings(data_dir=data, embedding_mode="fake", staff_token_hashes=[hash_token(TOKEN)],
                   knowledge_base_dir=kb)
    ingest(cfg, [kb / "publications" / "sv-2024-170-inburgering-brussel.txt", kb / "faq"], progress=False)
    cfg.uploads_dir.mkdir(parents=True, exist_ok=True)
    service = AssistantService(cfg)
    state = AppState(cfg, service, KnowledgeIndex.open(cfg, store=service.store),
                     Storage(f"sqlite:///{data}/api.sqlite"), JobRunner(), RateLimiter(0))
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(state=state))


def test_no_server_errors(api_schema):
    # schemathesis' own pytest plugin does not run under pytest 9, so each operation is driven here
    # through its Hypothesis strategy: the same generated cases, the same check.
    from hypothesis import given

    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        run()
    assert operations >= 15
    assert not failures, "\n".join(failures[:10])
