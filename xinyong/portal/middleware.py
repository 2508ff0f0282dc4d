"""Protection Django 5.2 does not give by itself (architecture §7):

- a Content-Security-Policy that allows only this server's own scripts, styles, images and fonts, and a
  restrictive Permissions-Policy, on every response (the admin and Swagger UI included: they load
  their assets from this server only);
- a cap on the size of the public upload requests (dishonesty reports with attachments), checked on
  Content-Length before Django spools the body to disk.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse

UPLOAD_PATHS = ("/api/v1/dishonesty-reports", "/report-dishonesty")


class PortalSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = settings.XINYONG_CONTENT_SECURITY_POLICY
        self.permissions = settings.XINYONG_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self._too_large(request) or self.get_response(request)
        if self.csp:
            response.headers.setdefault("Content-Security-Policy", self.csp)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response

    def _too_large(self, request):
        if request.method != "POST" or request.path.rstrip("/") not in UPLOAD_PATHS:
            return None
        # All attachments at their limit, plus room for the text fields and multipart framing.
        limit = settings.XINYONG_ATTACHMENT_MAX_BYTES * settings.XINYONG_ATTACHMENT_MAX_FILES + 256 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return None
        message = f"提交内容过大（上限约 {limit // (1024 * 1024)} MB），请减少或压缩附件"
        if request.path.startswith("/api/"):
            body = {"error": {"code": "request_too_large", "message": message, "details": []}}
            return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
