"""What the server does with the Hub Santé messages its AMQP connection receives, and how it records sends.

* ``<clientId>.message``: the body goes through the very function of ``POST
  /api/v1/hub/messages`` (:func:`app.server.routes.hub.process_envelope`) under the Hub
  connector's technical account (:data:`HUB_PRINCIPAL`); its answer — RC-REF Ack or
  RS-ERROR — is returned to be published back to the sender.  The answer is always sent
  as this client (the Dispatcher refuses any other senderID); a body that names no sender
  cannot be answered and is only logged and audited.
* ``<clientId>.ack`` and ``<clientId>.info``: the RC-REF or RS-ERROR of a case *we* sent
  becomes a note on that case (``Hub Santé : accusé de réception de …`` / ``… refus de …``),
  journalled like any case event, so the regulator sees in the case's history whether
  the neighbouring SAMU took it.  The case is found from the sending note, whose UUID is
  derived from the sent distributionID (:func:`record_sent`), so it survives a restart.

Note UUIDs derive from distributionIDs: a redelivered ack changes nothing twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone

from app.models import Case, CaseEvent
from app.server import records
from app.server.routes import hub as routes_hub
from app.server.deps import Principal, ServerState, audit
from app.server.hub.broker import HubBroker, HubConfig
from app.services.regulation import case_events
from app.services.records import journal
from app.services.security import permissions
from app.services.records.documents import CaseEventDoc
from app.services.interop.hub import ack, envelope, rs_eda_update, schemas

log = logging.getLogger(__name__)

#: Who writes what arrives over AMQP (the Hub connector's technical account, role ADMIN as on HTTP).
HUB_PRINCIPAL = Principal(user_id=0, username="hub-sante", role="ADMIN", display_name="Hub Santé (AMQP)")
_NOTES = uuid.UUID("6d0f2b8e-4c1a-5e7b-9a3d-2f8c1e0b7a55")
STEP_LABELS = {"RECU": "reçu", "INTEGRE": "intégré", "CONSULTE": "consulté", "ERREUR": "en erreur",
               "SUPPRIME": "supprimé"}


def _note_uuid(key: str) -> str:
    return str(uuid.uuid5(_NOTES, key))


def sent_note_uuid(distribution_id: str) -> str:
    """The UUID of the note recording that ``distribution_id`` was sent."""
    return _note_uuid(f"sent:{distribution_id}")


def add_note(session, case_uuid: str, note_uuid: str, text: str, principal: Principal) -> bool:
    """Add a journalled note to a case (in the caller's write transaction); False if already there."""
    case = session.get(Case, case_uuid)
    if case is None or session.get(CaseEvent, note_uuid) is not None:
        return False
    doc = CaseEventDoc(uuid=note_uuid, case_uuid=case_uuid, created_at=datetime.now(timezone.utc), type="note",
                       freetext=text[:10000])
    records.flush_new(session, case_events.apply(case, doc, author=principal.username, author_role=principal.role))
    journal.append(session, uuid=doc.uuid, kind=journal.KIND_CASE_EVENT, author=principal.username,
                   author_role=principal.role, payload=doc.model_dump(mode="json", exclude_none=True))
    return True


def record_sent(session, case_uuid: str, distribution_id: str, recipient: str, principal: Principal) -> None:
    """Note on the case that it left for ``recipient`` (the key to find it when the answer comes)."""
    add_note(session, case_uuid, sent_note_uuid(distribution_id),
             f"Hub Santé : dossier transmis à {recipient} ({distribution_id})", principal)


def make_broker(state: ServerState, config: HubConfig) -> HubBroker:
    """The AMQP client of this server, its messages handled by :func:`handle` off the event loop."""

    async def handler(kind: str, body: bytes) -> list[dict]:
        return await asyncio.to_thread(handle, state, config.client_id, kind, body)

    return HubBroker(config, handler)


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
    """One message from our ``kind`` queue; returns the envelopes to publish in answer."""
    if kind == "message":
        return receive(state, client_id, body)
    record_answer(state, body)
    return []


def receive(state: ServerState, client_id: str, body: bytes) -> list[dict]:
    """Process a use-case message exactly as ``POST /api/v1/hub/messages`` does; the answer to send."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        document = None
    _distribution_id, sender, _recipient = envelope.header_fields(document)
    if document is None or not sender:
        audit(HUB_PRINCIPAL, permissions.HUB_MESSAGES_POST, _distribution_id[:64] or "-",
              "refused, sender unknown: no answer")
        log.warning("Hub Santé: unreadable message without a sender dropped (%d bytes)", len(body))
        return []
    response = routes_hub.process_envelope(state, document, HUB_PRINCIPAL)
    return [_sent_by(json.loads(response.body), client_id)]


def _sent_by(answer: dict, client_id: str) -> dict:
    """``answer`` rebuilt with ``client_id`` as sender when the route addressed it otherwise."""
    if answer.get("senderID") == client_id:
        return answer
    read = envelope.read_envelope(answer)
    if read.kind == "Ack":
        return ack.ack_envelope(read.payload["distributionID"], sender=client_id, recipient=read.recipient,
                                step=read.payload.get("step", "INTEGRE"))
    error = read.payload
    return ack.error_envelope(error["errorCode"]["statusCode"], error.get("errorCause", ""), sender=client_id,
                              recipient=read.recipient, referenced_distribution_id=error["referencedDistributionID"],
                              source=error.get("sourceMessage"))


def _answer_text(read: envelope.Envelope) -> tuple[str | None, str]:
    """(referenced distributionID, French note) of a received Ack or Error."""
    payload = read.payload if isinstance(read.payload, dict) else {}
    if read.kind == "Ack" and read.root_key == "reference":
        step = STEP_LABELS.get(payload.get("step", ""), payload.get("step", ""))
        return payload.get("distributionID"), f"{rs_eda_update.integrated_note_prefix(read.sender_id)}(dossier {step})"
    if read.kind == "Error" and read.root_key == "error":
        code = payload.get("errorCode") or {}
        return payload.get("referencedDistributionID"), (
            f"Hub Santé : refus de {read.sender_id} — {code.get('statusCode')} {code.get('statusString', '')} : "
            f"{payload.get('errorCause', '')}")
    return None, ""


def record_answer(state: ServerState, body: bytes) -> str | None:
    """Note an Ack / Error answering one of our sends on its case; the case uuid, or None."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        document = None
    if document is None or schemas.validate_envelope(document):
        log.warning("Hub Santé: unreadable acknowledgement or error dropped (%d bytes)", len(body))
        return None
    read = envelope.read_envelope(document)
    referenced, text = _answer_text(read)
    if not referenced:
        log.info("Hub Santé: %s %s from %s not about a message of ours",
                 read.kind, read.distribution_id, read.sender_id)
        return None
    with state.write() as session:
        sent = session.get(CaseEvent, sent_note_uuid(referenced))
        case_uuid = sent.case_uuid if sent is not None else None
        if case_uuid is not None:
            add_note(session, case_uuid, _note_uuid(f"answer:{read.distribution_id}"), text, HUB_PRINCIPAL)
    outcome = f"{read.kind.lower()} from {read.sender_id}"[:32]
    audit(HUB_PRINCIPAL, permissions.HUB_MESSAGES_POST, case_uuid or referenced[:64], outcome)
    return case_uuid
