"""Who gets into the workbench, and the Chinese pages of those who do not."""

import pytest


def test_signed_out_users_are_sent_to_sign_in_and_back(client, db):
    assert client.get("/desk/")["Location"] == "/accounts/login/?next=/desk/"


@pytest.mark.parametrize("role", ["implementer", "initiator", "provider", "credit_office", "auditor", "discipline"])
def test_any_department_role_opens_the_workbench(staff, frozen, role):
    client, _ = staff(role)
    response = client.get("/desk/")
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>待办</h1>" in html
    assert 'aria-label="工作台导航"' in html and ">退出</button>" in html and "修改密码" in html


def test_unknown_workbench_pages_answer_in_chinese(staff, frozen):
    client, _ = staff("implementer")
    response = client.get("/desk/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in html and "工作台导航" in html
