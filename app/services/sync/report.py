"""What one sync round reports, and the French messages the console shows about it.

:class:`SyncStatus` is what the status bar shows; :class:`SyncReport` the
outcome of one round; :func:`backoff_delay` the wait after failed rounds
(exponential, full jitter); :func:`conflict_message` says, after a 409
``version_conflict``, which fields another desk changed.  Used by
:mod:`app.services.sync.worker`, which re-exports them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from app.services.sync.api_client import ApiError

AUTH_NEEDED = "Session expirée : reconnectez-vous pour reprendre la synchronisation."
INTERNAL_ERROR = "Erreur interne de synchronisation : nouvel essai automatique."
VERSION_CONFLICT = "version_conflict"
#: French names of orientation fields, for "what changed" after a conflict.
FIELD_LABELS = {
    "decision_key": "décision", "decision_type": "type de décision", "resource_type": "ressource",
    "orientation_type": "orientation", "medical_transport": "transport", "slot_id": "créneau",
    "effecteur_id": "effecteur", "effecteur_name": "effecteur", "appointment_start": "heure du rendez-vous",
    "appointment_end": "fin du rendez-vous", "appointment_mode": "mode de consultation", "freetext": "texte libre",
}


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows.  ``last_sync_at`` alone changing does not notify listeners."""

    online: bool | None = None
    pending: int = 0
    rejected: int = 0
    last_error: str | None = None
    last_sync_at: datetime | None = field(default=None, compare=False)


@dataclass
class SyncReport:
    """The outcome of one round."""

    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    online: bool = False
    auth_required: bool = False
    #: French message of what stopped the round (None when it completed).
    error: str | None = None
    #: French message of the last rejection of the round, if any.
    rejection: str | None = None

    @property
    def ok(self) -> bool:
        return self.online and not self.auth_required and self.error is None


def backoff_delay(failures: int, base: float, maximum: float, rng: random.Random | None = None) -> float:
    """Full-jitter exponential back-off after ``failures`` (≥ 1) failed rounds in a row."""
    return (rng or random).uniform(0, min(maximum, base * 2 ** max(0, failures - 1)))


def conflict_message(exc: ApiError) -> str:
    """``Conflit : … (version 3) ; modifié : décision, créneau ; votre saisie est conservée.``"""
    version = (exc.current or {}).get("version", "?")
    changed = sorted({FIELD_LABELS.get(f, f) for f in exc.changed})
    what = f" ; modifié : {', '.join(changed)}" if changed else ""
    return (f"Conflit : orientation modifiée à un autre poste (version {version} rechargée){what} ; "
            f"votre saisie est conservée.")
