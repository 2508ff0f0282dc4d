"""The writes of 我的信用: subject accounts (accounts.py), what subjects file with documents (filing.py)
and the notices they get (notices.py). Keyword-only, transactional, audited."""
