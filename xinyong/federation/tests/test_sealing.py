"""The link key that seals persons' ID numbers: a misconfigured one stops the exchange, loudly."""

import pytest
from cryptography.fernet import Fernet

from xinyong.core.errors import DomainError
from xinyong.federation.sealing import SealBroken, unseal


def test_a_malformed_link_key_is_refused_with_a_clear_error(settings):
    settings.XINYONG_FEDERATION_KEY = "not-a-key"
    with pytest.raises(DomainError, match="XINYONG_FEDERATION_KEY 无效") as raised:
        unseal("gAAAA")
    assert raised.value.code == "federation_key_invalid"


def test_a_part_sealed_under_another_key_is_not_opened(settings):
    settings.XINYONG_FEDERATION_KEY = Fernet.generate_key().decode()
    other = Fernet(Fernet.generate_key()).encrypt(b'{"subject": "x"}').decode()
    with pytest.raises(SealBroken, match="交换密钥与来源平台不一致"):
        unseal(other)
    assert unseal(None) == {}
