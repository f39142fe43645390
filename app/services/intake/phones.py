"""Phone numbers as the room types them, normalised to E.164 (``+33…``) for the Hub.

``phonenumbers`` with region FR, the overseas départements tried first for
10-digit national numbers that are not metropolitan.
"""

from __future__ import annotations

import re

import phonenumbers

PHONE_INVALID = "Numéro de téléphone invalide"
#: Overseas regions inside the French 10-digit plan (0590…, 0696…, 0262…, 0269…), tried before FR
#: for a 10-digit national number: phonenumbers' FR data accepts some of their ranges (0269 Mayotte)
#: as +33, while each region's data only accepts its own prefixes.  Saint-Pierre-et-Miquelon (+508,
#: 6 digits) is not in the plan: "06 12 34 5" must stay a truncated mobile, not a valid +508 number.
_DOM_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "BL", "MF")
_PHONE_CHARS = re.compile(r"^[0-9+\s().\-/]+$")


def normalize_phone(text: str) -> str:
    """``"06 12 34 56 78"`` → ``"+33612345678"``; raises ValueError(:data:`PHONE_INVALID`)."""
    raw = (text or "").strip()
    if not raw or not _PHONE_CHARS.match(raw):
        raise ValueError(PHONE_INVALID)
    national = re.fullmatch(r"0\d{9}", re.sub(r"\D", "", raw)) is not None and not raw.startswith("00")
    for region in (_DOM_REGIONS if national else ()) + ("FR",):
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            raise ValueError(PHONE_INVALID) from None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(PHONE_INVALID)


def format_phone(e164: str | None) -> str:
    """A number for display: national for France (``06 12 34 56 78``), else international."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 33 else \
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


