"""The French communes (shipped CSV) and a fast name / postal-code search over them.

The CSV (``resources/communes/communes_fr.csv``, see ``resources/README.md``) is
read once, lazily, by :func:`default_index`.  :meth:`CommuneIndex.search` is the
place-field autocompletion: accent-, case- and punctuation-insensitive, "St" and
"Saint" are the same word, and a number searches postal codes (or an INSEE code).
Lookups go through sorted keys and ``bisect``, so a query costs well under 2 ms.
"""

from __future__ import annotations

import csv
import heapq
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app import paths

#: Abbreviations expanded in names and in finished query words.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
#: Characters NFKD does not reduce to ASCII: ligatures, typographic apostrophes and dashes.
_FOLD = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": " ", "‘": " ", "ʼ": " ", "–": " ", "—": " "}
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_CODE_QUERY = re.compile(r"^(?:\d{1,5}|2[ab]\d{0,3})$")
_END = "\uffff"


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune (or municipal arrondissement of Paris, Lyon, Marseille)."""

    insee: str
    name: str
    departement: str
    postal_codes: tuple[str, ...]
    population: int
    lat: float | None
    lon: float | None
    #: INSEE code of the parent commune, for an arrondissement; else None.
    parent_insee: str | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def is_arrondissement(self) -> bool:
        return self.parent_insee is not None

    @property
    def postal_code(self) -> str | None:
        """The first (main) postal code, if any."""
        return self.postal_codes[0] if self.postal_codes else None


def normalize(text: str, *, expand_last: bool = True) -> str:
    """Lower-case, accent-free words separated by single spaces; "st" becomes "saint".

    With ``expand_last=False`` the last word is kept as typed (a query still being
    typed: "st" may be the start of "Strasbourg").
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode()
    words = _NON_ALNUM.sub(" ", text.lower()).split()
    if not _ABBREVIATIONS.keys().isdisjoint(words):
        keep = words[-1] if not expand_last else None
        words = [_ABBREVIATIONS.get(w, w) for w in words]
        if keep is not None:
            words[-1] = keep
    return " ".join(words)


class _PrefixList:
    """Sorted (key, commune position) pairs answering "every key starting with p"."""

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        pairs.sort()
        self.keys = [k for k, _ in pairs]
        self.ids = [i for _, i in pairs]

    def range(self, prefix: str) -> tuple[int, int]:
        return bisect_left(self.keys, prefix), bisect_left(self.keys, prefix + _END)

    def ids_with_prefix(self, prefix: str) -> list[int]:
        lo, hi = self.range(prefix)
        return self.ids[lo:hi]


class CommuneIndex:
    """All communes, indexed by INSEE code, département, name words and postal codes."""

    def __init__(self, communes: list[Commune]) -> None:
        self.communes = communes
        self._by_insee = {c.insee: c for c in communes}
        self._by_dep: dict[str, list[Commune]] = {}
        self._position = {c.insee: i for i, c in enumerate(communes)}
        #: Position of each commune in the tie-break order: biggest population first.
        order = sorted(range(len(communes)), key=lambda i: (-communes[i].population, communes[i].insee))
        self._rank = [0] * len(communes)
        for rank, i in enumerate(order):
            self._rank[i] = rank
        names: list[tuple[str, int]] = []
        compact: list[tuple[str, int]] = []
        words: list[tuple[str, int]] = []
        postal: list[tuple[str, int]] = []
        self._words: list[list[str]] = []
        for i, c in enumerate(communes):
            self._by_dep.setdefault(c.departement, []).append(c)
            key = normalize(c.name)
            names.append((key, i))
            compact.append((key.replace(" ", ""), i))
            name_words = key.split()
            self._words.append(name_words)
            for w in name_words:
                words.append((w, i))
            for p in c.postal_codes:
                postal.append((p, i))
        self._names = _PrefixList(names)
        self._compact = _PrefixList(compact)
        self._word_index = _PrefixList(words)
        self._postal = _PrefixList(postal)

    def __len__(self) -> int:
        return len(self.communes)

    def get(self, insee: str) -> Commune | None:
        """The commune with this INSEE code ("67482", "2A004"), or None."""
        return self._by_insee.get(insee.strip().upper())

    def in_departement(self, code: str) -> list[Commune]:
        """Every commune (and arrondissement) of a département, in INSEE order."""
        return list(self._by_dep.get(code.strip().upper(), ()))

    def departements(self) -> list[str]:
        return sorted(self._by_dep)

    def search(self, text: str, limit: int = 10) -> list[Commune]:
        """Communes matching ``text``, best match first, then biggest population.

        Quality levels: exact name, name prefix, name prefix ignoring spaces
        ("lehavre"), then every typed word starting a word of the name in any order
        ("denis saint").  A number searches the INSEE code and postal code prefixes.
        """
        if limit <= 0:
            return []
        finished = bool(text) and not text[-1].isalnum()  # "st " is "saint"; "st" may become "strasb"
        query = normalize(text, expand_last=finished)
        if not query:
            return []
        if _CODE_QUERY.match(query.replace(" ", "")):
            found = self._collect(self._code_levels(query.replace(" ", "")), limit)
        else:
            found = self._collect(self._name_levels(query), limit)
            codes = [w for w in query.split() if w.isdigit()]
            names = " ".join(w for w in query.split() if not w.isdigit())
            if not found and codes and names:  # "67000 strasbourg", "strasbourg 67"
                found = self._collect(self._name_levels(names), limit, codes)
        return [self.communes[i] for i in found]

    def _collect(self, levels: Iterator[list[int]], limit: int, codes: list[str] | None = None) -> list[int]:
        found: list[int] = []
        for ids in levels:
            fresh = set(ids).difference(found)
            if codes:
                fresh = {i for i in fresh if self._has_codes(self.communes[i], codes)}
            found.extend(heapq.nsmallest(limit - len(found), fresh, key=self._rank.__getitem__))
            if len(found) >= limit:
                break
        return found

    @staticmethod
    def _has_codes(commune: Commune, codes: list[str]) -> bool:
        return all(
            commune.insee == code or any(p.startswith(code) for p in commune.postal_codes) for code in codes
        )

    def _code_levels(self, code: str) -> Iterator[list[int]]:
        code = code.upper()
        yield [self._position[code]] if code in self._position else []
        if code.isdigit():
            lo, hi = self._postal.range(code)
            exact = [i for k, i in zip(self._postal.keys[lo:hi], self._postal.ids[lo:hi]) if k == code]
            yield exact
            yield self._postal.ids[lo:hi]

    def _name_levels(self, query: str) -> Iterator[list[int]]:
        lo, hi = self._names.range(query)
        yield [i for k, i in zip(self._names.keys[lo:hi], self._names.ids[lo:hi]) if k == query]
        yield self._names.ids[lo:hi]
        yield self._compact.ids_with_prefix(query.replace(" ", ""))
        yield self._word_matches(query.split())

    def _word_matches(self, query_words: list[str]) -> list[int]:
        ranges = sorted((self._word_index.range(w) for w in query_words), key=lambda r: r[1] - r[0])
        lo, hi = ranges[0]
        candidates = set(self._word_index.ids[lo:hi])
        for lo, hi in ranges[1:]:
            if not candidates:
                break
            candidates.intersection_update(self._word_index.ids[lo:hi])
        if len(query_words) == 1:
            return list(candidates)
        return [i for i in candidates if _words_match(query_words, self._words[i])]


