"""Settings for the test suite: the real settings, with a throw-away data directory and secret."""

import os
import tempfile

os.environ.setdefault("XINYONG_DATA_DIR", tempfile.mkdtemp(prefix="xinyong-test-"))
os.environ.setdefault("XINYONG_SECRET_KEY", "test-only-secret-" + "x" * 32)
os.environ["XINYONG_TESTING"] = "1"

from xinyong.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; tests never ship

# Tests read what a check stored right after it (the writer's own tests switch the delay on).
XINYONG_CHECK_WRITE_DELAY_MS = 0

# Where browser journeys leave their screenshots for a person to look at (xinyong/testing/browser.py).
XINYONG_SCREENS = os.environ.get("XINYONG_SCREENS", "/work/screens")
