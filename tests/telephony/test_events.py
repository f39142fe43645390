"""Parsing what baresip 1.0.0 sends on ctrl_tcp (examples captured from the real process), the caller's
number, netstrings, the desk's baresip profile and the room's kamailio config."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from app.services.telephony.ctrl_tcp import CtrlError, NetstringDecoder, encode
from app.services.telephony.events import caller_number, parse_event, register_state
from app.services.telephony.profile import account_line, config_text
from app.services.telephony.proxy import ProxySettings, config_text as proxy_config
from app.services.telephony.settings import TelephonySettings

INCOMING = (
    '{"event":true,"type":"CALL_INCOMING","class":"call","accountaor":"sip:b@127.0.0.1:25062",'
    '"direction":"incoming","peeruri":"sip:+33612345678@127.0.0.1","id":"908e6d8cbef031c1",'
    '"param":"sip:+33612345678@127.0.0.1"}'
)
CLOSED = (
    '{"event":true,"type":"CALL_CLOSED","class":"call","accountaor":"sip:b@127.0.0.1:25062",'
    '"direction":"incoming","peeruri":"sip:a@127.0.0.1:25060","id":"908e6d8cbef031c1",'
    '"param":"Connection reset by peer"}'
)
SDP = (
    '{"event":true,"type":"CALL_LOCAL_SDP","class":"other","accountaor":"sip:a@127.0.0.1:25060",'
    '"direction":"outgoing","peeruri":"sip:b@127.0.0.1:25062","param":"offer"}'
)


def test_incoming_event_gives_the_room_call_id_and_national_number() -> None:
    event = parse_event(json.loads(INCOMING))
    assert event is not None
    assert (event.kind, event.call_id, event.sip_call_id) == ("incoming", "908e6d8cbef031c1", "908e6d8cbef031c1")
    assert event.number == "0612345678" and not event.hidden and event.reason is None


def test_closed_event_keeps_the_reason_and_media_events_are_ignored() -> None:
    event = parse_event(json.loads(CLOSED))
    assert event is not None and event.kind == "closed" and event.reason == "Connection reset by peer"
    assert parse_event(json.loads(SDP)) is None
    assert parse_event({"response": True, "ok": True, "data": "", "token": "x"}) is None


def test_registration_events_give_the_state() -> None:
    assert register_state({"event": True, "class": "register", "type": "REGISTER_OK"}) == "ready"
    assert register_state({"event": True, "class": "register", "type": "REGISTER_FAIL"}) == "down"
    assert register_state(json.loads(INCOMING)) is None


@pytest.mark.parametrize(
    ("uri", "number"),
    [
        ("sip:0612345678@127.0.0.1", "0612345678"),
        ("<sip:+33612345678@sas.example;user=phone>", "0612345678"),
        ("sip:0033612345678@trunk", "0612345678"),
        ("sip:+441632960961@trunk", "+441632960961"),
        ("sip:anonymous@anonymous.invalid", None),
        ("sip:Restricted@trunk", None),
        ("sip:127.0.0.1", None),
        ("sip:mru1@127.0.0.1", "mru1"),
    ],
)
def test_caller_number(uri: str, number: str | None) -> None:
    assert caller_number(uri) == number


def test_netstrings_split_across_reads() -> None:
    data = encode({"a": 1}) + encode({"b": "é"})
    decoder = NetstringDecoder()
    parts = decoder.feed(data[:5]) + decoder.feed(data[5:])
    assert [json.loads(p) for p in parts] == [{"a": 1}, {"b": "é"}]
    with pytest.raises(CtrlError):
        NetstringDecoder().feed(b"3:abc;")


def test_profile_has_account_proxy_and_no_sound_card() -> None:
    settings = TelephonySettings(
        enabled=True, sip_user="arm1", sip_password="s3cret", proxy="127.0.0.1:5070",
        local_sip_port=5100, ctrl_port=4500,
    )
    line = account_line(settings)
    assert line.startswith("<sip:arm1@127.0.0.1>;") and 'outbound="sip:127.0.0.1:5070;lr"' in line
    assert "auth_pass=s3cret" in line and "regint=60" in line and "answermode=manual" in line
    config = config_text(settings)
    assert "ctrl_tcp_listen\t\t127.0.0.1:4500" in config and "sip_listen\t\t127.0.0.1:5100" in config
    assert "alsa" not in config and "ausine.so" in config
    assert "s3cret" not in repr(settings) and "s3cret" not in settings.describe()
    assert "aufile,/tmp/x.wav" in config_text(TelephonySettings(sip_user="a", audio="aufile:/tmp/x.wav"))
    assert TelephonySettings().problems() == ["Téléphonie : l'utilisateur SIP est obligatoire."]


def test_kamailio_config_is_valid_for_given_settings(tmp_path: Path) -> None:
    settings = ProxySettings(port=5999, room_numbers=("15", "3966"), trunk="sip:10.0.0.5:5060", secret="s" * 16)
    text = proxy_config(settings)
    assert "#!define SAS_LISTEN udp:127.0.0.1:5999" in text and '"^(15|3966)$"' in text
    cfg = tmp_path / "kamailio.cfg"
    cfg.write_text(text)
    check = subprocess.run(["kamailio", "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr[-1500:]
    assert "s" * 16 not in repr(settings)
    with pytest.raises(ValueError, match="secret de la salle"):
        proxy_config(ProxySettings())  # no room secret: no proxy that lets anyone register
