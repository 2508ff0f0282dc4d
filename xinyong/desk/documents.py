"""The documents a subject filed with an objection or a repair (from 我的信用), downloaded by those who may
read the case — the handling department, the credit office, auditors; anyone else gets 404 — audited."""

from django.http import FileResponse

from xinyong.accounts.roles import RIGHTS_READERS, SUBJECT
from xinyong.my.services.documents import open_document

from .access import desk_page


@desk_page(RIGHTS_READERS - {SUBJECT})
def document(request, document_id: int):
    found, path = open_document(actor=request.actor, user=request.user, document_id=document_id)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=found.original_name)  # noqa: SIM115
