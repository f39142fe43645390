"""``sas address import``: a BAN file into the server's database, with progress, idempotent, French errors."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.cli import main
from app.models import Address
from app.models.db import open_database, sqlite_url

SAMPLE = Path(__file__).resolve().parent / "data" / "ban" / "adresses-67-extrait.csv"


def test_import_prints_counts_and_progress_and_can_run_twice(tmp_path, capsys):
    url = sqlite_url(tmp_path / "server.db")
    for _ in range(2):
        assert main(["address", "import", str(SAMPLE), "--db", url, "--batch", "5"]) == 0
        out, err = capsys.readouterr()
        assert "15 ligne(s) lue(s), 14 adresse(s) enregistrée(s)" in out
        assert "1 ligne(s) ignorée(s) : coordonnées ou numéro illisibles" in out
        assert "10 lignes lues" in err  # progress after each batch
        assert "Dôme" not in out + err  # counts only, never addresses
    engine, sessions = open_database(url)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Address)) == 14
    engine.dispose()


def test_missing_or_foreign_files_are_refused_in_french(tmp_path, capsys):
    url = sqlite_url(tmp_path / "server.db")
    assert main(["address", "import", str(tmp_path / "absent.csv"), "--db", url]) == 1
    assert "fichier introuvable" in capsys.readouterr().err
    other = tmp_path / "communes.csv"
    other.write_text("insee,nom\n67482,Strasbourg\n", encoding="utf-8")
    assert main(["address", "import", str(other), "--db", url]) == 1
    assert "colonnes BAN absentes" in capsys.readouterr().err
