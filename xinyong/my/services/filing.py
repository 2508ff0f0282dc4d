"""What a subject files from its pages with documents attached (issue 20 §4): an objection with its
evidence, a repair application with a document against each condition. The rules are the rights slice's
own (`rights.services`, the same calls the API makes); this adds the files, checked by the portal's
attachment rules (PDF, JPG, PNG; size and count limits; type read from the bytes)."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction

from xinyong.accounts.models import User
from xinyong.audit.services import Actor
from xinyong.audit.services import record as audit
from xinyong.core import clock
from xinyong.portal.services import check_attachments, store_attachment
from xinyong.rights import services as rights
from xinyong.rights.models import Objection, Repair

from ..models import Document


def _keep(checked: list, *, actor: Actor, when: dt.datetime, stored: list[Path], **owner) -> list[Document]:
    documents = []
    for upload, name, content_type, condition in checked:
        relative, size, digest = store_attachment(upload, name, when)
        stored.append(Path(settings.DATA_DIR) / relative)
        documents.append(
            Document.objects.create(
                condition=condition,
                original_name=name,
                stored_path=relative,
                content_type=content_type,
                size=size,
                sha256=digest,
                uploaded_by=actor.name,
                uploaded_at=when,
                **owner,
            )
        )
    return documents


def _checked(files: list[tuple[str, object]]) -> list[tuple[object, str, str, str]]:
    """(upload, name, content type, condition) for (condition, upload) pairs, all limits checked at once."""
    checked = check_attachments([upload for _, upload in files])
    return [
        (upload, name, kind, condition) for (condition, _), (upload, name, kind) in zip(files, checked, strict=True)
    ]


def _forget(stored: list[Path]) -> None:
    for path in stored:
        path.unlink(missing_ok=True)


def file_objection(
    *, actor: Actor, user: User, record_id: int | None, entry_id: int | None, reason: str, files: list
) -> Objection:
    checked = _checked([("", f) for f in files])
    stored: list[Path] = []
    try:
        with transaction.atomic():
            objection = rights.file_objection(
                actor=actor,
                user=user,
                record_id=record_id,
                entry_id=entry_id,
                reason=reason,
                evidence="、".join(name for _, name, _, _ in checked),
            )
            documents = _keep(checked, actor=actor, when=clock.now(), stored=stored, objection=objection)
            if documents:
                audit(
                    actor=actor,
                    action="objection.documents",
                    object_type="objection",
                    object_id=objection.pk,
                    after={"documents": [{"name": d.original_name, "sha256": d.sha256} for d in documents]},
                )
    except BaseException:
        _forget(stored)
        raise
    return objection


def apply_repair(
    *,
    actor: Actor,
    user: User,
    record_id: int | None,
    entry_id: int | None,
    methods: list[str],
    commitment: str,
    conditions_met: list[str],
    files: list[tuple[str, object]],
) -> Repair:
    """`files`: (condition code, upload) pairs — the documents showing each condition met."""
    checked = _checked(files)
    stored: list[Path] = []
    try:
        with transaction.atomic():
            repair = rights.apply_repair(
                actor=actor,
                user=user,
                record_id=record_id,
                entry_id=entry_id,
                methods=methods,
                commitment=commitment,
                conditions_met=conditions_met,
            )
            documents = _keep(checked, actor=actor, when=clock.now(), stored=stored, repair=repair)
            if documents:
                audit(
                    actor=actor,
                    action="repair.documents",
                    object_type="repair",
                    object_id=repair.pk,
                    after={
                        "documents": [
                            {"condition": d.condition, "name": d.original_name, "sha256": d.sha256} for d in documents
                        ]
                    },
                )
    except BaseException:
        _forget(stored)
        raise
    return repair