def _words_match(query_words: list[str], name_words: list[str]) -> bool:
    """Each query word starts a distinct word of the name (greedy, longest words first)."""
    free = list(name_words)
    for qw in sorted(query_words, key=len, reverse=True):
        for j, nw in enumerate(free):
            if nw.startswith(qw):
                del free[j]
                break
        else:
            return False
    return True


def _parse_float(value: str) -> float | None:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        return None


def _csv_path(path: str | Path | None) -> Path:
    return Path(path) if path is not None else paths.resource("communes", "communes_fr.csv")


def load_communes(path: str | Path | None = None) -> list[Commune]:
    """Read the communes CSV; rows without coordinates keep ``lat``/``lon`` None."""
    path = _csv_path(path)
    communes: list[Commune] = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        col = {name: i for i, name in enumerate(next(reader))}
        c_insee, c_name, c_dep = col["code_insee"], col["nom"], col["code_departement"]
        c_postal, c_pop, c_parent = col["codes_postaux"], col["population"], col["commune_parente"]
        c_lat, c_lon = col["latitude"], col["longitude"]
        for row in reader:
            lat, lon = _parse_float(row[c_lat]), _parse_float(row[c_lon])
            if lat is None or lon is None:
                lat = lon = None
            pop = row[c_pop].strip()
            communes.append(
                Commune(
                    insee=row[c_insee].strip().upper(),
                    name=row[c_name].strip(),
                    departement=row[c_dep].strip().upper(),
                    postal_codes=tuple(p for p in row[c_postal].split("|") if p),
                    population=int(pop) if pop.isdigit() else 0,
                    lat=lat,
                    lon=lon,
                    parent_insee=row[c_parent].strip() or None,
                )
            )
    return communes


@lru_cache(maxsize=8)
def _departement_codes(dep: str, path: Path) -> tuple[str, ...]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        col = {name: i for i, name in enumerate(next(reader))}
        c_insee, c_dep = col["code_insee"], col["code_departement"]
        return tuple(row[c_insee].strip().upper() for row in reader if row[c_dep].strip().upper() == dep)


def departement_insee_codes(code: str) -> list[str]:
    """INSEE codes of a département's communes (and arrondissements), as ``default_index().in_departement``
    lists them, without building the index when it is not built yet (a tenth of the time): the embedded
    server's start checks its demo territory with them, before the console's window shows."""
    dep = code.strip().upper()
    if _default is not None:
        return [c.insee for c in _default.in_departement(dep)]
    return list(_departement_codes(dep, _csv_path(None)))


_default: CommuneIndex | None = None
_default_lock = threading.Lock()


def default_index() -> CommuneIndex:
    """The index over the shipped CSV, built on first use and then shared."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = CommuneIndex(load_communes())
    return _default
