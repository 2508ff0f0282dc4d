"""The documents a subject filed, opened by the department handling its objection or repair: the same
visibility rule as the case itself (`rights.selectors.visible_objection` / `visible_repair`: another
department's case, and so its files, does not exist); every download is audited."""

from pathlib import Path

from django.conf import settings

from xinyong.accounts.models import User
from xinyong.audit.services import Actor, record
from xinyong.core.errors import NotFound
from xinyong.rights import selectors as rights

from ..models import Document


def open_document(*, actor: Actor, user: User, document_id: int) -> tuple[Document, Path]:
    """(document, path of its file) for those who may read its objection or repair."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound("材料不存在", code="document_not_found")
    if document.objection_id is not None:
        rights.visible_objection(user, document.objection_id)
        action, object_type, object_id = "objection.read_document", "objection", document.objection_id
    elif document.repair_id is not None:
        rights.visible_repair(user, document.repair_id)
        action, object_type, object_id = "repair.read_document", "repair", document.repair_id
    else:  # a document is always filed with one or the other
        raise NotFound("材料不存在", code="document_not_found")
    path = Path(settings.DATA_DIR) / document.stored_path
    if not path.is_file():
        raise NotFound("材料文件缺失，请联系信用办", code="document_missing")
    record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        after={"document": document.pk, "sha256": document.sha256},
    )
    return document, path
