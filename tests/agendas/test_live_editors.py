"""The live agendas' configuration and supervision (issue 14, item 1 and 2, server side).

* ``sas server --editors bad.toml`` stops at start, exit 2, with the French message naming the field;
* targets: each editor is asked about the effecteurs of the kind it serves, or only those
  imported for it (``sas agendas import-editors``, ADMIN only, audited);
* ``GET /api/v1/editors``: each editor's health for the ADMIN, 403 for the others;
* the periodic refresh runs by itself; on PostgreSQL, a process that does not hold the lease skips it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from app import cli
from app.models import Slot
from app.models.journal import AuditEvent
from app.models.agenda import EffecteurEditor
from app.services.agendas import assignments
from app.services.agendas.live import PG_REFRESH_LOCK_KEY
from app.services.agendas.targets import targets_for
from app.services.regulation.actor import Actor
from app.services.regulation.errors import Refused
from tests.agendas.live_support import TestClient, auth, build_app, editor, practitioner, run_on_loop, seed, wait_for
from tests.helpers.databases import database_url

ROOT = Path(__file__).resolve().parents[2]
RPPS_A, RPPS_B, SIRET = "10000000001", "10000000002", "12345678900011"


def test_bad_registry_stops_the_server_with_exit_2(tmp_path):
    bad = tmp_path / "editors.toml"
    bad.write_text('[[editor]]\nname = "Alpha"\nbase_url = "ftp://agenda.example"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "app.cli", "server", "--db", f"sqlite:///{tmp_path / 'x.db'}",
                           "--editors", str(bad), "--port", "1"], capture_output=True, text=True, env=env,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 2
    assert "editor[1].base_url" in done.stderr and "adresse http(s) attendue" in done.stderr
    assert not (tmp_path / "x.db").exists()  # stopped before opening anything
    missing = tmp_path / "absent.toml"
    assert cli.main(["server", "--db", "sqlite://", "--editors", str(missing)]) == 2


@pytest.mark.parametrize("value", ["0", "65", "2.5", "true", '"4"'])
def test_an_editor_concurrency_out_of_range_is_refused_naming_the_field(value):
    from app.services.agendas.registry import RegistryError, parse

    document = tomllib.loads(f'[[editor]]\nname = "Alpha"\nbase_url = "https://a.example/fhir"\n'
                             f'concurrency = {value}\n')
    with pytest.raises(RegistryError, match=r"^editor\[1\]\.concurrency : nombre entier"):
        parse(document)
    assert parse(tomllib.loads('[[editor]]\nname = "A"\nbase_url = "https://a.example/"\nconcurrency = 12\n')
                 ).editors[0].concurrency == 12


def test_targets_honour_serves_and_the_imported_editors(fakes, tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'db.sqlite'}",
                    [editor("ps-only", fakes.url("a")), editor("cpts", fakes.url("b"), serves=("cpts",)),
                     editor("sos", fakes.url("c"), serves=("sos",))])
    seed(app, [("eff-a", RPPS_A), ("eff-b", RPPS_B)], sos=[("eff-sos", SIRET)])
    registry = app.state.sas.editors
    with app.state.sas.sessions() as s:
        found = targets_for(s, registry, departements=["67"])
        assert found["ps-only"].practitioners == {"eff-a": RPPS_A, "eff-b": RPPS_B} and not found["ps-only"].sos
        assert found["cpts"].practitioners == {"eff-a": RPPS_A, "eff-b": RPPS_B}
        assert found["sos"].sos == {"eff-sos": SIRET} and not found["sos"].practitioners
        assert targets_for(s, registry, departements=["68"]) == {}  # another territory
        admin = Actor(username="admin", role="ADMIN")
        rows = assignments.read_csv(f"effecteur;editeur\n8{RPPS_B};cpts\n3{SIRET};sos\n")
        change = assignments.import_effecteur_editors(s, admin, rows, known_editors={e.name for e in registry.editors})
        s.commit()
        assert change.summary["links"] == 2
        found = targets_for(s, registry, departements=["67"])
        assert found["ps-only"].practitioners == {"eff-a": RPPS_A}
        assert found["cpts"].practitioners == {"eff-a": RPPS_A, "eff-b": RPPS_B}
        with pytest.raises(Refused) as refused:
            assignments.import_effecteur_editors(s, Actor(username="osnp", role="OSNP"), rows)
        assert refused.value.status_code == 403
        with pytest.raises(Refused) as invalid:
            assignments.import_effecteur_editors(s, admin, assignments.read_csv("99999999999;cpts\neff-a;inconnu\n"),
                                                 known_editors={"cpts"})
        assert [f["field"] for f in invalid.value.fields] == ["ligne 1, effecteur", "ligne 2, éditeur"]
        assert s.scalars(select(AuditEvent.outcome).where(
            AuditEvent.action == assignments.AUDIT_ACTION)).all() == ["2 eff. 2 liens"]
    app.state.sas.engine.dispose()


def test_import_editors_command(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'db.sqlite'}", [])
    seed(app, [("eff-a", RPPS_A)])
    app.state.sas.engine.dispose()
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    registry_file = tmp_path / "editors.toml"
    registry_file.write_text('[[editor]]\nname = "Alpha"\nbase_url = "https://alpha.example/fhir"\n', encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text(f"{RPPS_A},Alpha\n", encoding="utf-8")
    assert cli.main(["agendas", "import-editors", str(good), "--db", url, "--editors", str(registry_file)]) == 0
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(f"{RPPS_A};Beta\n", encoding="utf-8")
    assert cli.main(["agendas", "import-editors", str(unknown), "--db", url, "--editors", str(registry_file)]) == 1
    assert cli.main(["agendas", "import-editors", str(good), "--db", url, "--by", "osnp"]) == 1
    again = build_app(url, [])
    with again.state.sas.sessions() as s:
        assert [(r.effecteur_id, r.editor) for r in s.scalars(select(EffecteurEditor))] == [("eff-a", "Alpha")]
    again.state.sas.engine.dispose()


def test_editors_health_for_the_admin_only(fakes, tmp_path):
    fakes.editor("good").add(practitioner(RPPS_A, 2, 3))
    fakes.editor("down").add(practitioner(RPPS_B, 2))
    fakes.editor("down").fail_status = 503
    app = build_app(f"sqlite:///{tmp_path / 'db.sqlite'}",
                    [editor("good", fakes.url("good"), booking=True),
                     editor("down", fakes.url("down"), serves=("ps", "sos"))])
    seed(app, [("eff-a", RPPS_A), ("eff-b", RPPS_B)])
    with TestClient(app) as client:
        run_on_loop(app, app.state.agendas.refresh_due)
        for role in ("ARM", "OSNP", "MRL", "MRU", "SUPERVISEUR", "HUB"):
            assert client.get("/api/v1/editors", headers=auth(app, role)).status_code == 403
        response = client.get("/api/v1/editors", headers=auth(app, "ADMIN"))
        assert response.status_code == 200
        body = {e["name"]: e for e in response.json()["editors"]}
        assert list(body) == ["good", "down"]
        good, down = body["good"], body["down"]
        assert good["healthy"] is True and good["slots"] == 2 and good["booking"] is True
        assert good["median_latency_ms"] is not None and good["last_error"] is None
        assert good["last_success_at"][-6:] in ("+01:00", "+02:00")  # room time, with its offset
        assert good["refreshed_at"] == good["last_success_at"]
        assert down["healthy"] is False and down["last_success_at"] is None and down["slots"] == 0
        assert "503" in down["last_error"] and "127.0.0.1" not in down["last_error"]
        assert RPPS_B not in down["last_error"] and down["serves"] == ["ps", "sos"]


def test_periodic_refresh_runs_by_itself(fakes, tmp_path):
    fakes.editor("alpha").add(practitioner(RPPS_A, 2))
    app = build_app(f"sqlite:///{tmp_path / 'db.sqlite'}", [editor("alpha", fakes.url("alpha"))],
                    first_delay_s=0.1, refresh_s=0.5)
    seed(app, [("eff-a", RPPS_A)])
    with TestClient(app):
        wait_for(lambda: app.state.agendas.runs >= 2, timeout=20)
        with app.state.sas.sessions() as s:
            assert [x.source for x in s.scalars(select(Slot))] == ["alpha"]


def test_postgresql_lease_lets_one_process_refresh(fakes, tmp_path):
    fakes.editor("alpha").add(practitioner(RPPS_A, 2))
    with database_url("postgresql", tmp_path) as url:
        app = build_app(url, [editor("alpha", fakes.url("alpha"))])
        try:
            seed(app, [("eff-a", RPPS_A)])
            with TestClient(app):
                with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as other:
                    other.execute("SELECT pg_advisory_lock(%s)", (PG_REFRESH_LOCK_KEY,))  # another process refreshes
                    assert run_on_loop(app, app.state.agendas.refresh_due) is None
                    other.execute("SELECT pg_advisory_unlock(%s)", (PG_REFRESH_LOCK_KEY,))
                outcomes = run_on_loop(app, app.state.agendas.refresh_due)
                assert [o.ok for o in outcomes] == [True]
                with app.state.sas.sessions() as s:
                    assert [x.source for x in s.scalars(select(Slot))] == ["alpha"]
        finally:
            app.state.sas.engine.dispose()


def test_each_worker_process_reads_the_registry(tmp_path, monkeypatch):
    from app.server import run

    registry_file = tmp_path / "editors.toml"
    registry_file.write_text('refresh_s = 120\n[[editor]]\nname = "Alpha"\nbase_url = "https://alpha.example/fhir"\n'
                             'serves = ["ps", "sos"]\nbooking = true\n', encoding="utf-8")
    monkeypatch.setenv(run.WORKER_ENV, json.dumps({
        "db_url": f"sqlite:///{tmp_path / 'w.db'}", "journal_key": str(tmp_path / "journal.key"),
        "departement": "67", "max_body_bytes": 1_000_000, "editors_file": str(registry_file)}))
    app = run.worker_app()
    try:
        editors = app.state.sas.editors
        assert [(e.name, e.booking, sorted(e.serves)) for e in editors.editors] == [("Alpha", True, ["ps", "sos"])]
        assert editors.refresh_s == 120
    finally:
        app.state.sas.engine.dispose()
