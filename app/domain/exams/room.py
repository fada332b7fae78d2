"""Exam-room rules: may this request touch this attempt? Pure functions over plain values.

One decision for every path that reads or changes an attempt in progress (the exam page,
start/resume, the autosave fast path, the full save path, submit and proctoring events), so the
rules cannot drift apart between them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

UNPUBLISHED = "unpublished"  # the exam went back to a draft while the attempt was running
NETWORK = "network"  # the request comes from outside every allowed network
DEVICE = "device"  # the attempt is bound to another browser session
BIND = "bind"  # single_device and nothing bound yet: the caller binds this session (a write)

EVENT_KINDS = ("focus_lost", "focus_back", "fullscreen_exit", "paste")


def bad_networks(entries: list[str]) -> list[str]:
    """The entries that are not an IPv4/IPv6 address or network (``ip_network(strict=False)``)."""
    bad = []
    for entry in entries:
        try:
            ipaddress.ip_network(str(entry).strip(), strict=False)
        except ValueError:
            bad.append(entry)
    return bad


@lru_cache(maxsize=256)
def _parsed(networks: tuple[str, ...]) -> tuple:
    parsed = []
    for entry in networks:
        try:
            parsed.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:  # validated on the way in; a stray bad entry admits nobody through it
            continue
    return tuple(parsed)


def address_allowed(remote_addr: str | None, networks: list[str] | tuple[str, ...] | None) -> bool:
    """Whether ``remote_addr`` lies in one of ``networks``; an empty list allows every address."""
    if not networks:
        return True
    try:
        address = ipaddress.ip_address((remote_addr or "").split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # "::ffff:10.0.0.5" from a dual-stack socket
    candidates = (address, mapped) if mapped is not None else (address,)
    return any(a in net for net in _parsed(tuple(networks)) for a in candidates if a.version == net.version)


def device_hash(token: str | None) -> str | None:
    """What the attempt stores for a session's device token (64 hex characters)."""
    return hashlib.sha256(token.encode()).hexdigest() if token else None


def codes_match(expected: str, typed: object) -> bool:
    """Compare an access code in constant time (surrounding spaces ignored)."""
    if not isinstance(typed, str):
        return False
    return hmac.compare_digest(expected.strip().encode(), typed.strip().encode())


def room_decision(*, published: bool, is_instructor: bool, networks, remote_addr: str | None,
                  single_device: bool, bound_hash: str | None, session_hash: str | None) -> str | None:
    """``None`` when the request may touch the attempt, else why not (or :data:`BIND`).

    ``published``: the exam is visible to students (not a draft). Unpublishing stops students
    only (an instructor's own attempt, begun before, goes on); the network and device rules apply
    to everyone who takes the exam.
    """
    if not published and not is_instructor:
        return UNPUBLISHED
    if not address_allowed(remote_addr, networks):
        return NETWORK
    if single_device:
        if bound_hash is None:
            return BIND
        if session_hash is None or not hmac.compare_digest(bound_hash, session_hash):
            return DEVICE
    return None
