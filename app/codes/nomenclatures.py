"""The official Hub Santé code lists, loaded once, searchable by code or by words.

Each list is a shipped CSV (``resources/hub-sante/nomenclatures/latest/HubSante.<name>.csv``):
a leading unnamed index column, then ``code``, one to three label columns (one per
level of the hierarchy) and ``description`` / ``commentaire``.  A row's label is its
deepest non-empty label; its *path* is the labels of the rows above it in the
hierarchy (``Détresse vitale`` for ``M01.01``), so a search by words finds a code
by its group too.  Codes are compared without dots and case (``m0306`` finds ``M03.06``).

A search by words also reads each row's official description, which lists the
synonyms the list itself gives (``toux``, ``asthme``, ``dyspnée`` under ``M03.12
Gêne respiratoire``), and :data:`EVERYDAY_WORDS`, the callers' words the lists
never write (``thorax`` for ``thoracique``, ``ventre`` for ``abdominale``).
Words are compared without accents or case, each typed word as the start of a
word (``fiev`` finds ``Fièvre``); little words (``au``, ``de``…) are skipped.
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


#: Callers' words the official lists do not write, each with the word of the official label it means
#: (folded: lower case, no accents).  Typed words are matched as starts of these words too.
EVERYDAY_WORDS: dict[str, tuple[str, ...]] = {
    "thorax": ("thoracique",), "poitrine": ("thoracique",), "torse": ("thoracique",),
    "ventre": ("abdominale",), "abdomen": ("abdominale",), "estomac": ("abdominale", "digestif"),
    "mal": ("douleur", "cephalee"), "douloureux": ("douleur",), "tete": ("cephalee",), "crane": ("cephalee",),
    "temperature": ("fievre",), "fievreux": ("fievre",), "infection": ("infectieux",),
    "respirer": ("respiratoire",), "respire": ("respiratoire",), "essouffle": ("respiratoire",),
    "etouffe": ("respiratoire",), "souffle": ("respiratoire",),
    "coeur": ("cardiaque", "cardio"), "tension": ("hypertension",),
    "tombe": ("chute",), "tombee": ("chute",), "sang": ("saignements", "hemorragie"), "saigne": ("saignements",),
    "vomit": ("vomissement",), "vomi": ("vomissement",), "nausee": ("digestif",),
    "brule": ("brulure",), "fracture": ("traumatisme",), "blesse": ("blessure", "traumatisme"),
    "alcool": ("ethylique", "ivresse"), "ivre": ("ivresse",), "saoul": ("ivresse",),
    "suicide": ("suicidaire",), "deprime": ("depressive",), "angoisse": ("anxiete",), "panique": ("anxiete",),
    "enceinte": ("grossesse", "obstetrique"), "accouche": ("accouchement",), "perte": ("accouchement",),
    "mort": ("deces",), "decede": ("deces",), "allergie": ("allergique",), "crise": ("epilepsie", "convulsions"),
    "evanoui": ("perte", "syncope"), "evanouissement": ("syncope",), "paralysie": ("avc",),
}
#: Little words skipped in a search by words.
_LITTLE_WORDS = frozenset("a au aux d de des du en et l la le les un une sur par pour avec sans il elle est j je "
                          "ma mon sa son se ses qui".split())


@lru_cache(maxsize=None)
def _words(name: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each code's folded words: (label and path, official description)."""
    return {c.code: (tuple(fold(" ".join((c.label,) + c.path))), tuple(fold(c.description))) for c in codes(name)}


def _meanings(word: str) -> tuple[str, ...]:
    """The typed word and the official words it may mean (:data:`EVERYDAY_WORDS` entries it starts)."""
    extra = [m for key, means in EVERYDAY_WORDS.items() if len(word) >= 3 and key.startswith(word) for m in means]
    return (word, *extra)


def _word_score(words: list[str], label: tuple[str, ...], description: tuple[str, ...]) -> int | None:
    """None if a typed word matches nowhere; else how many matched only in the description (fewer is better)."""
    in_description = 0
    for word in words:
        meanings = _meanings(word)
        if any(t.startswith(m) for m in meanings for t in label):
            continue
        if not any(t.startswith(m) for m in meanings for t in description):
            return None
        in_description += 1
    return in_description


def search(name: str, text: str, limit: int | None = None, *, entries: tuple[Code, ...] | None = None) -> list[Code]:
    """Entries whose code starts with ``text`` (dots and case ignored) first, then those where every typed
    word starts a word of the label, the path or the description (or means one, :data:`EVERYDAY_WORDS`):
    label matches before description matches, and those whose label starts with the first word first."""
    entries = codes(name) if entries is None else entries
    compact = _compact(text)
    if not compact:
        return []
    letter = next((c.code[0] for c in entries if c.code[:1].isalpha()), "")
    prefixes = {compact} | ({letter.upper() + compact} if compact.isdigit() and letter else set())
    found = [c for c in entries if any(_compact(c.code).startswith(p) for p in prefixes)]
    if not (compact.isdigit() or re.fullmatch(r"[A-Z]\d[\d.]*", compact)):
        typed = fold(text)
        words = [w for w in typed if w not in _LITTLE_WORDS] or typed
        seen = {c.code for c in found}
        index = _words(name)
        scored = []
        for position, c in enumerate(entries):
            label, description = index.get(c.code) or (tuple(fold(" ".join((c.label,) + c.path))), ())
            score = None if c.code in seen or not words else _word_score(words, label, description)
            if score is not None:
                first = fold(c.label)[:1]
                starts = bool(first) and any(first[0].startswith(m) for m in _meanings(words[0]))
                scored.append((score, not starts, position, c))
        found += [c for *_key, c in sorted(scored, key=lambda item: item[:3])]
    return found[:limit] if limit else found


def choices(name: str) -> list[tuple[str, str]]:
    """``[(code, "code — label"), …]`` for a combo box."""
    return [(c.code, c.display) for c in codes(name)]
