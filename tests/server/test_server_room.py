"""``sas server --departement``: the server's room, whose clock its Hub messages and FHIR appointments read."""

from __future__ import annotations

from app import cli


def test_a_wrong_departement_is_refused_by_name_before_the_server_starts(capsys):
    assert cli.main(["server", "--departement", "20", "--db", "sqlite:///:memory:"]) == 2
    assert "--departement « 20 »" in capsys.readouterr().err


def test_the_departement_defaults_to_the_environment(monkeypatch):
    monkeypatch.setenv("SAS_DEPARTEMENT", "974")
    args = cli._build_parser().parse_args(["server"])
    assert args.departement == "974"
