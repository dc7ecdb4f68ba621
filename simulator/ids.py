"""Deterministic identifiers in each vendor's style.

* Revenium ids are hashids: short URL-safe base62 strings (``X5oon5``). Metric ids here are a bijective
  scramble of (day, index of the call in its day) under a seed-derived key, so they are unique across the
  whole world without any bookkeeping, look random, and can be generated for any single day.
* The base62 alphabet is in ASCII order and ids are fixed-width, so comparing id strings is comparing the
  scrambled integers; sorting by ``(time, id)`` can be done on integers and still match string order.
* Helicone request ids are UUIDv4 strings, trace ids 32 hex digits, transaction (span) ids 16 hex digits
  (OpenTelemetry's sizes): all drawn from the day's random generator and formatted only when served.
"""

from __future__ import annotations

import hashlib

import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ASCII order
METRIC_ID_WIDTH = 9  # 62**9 > 2**48 > 62**8
_MASK48 = (1 << 48) - 1
_M1 = 0x9E3779B97F4B  # odd multipliers: multiplication by an odd number is a bijection mod 2**48
_M2 = 0xC2B2AE3D27D5
INDEX_BITS = 24  # calls per day must stay below 2**24 (16.7M)


def base62(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, rem = divmod(value, 62)
        chars.append(ALPHABET[rem])
    if value:
        raise ValueError("value does not fit the width")
    return "".join(reversed(chars))


_ALPHABET_BYTES = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)


def base62_many(values: np.ndarray, width: int) -> list[str]:
    """``base62`` of many values at once (numpy digit arithmetic; the same strings)."""
    v = np.asarray(values, dtype=np.uint64).copy()
    digits = np.empty((len(v), width), dtype=np.uint8)
    for k in range(width - 1, -1, -1):
        digits[:, k] = (v % np.uint64(62)).astype(np.uint8)
        v //= np.uint64(62)
    if v.any():
        raise ValueError("value does not fit the width")
    return (
        np.ascontiguousarray(_ALPHABET_BYTES[digits]).view(f"S{width}").ravel().astype(f"U{width}").tolist()
    )


def name_hashid(name: str, width: int = 7) -> str:
    """A stable hashid for a catalogue entity, independent of the seed."""
    digest = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")
    return base62(digest % 62**width, width)


def _key48(seed: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"metric-id:{seed}".encode(), digest_size=6).digest(), "big")


def metric_id_ints(seed: int, day_ordinal: int, count: int) -> np.ndarray:
    """Scrambled 48-bit integers behind the Revenium metric ids of one day's calls (uint64)."""
    if count >= 1 << INDEX_BITS:
        raise ValueError(f"at most {1 << INDEX_BITS} calls a day")
    x = (np.uint64(day_ordinal) << np.uint64(INDEX_BITS)) | np.arange(count, dtype=np.uint64)
    mask, key = np.uint64(_MASK48), np.uint64(_key48(seed))
    # Each step is a bijection on 48-bit integers, so distinct (day, index) give distinct ids.
    x = (x * np.uint64(_M1)) & mask
    x ^= x >> np.uint64(21)
    x = (x * np.uint64(_M2)) & mask
    x ^= x >> np.uint64(19)
    return x ^ key


def metric_id(value: int) -> str:
    return base62(int(value), METRIC_ID_WIDTH)


def hex16(value: int) -> str:
    return f"{int(value):016x}"


def hex32(hi: int, lo: int) -> str:
    return f"{int(hi):016x}{int(lo):016x}"


def uuid4_parts(hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Set the version (4) and variant (10xx) bits of random 128-bit values held as two uint64 halves."""
    hi = (hi & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x0000000000004000)
    lo = (lo & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
    return hi, lo


def uuid_str(hi: int, lo: int) -> str:
    h = f"{int(hi):016x}{int(lo):016x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def parse_uuid(text: str) -> tuple[int, int] | None:
    """(hi, lo) halves of a UUID string, or None if it is not one."""
    h = text.replace("-", "").lower()
    if len(h) != 32:
        return None
    try:
        return int(h[:16], 16), int(h[16:], 16)
    except ValueError:
        return None


def splitmix64(x: np.ndarray) -> np.ndarray:
    """A bijective mix of uint64 values (used to derive one id from another without new draws)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))
