"""Validation against the official Hub Santé JSON Schemas (draft-07, ``resources/hub-sante/json-schema``).

The schemas are loaded once.  Every schema carries the same ``$id``
(``classpath:/json-schema/schema#``) and the EDXL-DE schema refers to the others
by file name, so each is registered under ``BASE_URI + <file>``.

Format checking is on.  ``jsonschema`` checks ``date-time`` only when an extra
package is installed; we add our own RFC 3339 check so the result never depends
on what happens to be installed.

* :func:`validate_message` checks a use-case message ``{"<rootKey>": payload}``:
  the root value against ``<MSG>.schema.json`` (as the official samples are checked);
* :func:`validate_envelope` checks a full EDXL-DE envelope: the envelope itself
  (envelope-only schema), then each embedded message (RC-DE header and use case),
  then the whole against ``EDXL-DE-full.schema.json`` as a last safety net.

Errors are :class:`SchemaError` (a JSON path and a message); none carries the
offending value, so patient data never reaches a log through them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from app.paths import resource

#: A hierarchical base URI (``classpath:`` does not resolve relative references); never fetched.
BASE_URI = "https://hub.esante.gouv.fr/json-schema/"
ENVELOPE_FULL = "EDXL-DE-full"
ENVELOPE_ONLY = "EDXL-DE-envelope-only"
HEADER = "RC-DE"
#: Root keys that travel without an RC-DE header (the EDXL-DE-full alternatives without one).
HEADERLESS_KEYS = frozenset({"technicalNoreq", "distributionElement", "customContent", "error"})
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class SchemaError:
    """One validation error: where (a JSON path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path} : {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def _schema_dir():
    return resource("hub-sante", "json-schema")


@cache
def _schemas() -> dict[str, dict]:
    """Every schema by name (``RS-EDA``), its ``$id`` rewritten to its own URI."""
    loaded = {}
    for path in sorted(_schema_dir().glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["$id"] = BASE_URI + path.name
        loaded[path.name.removesuffix(".schema.json")] = schema
    return loaded


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (BASE_URI + f"{name}.schema.json", Resource.from_contents(schema, default_specification=DRAFT7))
        for name, schema in _schemas().items()
    )


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    checker.checkers = dict(Draft7Validator.FORMAT_CHECKER.checkers)

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE_TIME.match(value):
            return False
        datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        return True

    return checker


@cache
def validator(name: str) -> Draft7Validator:
    """The Draft 7 validator of ``<name>.schema.json`` (KeyError for an unknown schema)."""
    return Draft7Validator(_schemas()[name], registry=_registry(), format_checker=_format_checker())


@cache
def root_keys() -> dict[str, str]:
    """Use-case root key → schema name, read from the EDXL-DE-full alternatives (``createCaseHealth`` → ``RS-EDA``)."""
    keys: dict[str, str] = {}
    for alternative in _schemas()[ENVELOPE_FULL]["definitions"]["EmbeddedJsonContent"]["oneOf"]:
        parts = alternative.get("allOf", [alternative])
        for part in parts:
            message = part["properties"]["message"]
            for key in message.get("required", []):
                keys[key] = message["properties"][key]["$ref"].removesuffix(".schema.json")
    return keys


def _path(prefix: str, error) -> str:
    parts = [prefix] if prefix else []
    parts += [str(p) for p in error.absolute_path]
    return "/".join(parts) or "/"


def _errors(name: str, instance: Any, prefix: str = "") -> list[SchemaError]:
    found = sorted(validator(name).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return [SchemaError(_path(prefix, e), _describe(e)) for e in found]


def _describe(error) -> str:
    """The validator's message without the offending value (it may be patient data)."""
    if error.validator in ("pattern", "format", "enum", "type", "maxLength", "minLength", "const"):
        return f"valeur non conforme ({error.validator} : {error.validator_value!r})"[:300]
    return error.message[:300]


def validate_message(document: Any) -> list[SchemaError]:
    """Errors of a use-case message ``{"<rootKey>": payload}`` (empty when valid)."""
    if not isinstance(document, dict) or len(document) != 1:
        return [SchemaError("/", "un message d'usage a exactement une clé racine ({\"createCaseHealth\": …})")]
    (key, payload), = document.items()
    name = root_keys().get(key)
    if name is None:
        return [SchemaError(key, "type de message inconnu du modèle Hub Santé")]
    return _errors(name, payload, key)


def use_case_key(message: dict) -> str | None:
    """The use-case root key of an embedded message (the key that is not RC-DE header)."""
    header_fields = set(_schemas()[HEADER]["properties"])
    keys = [k for k in message if k not in header_fields and k in root_keys()]
    return keys[0] if len(keys) == 1 else None


def validate_embedded(message: Any, prefix: str = "message") -> list[SchemaError]:
    """Errors of one embedded message: its RC-DE header (when its kind has one) and its use case."""
    if not isinstance(message, dict):
        return [SchemaError(prefix, "objet attendu")]
    key = use_case_key(message)
    if key is None:
        return [SchemaError(prefix, "aucun message d'usage reconnu (ou plusieurs)")]
    errors = [] if key in HEADERLESS_KEYS else _errors(HEADER, message, prefix)
    return errors + _errors(root_keys()[key], message[key], f"{prefix}/{key}")


def validate_envelope(envelope: Any) -> list[SchemaError]:
    """Errors of a full EDXL-DE envelope and of every message it carries (empty when valid)."""
    errors = _errors(ENVELOPE_ONLY, envelope)
    if errors:
        return errors
    for i, content in enumerate(envelope["content"]):
        message = content["jsonContent"]["embeddedJsonContent"].get("message")
        errors += validate_embedded(message, f"content/{i}/jsonContent/embeddedJsonContent/message")
    if not errors and not validator(ENVELOPE_FULL).is_valid(envelope):
        errors.append(SchemaError("/", "enveloppe non conforme au schéma EDXL-DE complet"))
    return errors


def is_envelope(document: Any) -> bool:
    """True when ``document`` looks like an EDXL-DE envelope rather than a bare use-case message."""
    return isinstance(document, dict) and ("distributionID" in document or "content" in document)
