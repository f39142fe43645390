"""The longest text each stored field takes, in characters.

One table for the database columns (:mod:`app.models`), the wire documents
(:mod:`app.services.records.documents`, a longer text is a 422 naming the field)
and the console's input fields (``setMaxLength``), so a desk can never type what
the server refuses nor the server accept what the database cuts.  Closed lists
(statuses, priorities, codes) are bounded by their longest code instead.
"""

from __future__ import annotations

#: A client-generated UUID (36 characters with its dashes).
UUID = 36
#: Free-text notes, decision comments, a routing override's reason.
NOTE = 10_000

MAX_LENGTH: dict[str, int] = {
    # the case
    "case_id": 80, "owner": 64, "origin": 16, "attribution": 32,
    "health_motive_code": 16, "health_motive_label": 200, "whats_happen_code": 16, "whats_happen_label": 200,
    "location_kind_code": 16, "location_kind_label": 200,
    "caller_name": 200, "caller_phone": 20, "callback_phone": 20, "caller_language": 2,
    "address_complete": 300, "city_name": 120, "city_insee_code": 5, "access_details": 2000,
    "access_building": 120, "access_floor": 16, "access_code": 32, "access_intercom": 64,
    # a patient
    "patient_id": 120, "age": 8, "birth_name": 120, "last_name": 120, "first_name": 120,
    "general_practitioner_name": 200, "general_practitioner_rpps": 11,
    # notes, events, orientations
    "author": 64, "author_role": 16, "freetext": NOTE, "resource_type": 24,
    "effecteur_id": 40, "effecteur_name": 200, "surge_reason": 2000,
}


def max_length(field: str) -> int:
    """The longest text ``field`` takes (a KeyError names a field nobody declared)."""
    return MAX_LENGTH[field]
