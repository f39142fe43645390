"""The official Hub Santé code lists, loaded once, searchable by code or by words.

Each list is a shipped CSV (``resources/hub-sante/nomenclatures/latest/HubSante.<name>.csv``):
a leading unnamed index column, then ``code``, one to three label columns (one per
level of the hierarchy) and ``description`` / ``commentaire``.  A row's label is its
deepest non-empty label; its *path* is the labels of the rows above it in the
hierarchy (``Détresse vitale`` for ``M01.01``), so a search by words finds a code
by its group too.  Codes are compared without dots and case (``m0306`` finds ``M03.06``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from app import paths

_FOLDER = ("hub-sante", "nomenclatures", "latest")
#: Short names of the lists the console uses.
MOTIVE, FACT, PLACE_KIND, RISK = "motif", "fait", "lieu", "risque"
ATTRIBUTION, PERIMETER, CALLER_TYPE = "attribution", "filiere", "typeAppelant"
COMMUNICATION, LANGUAGE, STATUS, PRIORITY, SEX = "communication", "langue", "etat", "priorite", "sexe"
DECISION_TYPE, ORIENTATION_TYPE, PRECISION = "typeDecision", "typeOrientation", "precision"


@dataclass(frozen=True)
class Code:
    """One entry of an official list."""

    code: str
    label: str
    #: Labels of the enclosing levels, outermost first.
    path: tuple[str, ...]
    description: str
    level: int

    @property
    def display(self) -> str:
        return f"{self.code} — {self.label}"

    @property
    def group(self) -> str:
        return self.path[0] if self.path else self.label


def clean(text: str) -> str:
    """Whitespace (including no-break spaces and newlines) collapsed to single spaces."""
    return " ".join((text or "").split())


def fold(text: str) -> list[str]:
    """Lower-case ASCII words of ``text`` (accents and apostrophes dropped) for word search."""
    text = unicodedata.normalize("NFKD", re.sub(r"[’'ʼ–—-]", " ", (text or "").lower()))
    return re.sub(r"[^0-9a-z]+", " ", text.encode("ascii", "ignore").decode()).split()


def _compact(code: str) -> str:
    return re.sub(r"[\s.]", "", code or "").upper()


@lru_cache(maxsize=None)
def codes(name: str) -> tuple[Code, ...]:
    """Every entry of ``HubSante.<name>.csv`` in the official order."""
    with open(paths.resource(*_FOLDER, f"HubSante.{name}.csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip().lower() for h in rows[0]]
    end = header.index("description") if "description" in header else len(header)
    label_cols = list(range(2, end))
    entries: list[Code] = []
    stack: list[str] = []
    for row in rows[1:]:
        row = row + [""] * (len(header) - len(row))
        code = row[1].strip()
        if not code:
            continue
        labels = [(i, clean(row[c])) for i, c in enumerate(label_cols) if clean(row[c])]
        level, label = labels[-1] if labels else (0, code)
        stack = stack[:level] + [""] * (level - len(stack))
        entries.append(Code(code, label, tuple(s for s in stack if s), clean(row[end]) if end < len(row) else "",
                            level))
        stack = stack[:level] + [label]
    return tuple(entries)


def code_tuple(name: str) -> tuple[str, ...]:
    """The codes of list ``name`` in the official order: the closed list a field takes."""
    return tuple(c.code for c in codes(name))


@lru_cache(maxsize=None)
def _by_code(name: str) -> dict[str, Code]:
    return {c.code: c for c in codes(name)}


def get(name: str, code: str | None) -> Code | None:
    """The entry of ``code`` in list ``name``, or None."""
    return _by_code(name).get((code or "").strip()) if code else None


def label(name: str, code: str | None) -> str | None:
    entry = get(name, code)
    return entry.label if entry else None


def is_known(name: str, code: str | None) -> bool:
    return get(name, code) is not None


def search(name: str, text: str, limit: int | None = None, *, entries: tuple[Code, ...] | None = None) -> list[Code]:
    """Entries whose code starts with ``text`` (dots and case ignored) first, then those whose
    label or path contain every typed word (as word prefixes), best (label starts with the first
    word) first."""
    entries = codes(name) if entries is None else entries
    compact = _compact(text)
    if not compact:
        return []
    letter = next((c.code[0] for c in entries if c.code[:1].isalpha()), "")
    prefixes = {compact} | ({letter.upper() + compact} if compact.isdigit() and letter else set())
    found = [c for c in entries if any(_compact(c.code).startswith(p) for p in prefixes)]
    if not (compact.isdigit() or re.fullmatch(r"[A-Z]\d[\d.]*", compact)):
        words = fold(text)
        seen = {c.code for c in found}
        by_words = [c for c in entries if c.code not in seen and words and all(
            any(t.startswith(w) for t in fold(" ".join((c.label,) + c.path))) for w in words)]
        by_words.sort(key=lambda c: not (fold(c.label) or [""])[0].startswith(words[0]))
        found += by_words
    return found[:limit] if limit else found


def choices(name: str) -> list[tuple[str, str]]:
    """``[(code, "code — label"), …]`` for a combo box."""
    return [(c.code, c.display) for c in codes(name)]
