"""Import of the Base Adresse Nationale (BAN) CSV into the ``addresses`` table.

The BAN publishes one file per département, ``adresses-67.csv`` (UTF-8,
separator ``;``, one header line)::

    id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;
    code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;
    nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;
    certification_commune;cad_parcelles

Columns are found by their header name, so an added column does not break the
import.  Rows are read as a stream and written in batches (an upsert by the BAN
``id``), so a département of 600,000 points needs little memory and a
re-import updates rather than duplicates.  Bad rows (no coordinates, no
commune) are counted and skipped; the caller sees progress after each batch.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from app.models import Address
from app.services.reference.addresses import normalize_rep, street_key

#: Columns the import needs (by header name).
REQUIRED = ("id", "numero", "rep", "nom_voie", "code_postal", "code_insee", "lon", "lat")
BATCH = 5000


class BanFormatError(ValueError):
    """The file is not a BAN addresses CSV (its header lacks a needed column)."""


@dataclass
class ImportReport:
    """What an import did: rows read, written (new or updated) and skipped with why."""

    read: int = 0
    written: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def rows(lines: Iterable[str], report: ImportReport) -> Iterator[dict]:
    """The ``addresses`` rows of a BAN CSV's lines (header first); bad rows are counted in ``report``."""
    reader = csv.reader(lines, delimiter=";")
    header = next(reader, None)
    if header is None:
        raise BanFormatError("fichier vide : l'en-tête BAN est attendu")
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BanFormatError(f"colonnes BAN absentes : {', '.join(missing)} (séparateur « ; » attendu)")
    col = {name: header.index(name) for name in REQUIRED}
    for values in reader:
        if not values:
            continue
        report.read += 1
        row = _row(values, col)
        if isinstance(row, str):
            report.skip(row)
        else:
            yield row


def _row(values: list[str], col: dict[str, int]) -> dict | str:
    def get(name: str) -> str:
        i = col[name]
        return values[i].strip() if i < len(values) else ""

    key, insee, street = get("id"), get("code_insee"), get("nom_voie")
    if not key or len(key) > 64:
        return "identifiant absent"
    if len(insee) != 5 or not street:
        return "commune ou voie absente"
    try:
        lat, lon = float(get("lat")), float(get("lon"))
        number = int(get("numero") or 0)
    except ValueError:
        return "coordonnées ou numéro illisibles"
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return "coordonnées hors limites"
    return {"id": key, "insee": insee, "street": street[:200], "street_key": street_key(street)[:200],
            "number": number, "rep": normalize_rep(get("rep"))[:10], "postal_code": get("code_postal")[:5],
            "lat": lat, "lon": lon}


def upsert(session: Session, batch: list[dict]) -> None:
    """Insert or update ``batch`` by id (SQLite and PostgreSQL: ``ON CONFLICT DO UPDATE``, one executemany)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the server runs on PostgreSQL or SQLite
        for row in batch:
            session.merge(Address(**row))
        return
    table = Address.__table__
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={c: statement.excluded[c] for c in ("insee", "street", "street_key", "number", "rep", "postal_code",
                                                  "lat", "lon")})
    # Core executemany: one compiled statement for the whole batch (a multi-VALUES statement of
    # thousands of rows costs seconds to compile).
    session.connection().execute(statement, batch)


def import_lines(sessions: Callable[[], Session], lines: Iterable[str], *, batch_size: int = BATCH,
                 progress: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Import BAN lines, committing each batch in its own transaction; the report of what happened."""
    report = ImportReport()
    batch: dict[str, dict] = {}

    def flush() -> None:
        if not batch:
            return
        with sessions() as session, session.begin():
            upsert(session, list(batch.values()))
        report.written += len(batch)
        batch.clear()
        if progress is not None:
            progress(report)

    for row in rows(lines, report):
        batch[row["id"]] = row  # a file repeating an id keeps its last line
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def import_file(sessions: Callable[[], Session], path: str | Path, **kwargs) -> ImportReport:
    """Import a BAN CSV file (UTF-8, with or without BOM; a ``.gz`` is read compressed)."""
    path = Path(path)
    if path.suffix == ".gz":
        import gzip

        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as f:
            return import_lines(sessions, f, **kwargs)
    with io.open(path, encoding="utf-8-sig", newline="") as f:
        return import_lines(sessions, f, **kwargs)
