"""Room calls through a real kamailio to real baresip desks: parallel ringing, hidden number, hang-up,
hold, blind transfer to a doctor's desk, calling out through the trunk."""

from __future__ import annotations

import asyncio

import pytest

from tests.telephony.conftest import PhoneFactory, dial_and_ring

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]


async def test_room_call_rings_on_both_free_arm_desks_first_answer_wins(phones: PhoneFactory) -> None:
    arm1, arm2 = await phones.desk("arm1"), await phones.desk("arm2")
    caller = await phones.caller("0612345678")

    call_id, (ring1, ring2), elapsed = await dial_and_ring(caller, "15", [arm1, arm2])

    assert ring1.number == ring2.number == "0612345678"
    # the room call id: the same SIP Call-ID on every ringing desk and at the caller
    assert ring1.sip_call_id == ring2.sip_call_id == call_id
    assert elapsed < 2.0
    await caller.next("ringing", call_id)

    await arm2.softphone.accept(ring2.call_id)
    await arm2.next("established", call_id)
    await caller.next("established", call_id)
    gone = await arm1.next("closed", call_id)
    assert gone.call_id == call_id
    assert arm1.softphone.calls == {}
    assert set(arm2.softphone.calls) == {call_id}
    assert "established" not in arm1.kinds()


async def test_a_busy_desk_is_skipped(phones: PhoneFactory) -> None:
    arm1, arm2 = await phones.desk("arm1"), await phones.desk("arm2")
    first, second = await phones.caller("0611111111"), await phones.caller("0622222222")
    call_id, _, _ = await dial_and_ring(first, "116117", [arm1, arm2])
    await arm1.softphone.accept(call_id)
    await first.next("established", call_id)
    await arm2.next("closed", call_id)

    other_id, (ring,), _ = await dial_and_ring(second, "15", [arm2])
    assert ring.number == "0622222222" and ring.call_id == other_id
    await asyncio.sleep(0.3)
    assert [e.call_id for e in arm1.events if e.kind == "incoming"] == [call_id]


async def test_hidden_caller_has_no_number(phones: PhoneFactory) -> None:
    arm1 = await phones.desk("arm1")
    caller = await phones.caller("anonymous", domain="anonymous.invalid")
    _, (ring,), _ = await dial_and_ring(caller, "sip:15@127.0.0.1", [arm1])
    assert ring.number is None and ring.hidden


async def test_hangup_from_either_side_closes_both(phones: PhoneFactory) -> None:
    arm1 = await phones.desk("arm1")
    caller = await phones.caller("0612345678")
    for hanging_up_side in ("caller", "desk"):
        call_id, _, _ = await dial_and_ring(caller, "15", [arm1])
        await arm1.softphone.accept(call_id)
        await caller.next("established", call_id)
        side, other = (caller, arm1) if hanging_up_side == "caller" else (arm1, caller)
        await side.softphone.hangup(call_id)
        await other.next("closed", call_id)
        await side.next("closed", call_id)
        assert caller.softphone.calls == {} and arm1.softphone.calls == {}


async def test_hold_and_resume_keep_the_call(phones: PhoneFactory) -> None:
    arm1 = await phones.desk("arm1")
    caller = await phones.caller("0612345678")
    call_id, _, _ = await dial_and_ring(caller, "15", [arm1])
    await arm1.softphone.accept(call_id)
    await caller.next("established", call_id)

    await arm1.softphone.hold(call_id)
    assert (await arm1.next("held", call_id)).number == "0612345678"
    await arm1.softphone.resume(call_id)
    await arm1.next("resumed", call_id)
    await asyncio.sleep(0.3)
    assert "closed" not in caller.kinds() and call_id in caller.softphone.calls
    assert arm1.softphone.calls[call_id].kind == "resumed"


async def test_blind_transfer_from_arm_to_doctor_desk(phones: PhoneFactory) -> None:
    arm1, mru1 = await phones.desk("arm1"), await phones.desk("mru1")
    caller = await phones.caller("0612345678")
    call_id, _, _ = await dial_and_ring(caller, "15", [arm1])
    await arm1.softphone.accept(call_id)
    await caller.next("established", call_id)

    await arm1.softphone.transfer(call_id, "mru1")
    assert (await arm1.next("transferred", call_id)).reason == "sip:mru1@127.0.0.1"
    ring = await mru1.next("incoming")
    assert ring.number == "0612345678" and ring.call_id != call_id
    await mru1.softphone.accept(ring.call_id)
    established = await caller.next("established", ring.call_id)
    assert established.peer_uri.startswith("sip:mru1@")
    await arm1.next("closed", call_id)
    await caller.next("closed", call_id)
    assert set(caller.softphone.calls) == {ring.call_id}


async def test_desk_calls_out_through_the_trunk(phones: PhoneFactory) -> None:
    arm1 = await phones.desk("arm1")
    effecteur = await phones.outside("0498765432")
    call_id = await arm1.softphone.dial("04 98 76 54 32")
    ring = await effecteur.next("incoming", call_id)
    assert ring.number == "arm1"
    await arm1.next("ringing", call_id)
    await effecteur.softphone.accept(call_id)
    established = await arm1.next("established", call_id)
    assert established.direction == "outgoing" and established.number == "0498765432"
