"""Phone numbers as the room types them, normalised to E.164 (``+33…``) for the Hub.

``phonenumbers`` with region FR, the overseas départements tried first for
10-digit national numbers that are not metropolitan.  :func:`check` is the rule
of the intake form's two numbers: a hidden caller's number (« numéro masqué »,
told by a flag or by a word typed instead of the number) needs a callback number.
"""

from __future__ import annotations

import re

import phonenumbers

from app.codes.nomenclatures import fold

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


# --- the intake form's two numbers --------------------------------------------------------------

#: Words that, typed in the caller's phone field, say the number is hidden (folded: no accents, lower case).
HIDDEN_WORDS = frozenset({"masque", "inconnu", "anonyme", "prive", "cache", "secret", "absent"})
#: Words that may come with them (« numéro masqué », « n° inconnu »).
_NUMBER_WORDS = frozenset({"n", "no", "num", "numero", "tel", "telephone", "appel"})
CALLER_PHONE_INVALID = "Téléphone de l'appelant invalide : 10 chiffres (06 12 34 56 78), ou « masqué »"
CALLER_PHONE_REQUIRED = "Téléphone de l'appelant obligatoire (ou « masqué » : Ctrl+Maj+M)"
CALLBACK_INVALID = "Numéro de rappel invalide : 10 chiffres (06 12 34 56 78)"
CALLBACK_REQUIRED = "Numéro de rappel obligatoire : le numéro de l'appelant est masqué"


def is_hidden_number(text: str) -> bool:
    """Whether ``text`` says the number is hidden (« masqué », « Numéro inconnu », « anonyme »…)."""
    words = fold(text)
    return any(w in HIDDEN_WORDS for w in words) and all(w in HIDDEN_WORDS or w in _NUMBER_WORDS for w in words)


def is_phone(text: str) -> bool:
    try:
        normalize_phone(text)
    except ValueError:
        return False
    return True


def check(caller: str, callback: str, *, hidden: bool = False) -> dict[str, str]:
    """The problems of the caller's phone and the callback number, by form field name.

    The caller's number is required unless hidden (``hidden``, or a word like
    « masqué » typed in its place); then the callback number is required.
    """
    errors: dict[str, str] = {}
    caller, callback = (caller or "").strip(), (callback or "").strip()
    hidden = hidden or is_hidden_number(caller)
    if not hidden and not caller:
        errors["caller_phone"] = CALLER_PHONE_REQUIRED
    elif not hidden and not is_phone(caller):
        errors["caller_phone"] = CALLER_PHONE_INVALID
    if hidden and (not callback or is_hidden_number(callback)):
        errors["callback_phone"] = CALLBACK_REQUIRED
    elif callback and not is_phone(callback):
        errors["callback_phone"] = CALLBACK_INVALID
    return errors
