"""Encryption at rest and keyed-hash lookup for personal ID numbers (R29, architecture §6), and the
keys that sign stored check answers.

The ciphertext is for showing a department the full number when it is entitled to it; the keyed
hash is what the database indexes, so lookups never need decryption and a leaked table does not
reveal numbers by brute force over the small ID space without the lookup key.

Tokens are AES-256-GCM-SIV (RFC 8452: authenticated, and misuse-resistant — a repeated random nonce
reveals at most that two plaintexts were equal, never the key), written `s2:` + URL-safe Base64 of
nonce ‖ ciphertext ‖ tag. Bulk imports encrypt a number on every row, and Fernet cost 7 µs a token in
Python object set-up (a new CBC cipher, padder and HMAC per message) against 2 µs for this one-shot
call.

Keys. Every key used here is derived from configured key material by HKDF (RFC 5869, SHA-256) with its
own `info` label (`LABELS`), so one secret never serves two purposes: field encryption
(`XINYONG_FIELD_KEYS`, else the secret key) and check signatures (`XINYONG_CHECK_SIGNING_KEYS`, else the
secret key and its fallbacks). Data written before HKDF still opens, told apart by its form: `s1:`
tokens and Fernet tokens (`gAAAA…`) under keys derived by one SHA-256 of label and material
(`xinyong rotate-keys` rewrites them as `s2:`), check signatures made with the raw secret key.

Check signatures name their key: `<key id>:<HMAC-SHA256 hex>`, the key id a fingerprint of the derived
key. A signature is kept for years as the proof of what the platform answered, so it must outlive the
keys around it: it is verified under the key its id names, looked up among every configured check-signing
key and every secret key (current and fallbacks), so neither rotating the secret key (with a dedicated
signing key set) nor rotating the signing key (the old one kept after the new) turns a genuine answer
into a forged one. A signature of the old form (64 hex digits, no id) is an HMAC under a raw secret key.

The lookup key alone keeps that first derivation, on purpose: its hashes are stored identities
(subjects' keys `P…`/`B…`, the hashed query codes of dishonesty reports, whose codes are stored
nowhere else), found by equality. A new derivation would change every hash, and they cannot all be
recomputed — a report's query code is known only to its reporter — while looking up under two hashes
would double every identity probe of imports and checks. So the lookup key's derived value is frozen.
"""

import base64
import binascii
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "s2:"  # AES-GCM-SIV under an HKDF-derived key
LEGACY_PREFIX = "s1:"  # AES-GCM-SIV under a key of the first derivation (decrypting only)
NONCE_BYTES = 12

# HKDF `info` labels, one per purpose; never reuse one for another purpose, never change one.
FIELD_ENCRYPTION = "xinyong/field-encryption/v1"
CHECK_SIGNATURE = "xinyong/check-signature/v1"
LABELS = (FIELD_ENCRYPTION, CHECK_SIGNATURE)


class InvalidToken(ValueError):
    """A token none of the configured keys opens (or not a token at all)."""


def derive(material: str, label: str) -> bytes:
    """A 256-bit key for one purpose (`label`, one of `LABELS`) from configured key material."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(material.encode())


def _legacy_derive(label: str, material: str) -> bytes:
    """The first derivation (one SHA-256 over label and material): lookup key, and data written before HKDF."""
    return hashlib.sha256(f"xinyong:{label}:{material}".encode()).digest()


def _secret_keys() -> list[str]:
    """The secret key and the ones it replaced (`XINYONG_SECRET_KEY_FALLBACKS`), newest first."""
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _field_keys() -> list[str]:
    return settings.XINYONG_FIELD_KEYS or _secret_keys()


@cache
def _cipher() -> MultiFernet:
    """Fernet, for tokens written before `s1:` (decrypting only)."""
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_legacy_derive("field", k))) for k in _field_keys()])


@cache
def _aeads() -> tuple[AESGCMSIV, ...]:
    """One cipher per configured key, the first encrypts."""
    return tuple(AESGCMSIV(derive(k, FIELD_ENCRYPTION)) for k in _field_keys())


@cache
def _legacy_aeads() -> tuple[AESGCMSIV, ...]:
    """For `s1:` tokens, written before HKDF (decrypting only)."""
    return tuple(AESGCMSIV(_legacy_derive("field-siv", k)) for k in _field_keys())


@cache
def _lookup_key() -> bytes:
    # Frozen: see the module's docstring.
    return _legacy_derive("lookup", settings.XINYONG_LOOKUP_KEY or settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aeads()[0].encrypt(nonce, plaintext.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if token.startswith(PREFIX):
        return _open(token[len(PREFIX) :], _aeads())
    if token.startswith(LEGACY_PREFIX):
        return _open(token[len(LEGACY_PREFIX) :], _legacy_aeads())
    return _cipher().decrypt(token.encode()).decode()


def _open(text: str, aeads: tuple[AESGCMSIV, ...]) -> str:
    try:
        raw = base64.urlsafe_b64decode(text)
    except (binascii.Error, ValueError):
        raise InvalidToken("密文格式无效") from None
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for aead in aeads:
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
    for cached in (_cipher, _aeads, _legacy_aeads, _lookup_key, _check_keys, _legacy_check_keys):
        cached.cache_clear()


def lookup_hash(value: str) -> str:
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()


# ---- check signatures ----------------------------------------------------------------------------
KEY_ID_LENGTH = 8  # hex digits: 32 bits tell a handful of configured keys apart


def key_id(key: bytes) -> str:
    """The public name of a derived key, stored with what it signs: a fingerprint, not the key."""
    return hashlib.sha256(b"xinyong/key-id/v1:" + key).hexdigest()[:KEY_ID_LENGTH]


def _unique(materials: list[str]) -> list[str]:
    return list(dict.fromkeys(materials))


@cache
def _check_keys() -> dict[str, bytes]:
    """Check-signing keys by key id, the signing one first: the dedicated keys (XINYONG_CHECK_SIGNING_KEYS,
    newest first), then the secret keys — signing with the first dedicated key if one is set, else with the
    secret key; verifying under any, so answers signed before a dedicated key was set still verify."""
    materials = _unique([*settings.XINYONG_CHECK_SIGNING_KEYS, *_secret_keys()])
    keys: dict[str, bytes] = {}
    for material in materials:
        key = derive(material, CHECK_SIGNATURE)
        keys.setdefault(key_id(key), key)
    return keys


@cache
def _legacy_check_keys() -> tuple[bytes, ...]:
    """The raw secret keys that signed checks before HKDF (verifying only)."""
    return tuple(k.encode() for k in _unique(_secret_keys()))


def sign_check(data: bytes) -> str:
    """`<key id>:<HMAC-SHA256 hex>` of a stored check answer (or batch document) under the signing key."""
    kid, key = next(iter(_check_keys().items()))
    return f"{kid}:{hmac.digest(key, data, 'sha256').hex()}"


def verify_check(data: bytes, signature: str) -> bool:
    """Did a configured key sign exactly `data`? Under the key the signature names; an old-form signature
    (no key id) under a raw secret key."""
    kid, separator, mac = signature.rpartition(":")
    given = mac.encode()  # compared as bytes: a tampered signature may hold any character
    if not separator:
        return any(hmac.compare_digest(given, _mac(k, data)) for k in _legacy_check_keys())
    key = _check_keys().get(kid)
    return key is not None and hmac.compare_digest(given, _mac(key, data))


def _mac(key: bytes, data: bytes) -> bytes:
    return hmac.digest(key, data, "sha256").hex().encode()
