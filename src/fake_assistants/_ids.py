"""Deterministic ids: a private random source per resource, never the global one."""

from __future__ import annotations

import random
import string
import uuid

ALPHABET = string.ascii_letters + string.digits
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

    def new(self, prefix: str) -> str:
        while True:
            candidate = prefix + "".join(self._objects.choices(ALPHABET, k=ID_LENGTH))
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def request_id(self) -> str:
        """A uuid4-shaped id for `x-request-id`; its own stream, so reads never shift ids."""
        return str(uuid.UUID(int=self._requests.getrandbits(128), version=4))
