"""What the server does with the Hub Santé messages its AMQP connection receives, and how it records sends.

* ``<clientId>.message``: the body goes through the very function of ``POST
  /api/v1/hub/messages`` (:func:`app.server.routes.hub.process_envelope`) under the Hub
  connector's technical account (:data:`HUB_PRINCIPAL`); its answer — RC-REF Ack or
  RS-ERROR — goes to the Hub outbox (:mod:`app.services.regulation.hub_outbox`), the Ack
  in the transaction that stores the message, and a redelivered message already acknowledged
  changes nothing.  The answer is always sent as this client (the Dispatcher refuses any
  other senderID); a body that names no sender cannot be answered and is only logged and audited.
* ``<clientId>.ack`` and ``<clientId>.info``: the RC-REF or RS-ERROR of a case *we* sent
  becomes a note on that case (``Hub Santé : accusé de réception de …`` / ``… refus de …``),
  journalled like any case event, so the regulator sees in the case's history whether
  the neighbouring SAMU took it.  The case is found from the sending note, whose UUID is
  derived from the sent distributionID (:func:`app.services.regulation.hub_send.sent_note_uuid`),
  so it survives a restart.

:class:`DatabaseOutbox` is what the broker drains: the database's ``hub_outbox`` rows.

Note UUIDs derive from distributionIDs: a redelivered ack changes nothing twice.  Only an RC-REF that
neither says ``refused`` nor stops at step ``ERREUR`` / ``SUPPRIME`` is noted as an acknowledgement
(the case then travels as RS-EDA-MAJ); the others are noted as a refusal.  Characters a note
cannot hold (C0 controls, lone surrogates) become U+FFFD.  Nothing on these queues is answered;
an answer that cannot be noted is logged with its reason (never its content) and dropped; an
unexpected error is logged by type and frames and re-raised without its message, so the broker
requeues it once, then rejects it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.server.deps import Principal, ServerState, audit
from app.server.errors import describe_unexpected
from app.server.hub.broker import HubBroker, HubConfig
from app.server.routes import hub as routes_hub
from app.services.interop.hub import envelope, rs_eda_update, schemas
from app.services.regulation import hub_outbox, hub_send
from app.services.regulation.actor import HUB_ROLE
from app.services.regulation.errors import Refused
from app.services.security import permissions

log = logging.getLogger(__name__)

#: Who posts what arrives over AMQP: the Hub connector's technical account (role HUB, as on HTTP).
HUB_PRINCIPAL = Principal(user_id=0, username="hub-sante", role=HUB_ROLE, display_name="Hub Santé (AMQP)")
STEP_LABELS = {"RECU": "reçu", "INTEGRE": "intégré", "CONSULTE": "consulté", "ERREUR": "en erreur",
               "SUPPRIME": "supprimé"}
#: RC-REF steps that say the neighbour does not hold the case.
REFUSING_STEPS = frozenset({"ERREUR", "SUPPRIME"})
#: What a stored note may not contain (C0 controls but tab and newlines; lone surrogates).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class AnswerNotRecorded(RuntimeError):
    """An unexpected error while noting an answer (its cause logged by type only)."""


class DatabaseOutbox:
    """The ``hub_outbox`` rows the broker drains (:class:`app.server.hub.broker.Outbox`), in short transactions.

    Called from a worker thread, never on the event loop.  The rules (leases, order, what
    ``sent_at`` means) are the core's: :mod:`app.services.regulation.hub_outbox`.  Writes take no
    journal lock (they touch no journal): on PostgreSQL they never wait for a case being written.
    """

    def __init__(self, state: ServerState, *, batch: int = hub_outbox.BATCH):
        self._state = state
        self._batch = batch

    def claim(self) -> list[hub_outbox.Claimed]:
        with self._state.write(journal_lock=False) as session:
            return hub_outbox.claim(session, limit=self._batch)

    def mark_sent(self, row_id: int) -> None:
        with self._state.write(journal_lock=False) as session:
            hub_outbox.mark_sent(session, row_id)

    def release(self, row_ids: list[int], error: str | None) -> None:
        with self._state.write(journal_lock=False) as session:
            hub_outbox.release(session, row_ids, error)

    def pending(self) -> int:
        with self._state.read() as session:
            return hub_outbox.pending_count(session)


def make_broker(state: ServerState, config: HubConfig) -> HubBroker:
    """The AMQP client of this server, its messages handled by :func:`handle` off the event loop."""

    async def handler(kind: str, body: bytes) -> list[dict]:
        return await asyncio.to_thread(handle, state, config.client_id, kind, body)

    return HubBroker(config, handler, DatabaseOutbox(state))


@asynccontextmanager
async def connected(app, config: HubConfig | None) -> AsyncIterator[HubBroker | None]:
    """For the app's lifespan: ``app.state.hub_broker`` connecting in the background, stopped at the end."""
    if config is None:
        app.state.hub_broker = None
        yield None
        return
    broker = make_broker(app.state.sas, config)
    app.state.hub_broker = broker
    log.info("Hub Santé client %s", config.describe())
    broker.start()
    try:
        yield broker
    finally:
        await broker.stop()


