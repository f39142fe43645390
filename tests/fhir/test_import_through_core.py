"""``sas fhir import`` goes through the regulation core: an actor, its role checked, the act audited.

Run in-process through ``app.cli.main`` on real SQLite files.  The expected audit rows
and refusals are written out here: who (the ``--by`` account or the technical
``cli:<system user>``), the action ``agenda.import``, and nothing stored when refused.
"""

from __future__ import annotations

import getpass

import pytest
from sqlalchemy import func, select

from app import cli
from app.models import Effecteur, Slot, User
from app.models.db import open_database, sqlite_url
from app.models.journal import AuditEvent
from tests.fhir.conftest import example_path

BUNDLE = str(example_path("Bundle-ExampleBundlePSIndiv.json"))


@pytest.fixture
def db(tmp_path):
    url = sqlite_url(tmp_path / "fhir.db")
    engine, sessions = open_database(url)
    with sessions() as s:
        s.add_all([User(username="admin", display_name="Admin", role="ADMIN", password_hash="x"),
                    User(username="arm", display_name="ARM", role="ARM", password_hash="x"),
                    User(username="ancien", display_name="Parti", role="ADMIN", password_hash="x", active=False)])
        s.commit()
    yield url, sessions
    engine.dispose()


def _counts(sessions) -> tuple[int, int]:
    with sessions() as s:
        return (s.scalar(select(func.count()).select_from(Slot)),
                s.scalar(select(func.count()).select_from(Effecteur)))


def _audit(sessions) -> list[tuple[str, str, str, str]]:
    with sessions() as s:
        return [tuple(r) for r in s.execute(select(AuditEvent.username, AuditEvent.role, AuditEvent.object_uuid,
                                                   AuditEvent.outcome)
                                            .where(AuditEvent.action == "agenda.import")
                                            .order_by(AuditEvent.id))]


def test_an_import_by_a_named_administrator_is_audited_with_what_it_changed(db, capsys):
    url, sessions = db
    assert cli.main(["fhir", "import", BUNDLE, "--db", url, "--editeur", "editeur-a", "--by", "admin"]) == 0
    assert "Créneaux : 4 ajouté(s)" in capsys.readouterr().out
    assert cli.main(["fhir", "import", BUNDLE, "--db", url, "--editeur", "editeur-a", "--by", "admin"]) == 0
    assert _counts(sessions) == (4, 2)
    assert _audit(sessions) == [("admin", "ADMIN", "editeur-a", "+4 ~0 =0"),
                                ("admin", "ADMIN", "editeur-a", "+0 ~0 =4")]


def test_without_by_the_technical_administrator_of_the_machine_imports(db):
    url, sessions = db
    assert cli.main(["fhir", "import", BUNDLE, "--db", url]) == 0
    assert _audit(sessions) == [(f"cli:{getpass.getuser()}", "ADMIN", "fhir", "+4 ~0 =0")]


@pytest.mark.parametrize("by, message", [
    ("arm", "Import refusé : Import des agendas : réservé à l'administrateur technique (ADMIN)"),
    ("personne", "Import refusé : --by : compte inconnu ou désactivé (personne)"),
    ("ancien", "Import refusé : --by : compte inconnu ou désactivé (ancien)"),
], ids=["desk-role", "unknown", "inactive"])
def test_an_account_that_may_not_import_is_refused_and_nothing_is_stored(db, capsys, by, message):
    url, sessions = db
    assert cli.main(["fhir", "import", BUNDLE, "--db", url, "--by", by]) == 1
    assert capsys.readouterr().err.strip() == message
    assert _counts(sessions) == (0, 0)
    assert _audit(sessions) == []
