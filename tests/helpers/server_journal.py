"""The whole shared journal of a running server, read over HTTP: the oracle of the end-to-end tests.

It reads ``GET /api/v1/journal`` page by page as a supervisor, so a test checks what the server
recorded without going through the desk code it tests.
"""

from __future__ import annotations

import httpx


def read_journal(url: str, username: str = "superviseur", password: str = "superviseur-demo") -> list[dict]:
    """Every journal entry of the server at ``url``, oldest first."""
    token = httpx.post(f"{url}/api/v1/auth/login",
                       json={"username": username, "password": password}).json()["access_token"]
    entries, after = [], 0
    while True:
        body = httpx.get(f"{url}/api/v1/journal", params={"after": after, "limit": 500},
                         headers={"Authorization": f"Bearer {token}"}).json()
        if not body["entries"]:
            return entries
        entries += body["entries"]
        after = body["next_after"]
