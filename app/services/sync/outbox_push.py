"""The push half of a sync round: the local outbox sent to the server, in id order.

Items go up to ``batch_size`` per ``POST /sync/batch`` (the entities of
:data:`BATCH_ENTITIES`; other items by their own ``PUT``).  Per item: 200/201 →
deleted; 4xx → *rejected*, kept for the user and never retried (a
``version_conflict`` also reloads the server's version).  For the request: 401
→ stop, the user must log in again; no answer or 5xx → an attempt counted on
the first item and pushing stops for this round, so that an orientation never
overtakes its case.

:class:`OutboxPush` is a mixin of :class:`~app.services.sync.worker.SyncService`.
"""

from __future__ import annotations

import logging

from app.services.sync.api_client import ApiClient, ApiError, Offline, ServerError, Unauthorized, error_from
from app.services.sync.local_store import LocalStore, PendingItem
from app.services.sync.report import AUTH_NEEDED, VERSION_CONFLICT, SyncReport, conflict_message

log = logging.getLogger("app.services.sync.worker")

PUSH_BATCH = 200
#: Outbox entities the server's ``POST /sync/batch`` takes; others are sent by their own ``PUT``.
BATCH_ENTITIES = frozenset({"case", "orientation", "case_event"})


class OutboxPush:
    """Sends the outbox for :class:`~app.services.sync.worker.SyncService` (its store, client and batch size)."""

    store: LocalStore
    client: ApiClient
    batch_size: int
    _stopping: bool

    def _fail(self, report: SyncReport, exc: ApiError) -> None:
        if isinstance(exc, Offline):
            report.online = False
            report.error = exc.message
        elif isinstance(exc, Unauthorized):
            report.online = True
            report.auth_required = True
            report.error = AUTH_NEEDED
        else:
            report.online = True
            report.error = exc.message

    async def _push(self, report: SyncReport) -> None:
        after = 0
        while not self._stopping:
            pending = self.store.pending_outbox(limit=self.batch_size, after_id=after)
            if not pending:
                return
            after = pending[-1].id
            batchable = [i for i in pending if i.entity in BATCH_ENTITIES and i.method == "PUT"]
            # Items the batch does not carry go one by one; the batch stops before the first of them.
            if batchable and batchable[0] is pending[0]:
                run = pending[:next((n for n, i in enumerate(pending) if i not in batchable), len(pending))]
                after = run[-1].id
                if not await self._push_batch(run, report):
                    return
            elif not await self._push_one(pending[0], report):
                return
            else:
                after = pending[0].id

    async def _push_batch(self, items: list[PendingItem], report: SyncReport) -> bool:
        """Send ``items`` in one request; False when the round must stop (no answer, 5xx, 401)."""
        try:
            results = await self.client.push_batch([{"id": i.id, "entity": i.entity, "body": i.body} for i in items])
        except (Offline, ServerError) as exc:
            return self._not_sent(items[0], exc, report, f"outbox batch of {len(items)}")
        except ApiError as exc:  # 401, or the batch itself refused (422: a bug, not the user's data)
            self._fail(report, exc)
            return False
        report.online = True
        by_id = {i.id: i for i in items}
        sent: list[tuple[int, dict]] = []
        for result in results:
            item = by_id.get(result.get("id"))
            if item is None:
                continue
            status = int(result.get("status") or 0)
            if status in (200, 201):
                sent.append((item.id, item.body))
            else:
                self._reject(item, error_from(status, result), report)
        report.pushed += self.store.mark_sent_many(sent)
        # Items without a result (should not happen) stay queued for the next round.
        return len(results) == len(items)

    async def _push_one(self, item: PendingItem, report: SyncReport) -> bool:
        try:
            await self.client.put(item.path, item.body)
        except (Offline, ServerError) as exc:
            return self._not_sent(item, exc, report, f"outbox item {item.id} ({item.entity})")
        except Unauthorized as exc:
            self._fail(report, exc)
            return False
        except ApiError as exc:
            report.online = True
            self._reject(item, exc, report)
            return True
        report.online = True
        if self.store.mark_sent(item.id, item.body):
            report.pushed += 1
        return True

    def _not_sent(self, first: PendingItem, exc: ApiError, report: SyncReport, what: str) -> bool:
        """No answer or a 5xx: count an attempt on the ``first`` item sent; the round stops (False)."""
        self.store.mark_failed(first.id, exc.message)
        log.info("%s not sent: %s", what, type(exc).__name__)
        self._fail(report, exc)
        return False

    def _reject(self, item: PendingItem, exc: ApiError, report: SyncReport) -> None:
        """The server refused ``item`` for good: keep it for the user; reload the server's version on a conflict."""
        if exc.code == VERSION_CONFLICT:
            message = conflict_message(exc)
            self.store.resolve_conflict(item.id, message, exc.current)
        else:
            message = f"Refusé par le serveur : {exc.message}"
            self.store.mark_rejected(item.id, exc.message)
        log.warning("outbox item %s (%s) rejected by the server (%s %s)", item.id, item.entity, exc.status, exc.code)
        report.rejected += 1
        report.rejection = message
