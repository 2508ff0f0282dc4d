"""The credit office's government-integrity page (R31): staff only, not part of the public portal."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from xinyong.accounts.selectors import oversees
from xinyong.core import clock

from .selectors import government_integrity


@staff_member_required
def government_integrity_page(request):
    if not oversees(request.user):
        raise PermissionDenied
    today = clock.today()
    return render(request, "integrity/government.html", {"bodies": government_integrity(today), "today": today})
