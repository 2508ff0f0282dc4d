"""A company's self-report (an honour it claims, to be verified by market supervision), sent through the API."""


def submit(api, token, **overrides):
    body = {
        "kind": "honour",
        "title": "2024年度守合同重信用企业",
        "content": "经省市场监管局公示",
        "evidence": "公示文件截图",
        "verifier_department": "SCJG",
        "commitment": True,
    }
    body.update(overrides)
    return api.post("/self-reports", body, token=token)
