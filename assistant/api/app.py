"""``create_app(settings)``: the FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from assistant.api import errors
from assistant.api.redaction import RedactingFilter
from assistant.api.routes import (
    ask,
    catalog,
    documents,
    feedback,
    health,
    interface,
    library,
    reports,
    review,
    search,
)
from assistant.api.state import AppState
from assistant.settings import Settings


def create_app(settings: Settings | None = None, state: AppState | None = None) -> FastAPI:
    """Build the API for ``settings`` (or around a prepared ``state``, for tests)."""
    settings = settings or (state.settings if state else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "wegwijs", None) is None:
            app.state.wegwijs = AppState.build(settings)
        yield

    app = FastAPI(title="Wegwijs API", version="0.1.0", lifespan=lifespan,
                  description="Multilingual assistant for newcomers in Flanders and Brussels.")
    app.state.wegwijs = state
    errors.install(app)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    logging.getLogger("uvicorn.access").addFilter(RedactingFilter())

    limit = settings.max_request_kb * 1024
    upload_limit = int(settings.max_file_mb * 1e6) + 64 * 1024

    @app.middleware("http")
    async def body_limit(request: Request, call_next):
        """Refuse oversized bodies before reading them."""
        size = request.headers.get("content-length")
        allowed = upload_limit if request.url.path.startswith("/v1/documents") else limit
        if size and size.isdigit() and int(size) > allowed:
            return errors.problem(413, "Request too large", f"The request body is over {allowed // 1024} kB.")
        return await call_next(request)

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["*"], expose_headers=["X-Answer-Id"])
    for router in (health.router, ask.router, search.router, catalog.router, feedback.public, feedback.staff,
                   documents.router, interface.router, library.router, review.router, reports.router):
        app.include_router(router)
    return app
