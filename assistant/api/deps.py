"""Dependencies: the app state, staff authentication and per-client rate limiting."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.errors import ProblemError
from assistant.api.state import AppState

_bearer = HTTPBearer(auto_error=False)


def get_state(request: Request) -> AppState:
    """The process-wide state."""
    return request.app.state.wegwijs


State = Annotated[AppState, Depends(get_state)]


def hash_token(token: str) -> str:
    """The digest stored in configuration for a staff token."""
    return hashlib.sha256(token.encode()).hexdigest()


def require_staff(state: State,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """Allow only requests with a configured staff bearer token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(401, "Authentication required", "Send a staff token as 'Authorization: Bearer <token>'.",
                           {"WWW-Authenticate": "Bearer"})
    digest = hash_token(credentials.credentials)
    if not any(hmac.compare_digest(digest, known) for known in state.settings.staff_token_hashes):
        raise ProblemError(403, "Forbidden", "This token is not a staff token.")


def rate_limited(request: Request, state: State) -> None:
    """Public endpoints: at most ``rate_limit_per_minute`` requests per client per minute."""
    key = request.headers.get("x-forwarded-for", "").split(",")[0].strip() or (
        request.client.host if request.client else "unknown")
    wait = state.limiter.check(key)
    if wait is not None:
        raise ProblemError(429, "Too many requests", f"Please wait {int(wait) + 1} seconds and try again.",
                           {"Retry-After": str(int(wait) + 1)})


Staff = Depends(require_staff)
Limited = Depends(rate_limited)