def handle(state: ServerState, client_id: str, kind: str, body: bytes) -> list[dict]:
    """One message from our ``kind`` queue; its answers, already committed to the Hub outbox."""
    if kind == "message":
        return receive(state, client_id, body)
    record_answer(state, body)
    return []


def receive(state: ServerState, client_id: str, body: bytes) -> list[dict]:
    """Process a use-case message exactly as ``POST /api/v1/hub/messages`` does; its answer, queued as ours
    (a redelivered message already acknowledged: that acknowledgement, queued once before)."""
    document, _problem = routes_hub.parse_body(body)  # not JSON, or nested too deep: None
    _distribution_id, sender, _recipient = envelope.header_fields(document)
    if document is None or not sender:
        audit(HUB_PRINCIPAL, permissions.HUB_MESSAGES_POST, _distribution_id[:64] or "-",
              "refused, sender unknown: no answer")
        log.warning("Hub Santé: unreadable message without a sender dropped (%d bytes)", len(body))
        return []
    response = routes_hub.process_envelope(state, document, HUB_PRINCIPAL, answer_as=client_id)
    return [json.loads(response.body)]


def _answer_text(read: envelope.Envelope) -> tuple[str | None, str]:
    """(referenced distributionID, French note) of a received Ack or Error."""
    payload = read.payload if isinstance(read.payload, dict) else {}
    if read.kind == "Ack" and read.root_key == "reference":
        step = STEP_LABELS.get(payload.get("step", ""), payload.get("step", ""))
        if payload.get("refused") is True or payload.get("step") in REFUSING_STEPS:
            outcome = "refusé" if payload.get("refused") is True else step
            return payload.get("distributionID"), f"Hub Santé : refus de {read.sender_id} (dossier {outcome})"
        return payload.get("distributionID"), f"{rs_eda_update.integrated_note_prefix(read.sender_id)}(dossier {step})"
    if read.kind == "Error" and read.root_key == "error":
        code = payload.get("errorCode") or {}
        return payload.get("referencedDistributionID"), (
            f"Hub Santé : refus de {read.sender_id} — {code.get('statusCode')} {code.get('statusString', '')} : "
            f"{payload.get('errorCause', '')}")
    return None, ""


def record_answer(state: ServerState, body: bytes) -> str | None:
    """Note an Ack / Error answering one of our sends on its case; the case uuid, or None."""
    document, _problem = routes_hub.parse_body(body)  # not JSON, or nested too deep: None
    if document is None or schemas.validate_envelope(document):
        log.warning("Hub Santé: unreadable acknowledgement or error dropped (%d bytes)", len(body))
        return None
    read = envelope.read_envelope(document)
    referenced, text = _answer_text(read)
    if not referenced:
        log.info("Hub Santé: %s %s from %s not about a message of ours",
                 read.kind, read.distribution_id, read.sender_id)
        return None
    try:
        with state.write() as session:
            case_uuid = hub_send.note_answer(session, HUB_PRINCIPAL, referenced, read.distribution_id,
                                             read.sender_id, _UNSTORABLE.sub("\ufffd", text))
    except Refused as exc:
        log.warning("Hub Santé: %s %s from %s not noted: %s", read.kind, read.distribution_id, read.sender_id,
                    exc.message)
        return None
    except Exception as exc:  # noqa: BLE001 - re-raised without its message (it may quote the note)
        log.error("Hub Santé: unexpected error while noting an answer: %s", describe_unexpected(exc))
        raise AnswerNotRecorded(type(exc).__name__) from None
    if case_uuid is None:
        log.info("Hub Santé: %s %s from %s answers %s, not a send of ours",
                 read.kind, read.distribution_id, read.sender_id, referenced[:200])
    outcome = f"{read.kind.lower()} from {read.sender_id}"[:32]
    audit(HUB_PRINCIPAL, permissions.HUB_MESSAGES_POST, case_uuid or referenced[:64], outcome)
    return case_uuid
