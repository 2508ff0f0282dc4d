"""Encryption at rest and keyed-hash lookup for personal ID numbers (R29, architecture §6).

The ciphertext is for showing a department the full number when it is entitled to it; the keyed
hash is what the database indexes, so lookups never need decryption and a leaked table does not
reveal numbers by brute force over the small ID space without the lookup key.

Tokens are AES-256-GCM-SIV (RFC 8452: authenticated, and misuse-resistant — a repeated random nonce
reveals at most that two plaintexts were equal, never the key), written `s1:` + URL-safe Base64 of
nonce ‖ ciphertext ‖ tag. Bulk imports encrypt a number on every row, and Fernet cost 7 µs a token in
Python object set-up (a new CBC cipher, padder and HMAC per message) against 2 µs for this one-shot
call. Fernet tokens written before (`gAAAA…`) still decrypt; `xinyong rotate-keys` rewrites them.
Each key of `XINYONG_FIELD_KEYS` (or the secret key) derives one key per scheme.
"""

import base64
import binascii
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from django.conf import settings

PREFIX = "s1:"
NONCE_BYTES = 12


class InvalidToken(ValueError):
    """A token none of the configured keys opens (or not a token at all)."""


def _derive(label: str, material: str) -> bytes:
    return hashlib.sha256(f"xinyong:{label}:{material}".encode()).digest()


def _field_keys() -> list[str]:
    return settings.XINYONG_FIELD_KEYS or [settings.SECRET_KEY]


@cache
def _cipher() -> MultiFernet:
    """Fernet, for tokens written before `s1:` (decrypting only)."""
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive("field", k))) for k in _field_keys()])


@cache
def _aeads() -> tuple[AESGCMSIV, ...]:
    """One cipher per configured key, the first encrypts."""
    return tuple(AESGCMSIV(_derive("field-siv", k)) for k in _field_keys())


@cache
def _lookup_key() -> bytes:
    return _derive("lookup", settings.XINYONG_LOOKUP_KEY or settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aeads()[0].encrypt(nonce, plaintext.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        return _cipher().decrypt(token.encode()).decode()
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
    except (binascii.Error, ValueError):
        raise InvalidToken("密文格式无效") from None
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for aead in _aeads():
        try:
            return aead.decrypt(nonce, sealed, None).decode()
        except InvalidTag:
            continue
    raise InvalidToken("没有可解密该密文的密钥")


def reencrypt(token: str) -> str:
    """Re-encrypt under the current (first) key; used by key rotation."""
    return encrypt(decrypt(token))


def forget_keys() -> None:
    """Read the keys from the settings again (tests that change them)."""
    for cached in (_cipher, _aeads, _lookup_key):
        cached.cache_clear()


def lookup_hash(value: str) -> str:
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()
