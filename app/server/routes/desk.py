"""The desk's offline-cache key: ``GET /api/v1/desk/cache-key?desk=<id>``.

The console encrypts its local cache (SQLCipher, see
:mod:`app.services.sync.cache_crypto`) with a 256-bit key it never writes down: it
asks for it here after each login.  The key is derived from the server's
secret and the desk id (HMAC-SHA256), so it is the same for every login on the
desk and for every server process sharing the secret, and nothing is stored.
Any authenticated role may ask (whoever logs in at a desk must open its cache);
each request is written to the audit trail, the key itself never to any log,
and the answer is marked ``Cache-Control: no-store``.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from app.server.deps import Principal, ServerState, get_state, record_access, require
from app.server.errors import ERROR_RESPONSES
from app.services.sync import cache_crypto
from app.services.security import permissions

router = APIRouter(prefix="/api/v1/desk", tags=["poste"])

_secret_lock = threading.Lock()


class CacheKeyOut(BaseModel):
    desk: str
    key: str = Field(description="256 bits, hexadécimal ; clé brute SQLCipher du cache local du poste")
    algorithm: str = "sqlcipher4-raw-256"


def _secret(request: Request) -> bytes:
    """The server's cache-key secret, read (or created) once per app."""
    with _secret_lock:
        secret = getattr(request.app.state, "cache_key_secret", None)
        if secret is None:
            secret = request.app.state.cache_key_secret = cache_crypto.load_server_secret()
        return secret


@router.get("/cache-key", response_model=CacheKeyOut, summary="Clé de chiffrement du cache local du poste",
            responses={401: ERROR_RESPONSES[401], 403: ERROR_RESPONSES[403], 422: ERROR_RESPONSES[422]})
def cache_key(
    request: Request,
    response: Response,
    desk: Annotated[str, Query(pattern=cache_crypto.DESK_ID_PATTERN,
                               description="Identifiant du poste (32 caractères hexadécimaux)")],
    principal: Principal = Depends(require(permissions.DESK_CACHE_KEY)),
    state: ServerState = Depends(get_state),
) -> CacheKeyOut:
    """The desk's cache key; the same at every call for the same desk."""
    key = cache_crypto.derive_key(_secret(request), desk)
    record_access(state, principal, permissions.DESK_CACHE_KEY, desk, "key sent")
    response.headers["Cache-Control"] = "no-store"
    return CacheKeyOut(desk=desk, key=key.hex())
