"""The SAS FHIR guide's Appointment examples, as an agenda editor would push them (INT_R03).

``booked``: ``Appointment-1.json`` (copied from the guide's rendered examples), ``cancelled`` and
``sos`` (pending, ``needs-action``, no doctor yet): written from the guide's FSH under
``tests/data/fhir-sas/built`` (see its README).  Each call gives a fresh identifier value, so tests
do not share appointments.
"""

from __future__ import annotations

import copy
import json
import uuid as uuid_mod
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "fhir-sas"
FILES = {"booked": DATA / "examples" / "Appointment-1.json",
         "cancelled": DATA / "built" / "Appointment-ExampleAppointmentCancelled.json",
         "sos": DATA / "built" / "Appointment-ExampleAppointmentSOS.json"}


@lru_cache(maxsize=None)
def _example(name: str) -> dict:
    return json.loads(FILES[name].read_text(encoding="utf-8"))


def appointment_resource(example: str = "booked", *, identifier: tuple[str, str] | None = None,
                         **overrides) -> dict:
    """The guide's ``example`` with a fresh identifier value (or ``identifier`` = (system, value)) and ``overrides``."""
    resource = copy.deepcopy(_example(example))
    resource.pop("text", None)
    system = resource["identifier"][0]["system"]
    resource["identifier"] = [{"system": identifier[0] if identifier else system,
                               "value": identifier[1] if identifier else str(uuid_mod.uuid4())}]
    resource.update(overrides)
    return resource
