"""What makes a stored answer provable (R12: the platform's answer of the day, architecture §4): its
canonical JSON, its keyed digest, and the numbers of checks and batches."""

import datetime as dt
import os
import random
import re

import orjson
from django.core.serializers.json import DjangoJSONEncoder

from xinyong.core import crypto

CANONICAL = DjangoJSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))

# A batch number (64 random bits: batches are thousands a day, not millions) and, for answer n of the
# batch, the batch number followed by n in four digits (a batch holds at most 10,000 answers).
BATCH_ITEM = re.compile(r"(?P<batch>HB\d{8}[0-9A-F]{16})(?P<position>\d{4})")


def payload(answer: dict) -> str:
    """The answer as canonical JSON: what the digest covers, and (parsed by the database) what is stored."""
    return CANONICAL.encode(answer)


def digest(signed: str | bytes) -> str:
    """The signature stored with an answer or a batch document: `<key id>:<HMAC>` under the check-signing
    key, which is not the secret key's own (core.crypto, docs/design/keys.md)."""
    return crypto.sign_check(signed.encode() if isinstance(signed, str) else signed)


def genuine(signed: str | bytes, signature: str) -> bool:
    """Did a configured key sign exactly this? (Under the key the signature names: see `digest`.)"""
    return crypto.verify_check(signed.encode() if isinstance(signed, str) else signed, signature)


def to_json(value) -> bytes:
    """JSON of what other slices add to answers (dates and decimals as the canonical encoder writes them)."""
    return orjson.dumps(value, default=CANONICAL.default)


# A generator of our own, seeded from the kernel and reseeded in every forked worker, not `secrets`: a
# number is no credential (reading a check needs the implementer's own token) and the kernel's generator
# costs up to 80 µs a call on these machines. Not the module-level `random`, which any library may seed
# (hypothesis does, per example): two checks would then share a number and the second could not be stored.
_NUMBERS = random.Random()
os.register_at_fork(after_in_child=_NUMBERS.seed)


def _random_number(prefix: str, now: dt.datetime, bits: int) -> str:
    return f"{prefix}{now:%Y%m%d}{_NUMBERS.getrandbits(bits):0{bits // 4}X}"


def check_number(now: dt.datetime) -> str:
    # 80 random bits: unique among billions of checks a day without asking the database.
    return _random_number("HC", now, 80)


def batch_number(now: dt.datetime) -> str:
    return _random_number("HB", now, 64)
