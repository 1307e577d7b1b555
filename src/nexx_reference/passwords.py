"""Password hashing with Argon2id; hashes never leave the storage layer."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# "default" is argon2-cffi's RFC 9106 low-memory profile; "cheapest" exists only so a
# test run with hundreds of registrations stays fast. Never use it for real accounts.
COSTS = {"default": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


class Passwords:
    def __init__(self, cost: str = "default") -> None:
        if cost not in COSTS:
            raise ValueError(f"unknown password hash cost {cost!r}; allowed: {', '.join(COSTS)}")
        self._hasher = PasswordHasher.from_parameters(COSTS[cost])
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        # Hashing takes tens of milliseconds: a worker thread keeps the event loop free.
        return await asyncio.to_thread(self._hasher.hash, password)

    async def matches(self, stored_hash: str | None, password: str) -> bool:
        """True when `password` is the one hashed. With no hash (unknown account) a dummy
        hash is checked anyway, so the answer takes as long and reveals nothing."""

        def verify() -> bool:
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
            try:
                return self._hasher.verify(stored_hash or self._dummy_hash, password) and bool(
                    stored_hash
                )
            except (VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(verify)
