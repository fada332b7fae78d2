"""The exam-room decision (app/domain/exams/room.py): pure, shared by every path that touches an attempt."""

import pytest

from app.domain.exams import room
from app.domain.exams.blueprint import ExamDefinition


@pytest.mark.parametrize("address, allowed", [
    ("192.168.10.7", True), ("192.168.11.7", False), ("10.1.2.3", True), ("10.1.2.4", False),
    ("::ffff:192.168.10.7", True),  # a dual-stack socket's view of an IPv4 client
    ("2001:db8::1", True), ("2001:db9::1", False), ("", False), (None, False), ("not-an-ip", False),
    ("fe80::1%eth0", False),
])
def test_address_allowed(address, allowed):
    networks = ["192.168.10.0/24", "10.1.2.3", "2001:db8::/32"]
    assert room.address_allowed(address, networks) is allowed


def test_no_networks_means_anywhere():
    assert room.address_allowed(None, []) and room.address_allowed("8.8.8.8", None)


def test_bad_networks_are_named_and_host_bits_are_allowed():
    assert room.bad_networks(["192.168.1.5/24", "10.0.0.0/8", "::1", "10.0.0.300/8", "abc", "1.2.3.4/33"]) == [
        "10.0.0.300/8", "abc", "1.2.3.4/33"]


def test_the_definition_rejects_a_bad_network_naming_it():
    base = {"title": "t", "rules": [{"count": 1}]}
    with pytest.raises(ValueError, match="nope"):
        ExamDefinition.model_validate(dict(base, allowed_networks=["10.0.0.0/8", "nope"]))
    parsed = ExamDefinition.model_validate(dict(base, allowed_networks=[" 10.0.0.0/8 ", ""], access_code=" A1 "))
    assert parsed.allowed_networks == ["10.0.0.0/8"] and parsed.access_code == "A1"


def test_codes_match_exactly_apart_from_surrounding_spaces():
    assert room.codes_match("CRM-1", " CRM-1\n")
    assert not room.codes_match("CRM-1", "crm-1") and not room.codes_match("CRM-1", None)
    assert not room.codes_match("CRM-1", 1) and not room.codes_match("CRM-1", "CRM-12")


def _decide(**changes):
    values = dict(published=True, is_instructor=False, networks=["10.0.0.0/8"], remote_addr="10.1.1.1",
                  single_device=True, bound_hash=room.device_hash("a"), session_hash=room.device_hash("a"))
    values.update(changes)
    return room.room_decision(**values)


def test_room_decision():
    assert _decide() is None
    assert _decide(published=False) == room.UNPUBLISHED
    assert _decide(published=False, is_instructor=True) is None  # previewing a draft
    assert _decide(remote_addr="11.0.0.1") == room.NETWORK
    assert _decide(session_hash=room.device_hash("b")) == room.DEVICE
    assert _decide(session_hash=None) == room.DEVICE
    assert _decide(bound_hash=None) == room.BIND
    assert _decide(single_device=False, session_hash=None) is None
    assert len(room.device_hash("token")) == 64 and room.device_hash(None) is None
