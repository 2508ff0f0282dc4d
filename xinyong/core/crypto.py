"""Encryption at rest and keyed-hash lookup for personal ID numbers (R29, architecture §6).

The ciphertext is for showing a department the full number when it is entitled to it; the keyed
hash is what the database indexes, so lookups never need decryption and a leaked table does not
reveal numbers by brute force over the small ID space without the lookup key.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _derive(label: str, material: str) -> bytes:
    return hashlib.sha256(f"xinyong:{label}:{material}".encode()).digest()


@cache
def _cipher() -> MultiFernet:
    keys = settings.XINYONG_FIELD_KEYS or [settings.SECRET_KEY]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive("field", k))) for k in keys])


@cache
def _lookup_key() -> bytes:
    return _derive("lookup", settings.XINYONG_LOOKUP_KEY or settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return _cipher().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _cipher().decrypt(token.encode()).decode()


def reencrypt(token: str) -> str:
    """Re-encrypt under the current (first) key; used by key rotation."""
    return _cipher().rotate(token.encode()).decode()


def lookup_hash(value: str) -> str:
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()
