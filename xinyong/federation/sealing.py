"""Personal ID numbers between platforms (R30 with R29): sealed under the link's key, or not sent.

Inside a message, fields and subject codes travel masked (`1101**********002X`): anyone who reads the
stream sees no ID number. A receiver cannot identify a person from a masked number, so persons'
records and list entries would never cross — yet a dishonest person listed in the district must be
restricted in the city too. So when the two platforms of a link share a key
(`XINYONG_FEDERATION_KEY`, a Fernet key from both sides' secret stores), the sender adds the real
numbers encrypted under it (`sealed`, beside the payload; the message id is the hash of the payload
alone, so a resend stays a duplicate); the receiver opens them, uses them to identify the person and
stores them under its own keys. Without a shared key, persons do not cross and the receiver says why.
"""

import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from xinyong.core import crypto
from xinyong.core.errors import DomainError
from xinyong.lists.models import ListEntry
from xinyong.records.models import Record
from xinyong.subjects.models import Subject

from .models import Kind, OutboxMessage


class SealBroken(Exception):
    """A sealed part this platform cannot open (no key, another key, tampered)."""


def _link_cipher() -> Fernet | None:
    key = settings.XINYONG_FEDERATION_KEY
    if not key:
        return None
    try:
        return Fernet(key.encode())
    except ValueError:
        # A misconfigured link stops the exchange with a clear word rather than sending persons unsealed.
        raise DomainError(
            "XINYONG_FEDERATION_KEY 无效：应为 Fernet 密钥（32 字节，URL 安全的 Base64 编码）",
            code="federation_key_invalid",
        ) from None


def _person_id(subject: Subject) -> str | None:
    return crypto.decrypt(subject.id_encrypted) if subject.is_person and subject.id_encrypted else None


def _personal(row: OutboxMessage) -> dict:
    """The ID numbers a message stands for: its subject's (a person) and those found in a record's fields."""
    if row.kind == Kind.RECORD:
        record = Record.objects.select_related("subject").filter(pk=row.object_id).first()
        if record is None:
            return {}
        fields = json.loads(crypto.decrypt(record.personal_encrypted)) if record.personal_encrypted else {}
        subject = record.subject
    else:
        entry = ListEntry.objects.select_related("subject").filter(pk=row.object_id).first()
        if entry is None:
            return {}
        fields, subject = {}, entry.subject
    person = _person_id(subject)
    return {k: v for k, v in (("fields", fields), ("subject", person)) if v}


def seal_for(row: OutboxMessage) -> str | None:
    """The sealed part of a message, or None (no shared key, or nothing personal in it)."""
    cipher = _link_cipher()
    personal = _personal(row) if cipher is not None else {}
    return cipher.encrypt(json.dumps(personal, ensure_ascii=False).encode()).decode() if personal else None


def unseal(token: str | None) -> dict:
    """{"subject": ID number, "fields": {name: ID number}} from a message's sealed part ({} without one)."""
    if not token:
        return {}
    cipher = _link_cipher()
    if cipher is None:
        raise SealBroken("本平台未配置与来源平台共享的交换密钥（XINYONG_FEDERATION_KEY），个人身份信息无法解封")
    try:
        return json.loads(cipher.decrypt(token.encode()))
    except (InvalidToken, ValueError) as error:
        raise SealBroken("个人身份信息无法解封：交换密钥与来源平台不一致或报文被篡改") from error
