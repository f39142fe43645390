"""SQLAlchemy models shared by the server's database and the console's local cache.

No Qt here (enforced by import-linter).  Importing this package registers every
table on :data:`Base.metadata`.
"""

from app.models.address import Address
from app.models.agenda import EditorStatus, EffecteurEditor, HubOutboxMessage
from app.models.appointment import APPOINTMENT_STATUSES, FOLLOW_UP_STATUSES, Appointment
from app.models.base import Base, UTCDateTime, new_uuid, utcnow
from app.models.call import CALL_EVENTS, Call, CallReport
from app.models.call_outbox import CALL_OUTBOX_KINDS, CallOutboxItem
from app.models.case import (
    CASE_STATUSES, PERIMETERS, PRIORITIES, Case, CaseDraft, CaseEvent, CaseNote, Patient, SurgeSwitch,
)
from app.models.effecteur import EFFECTEUR_KINDS, SLOT_MODES, ConsultationSite, Effecteur, Slot
from app.models.journal import JournalEntry
from app.models.orientation import Orientation
from app.models.outbox import OutboxItem, SyncState
from app.models.user import ROLE_LABELS, AuthToken, LoginThrottle, Role, User

__all__ = [
    "Base", "UTCDateTime", "new_uuid", "utcnow",
    "Case", "CaseNote", "Patient", "CaseEvent", "CaseDraft", "SurgeSwitch", "PRIORITIES", "PERIMETERS", "CASE_STATUSES",
    "Effecteur", "ConsultationSite", "Slot", "EFFECTEUR_KINDS", "SLOT_MODES",
    "JournalEntry", "Orientation", "OutboxItem", "SyncState",
    "User", "AuthToken", "LoginThrottle", "Role", "ROLE_LABELS",
    "Appointment", "APPOINTMENT_STATUSES", "FOLLOW_UP_STATUSES", "Address",
    "EditorStatus", "EffecteurEditor", "HubOutboxMessage", "Call", "CallReport", "CALL_EVENTS",
    "CallOutboxItem", "CALL_OUTBOX_KINDS",
]
