"""Deterministic ids: a private random source per resource, never the global one."""

from __future__ import annotations

import binascii
import random
import string
from typing import Any

ALPHABET = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
_ALNUM = bytes.maketrans(b"+/", b"Zz")  # base64's two symbols read as letters
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in HEX}  # uuid's 10xx bits
ID_LENGTH = 24


class IdFactory:
    """Makes `prefix + 24 letters and digits` ids, the same sequence for the same seed.

    `random.Random` seeded with a string hashes it with SHA-512, so the sequence does
    not depend on PYTHONHASHSEED or on what else ran in the process.
    """

    def __init__(self, seed: str) -> None:
        self._objects = random.Random(f"objects/{seed}")
        self._requests = random.Random(f"requests/{seed}")
        self._issued: set[str] = set()

    def state(self) -> dict[str, Any]:
        """Where both streams are and what was issued, as JSON values."""
        return {
            "objects": _json_state(self._objects.getstate()),
            "requests": _json_state(self._requests.getstate()),
            "issued": sorted(self._issued),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Goes on exactly where `state` was taken."""
        self._objects.setstate(_random_state(state["objects"]))
        self._requests.setstate(_random_state(state["requests"]))
        self._issued = set(state["issued"])

    def new(self, prefix: str, alphabet: str = ALPHABET, length: int = ID_LENGTH) -> str:
        """`prefix` + `length` characters of `alphabet` (Azure's batch file ids and batch
        ids are 32 lower-case hex digits)."""
        while True:
            candidate = prefix + self._draw(alphabet, length)
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def _draw(self, alphabet: str, length: int) -> str:
        """Random characters; the common shapes from one draw of bits (every id a request
        makes costs this, so it is kept cheap)."""
        if alphabet == ALPHABET and length == ID_LENGTH:
            raw = self._objects.getrandbits(144).to_bytes(18, "big")
            return binascii.b2a_base64(raw, newline=False).translate(_ALNUM).decode()
        if alphabet == HEX:
            return f"{self._objects.getrandbits(4 * length):0{length}x}"
        return "".join(self._objects.choices(alphabet, k=length))

    def request_id(self) -> str:
        """A uuid4-shaped id for `x-request-id`; its own stream, so reads never shift ids.
        Version and variant are set on the hex text (two per answer: kept cheap)."""
        return _uuid4(self._requests.getrandbits(128).to_bytes(16, "big").hex())

    def request_ids(self) -> tuple[str, str]:
        """What two `request_id()` calls give, from one draw: Mersenne Twister fills a
        wide draw low word first, so the low half is the first id."""
        text = self._requests.getrandbits(256).to_bytes(32, "big").hex()
        return _uuid4(text[32:]), _uuid4(text[:32])


def _uuid4(text: str) -> str:
    """32 hex digits as a uuid4: dashes, version 4 and the variant bits set."""
    variant = _VARIANT[text[16]]
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{variant}{text[17:20]}-{text[20:]}"


def _json_state(state: tuple[Any, ...]) -> list[Any]:
    version, internal, gauss = state
    return [version, list(internal), gauss]


def _random_state(value: list[Any]) -> tuple[Any, ...]:
    version, internal, gauss = value
    return (version, tuple(internal), gauss)
