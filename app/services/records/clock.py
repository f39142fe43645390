"""The server's clock: now, timezone-aware, in UTC (the one source for routes and commands)."""

from __future__ import annotations

from app.models.base import utcnow

__all__ = ["utcnow"]
