import re

import pytest
from django.test import Client

from xinyong.subjects.models import Subject


def test_home_page_is_chinese_with_search_box_and_local_assets(client: Client, db):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html and "信用信息一站式查询" in html
    assert '<label for="q">' in html
    for src in re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html):
        assert src.startswith("/static/"), src
        assert client.get(src).status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_search_and_subject_pages(client: Client, loaded):
    response = client.get("/search", {"q": "柴桑"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "柴桑区诚信农业发展有限公司" in html
    code = Subject.objects.get(name="柴桑区诚信农业发展有限公司").uscc
    page = client.get(f"/subjects/{code}").content.decode()
    assert "法定代表人" in page and "王**" in page
    assert re.search(r"3604\*{10}\d{3}[\dX]", page)
    assert "王守信" not in page


def test_search_page_errors_are_friendly(client: Client, db):
    assert "至少两个字" in client.get("/search", {"q": "柴"}).content.decode()
    response = client.get("/subjects/123")
    assert response.status_code == 422 and "长度" in response.content.decode()
    assert client.get("/search", {"q": "柴桑", "page": "abc"}).status_code == 200


@pytest.mark.slow  # over a second on an idle machine: out of the fast subset
def test_swagger_docs_are_served_offline(client: Client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert assets, html[:500]
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/subjects" in schema["paths"]
