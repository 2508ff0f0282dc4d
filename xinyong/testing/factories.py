"""Valid penalty and licensing rows in the national exchange format, for tests and benchmarks."""

from xinyong.core.identifiers import org_code_check_char, resident_id_check_char, uscc_check_char


def uscc(serial: int, region: str = "360404") -> str:
    org = f"{serial:08d}"
    org += org_code_check_char(org)
    first17 = f"91{region}{org}"
    return first17 + uscc_check_char(first17)


def resident_id(serial: int, birth: str = "19800101", region: str = "360404") -> str:
    first17 = f"{region}{birth}{serial % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def agency_code(serial: int = 0) -> str:
    """A government body's code (authority 1, type 1: 机关)."""
    org = f"{serial:08d}"
    first17 = f"11360404{org}{org_code_check_char(org)}"
    return first17 + uscc_check_char(first17)


def penalty(serial: int = 1, **overrides) -> dict:
    row = {
        "CF_XDR_MC": f"九江测试商贸有限公司{serial}",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": uscc(serial),
        "CF_FRDB": "张三",
        "CF_FR_ZJHM": resident_id(serial),
        "CF_WSH": f"柴市监罚〔2025〕{serial}号",
        "CF_WFXW": "销售不合格产品",
        "CF_SY": "经抽检，当事人销售的产品不合格",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款人民币壹万元",
        "CF_NR_FK": "1.0",
        "CF_JDRQ": "2025-01-24",
        "CF_CFJG": "柴桑区市场监督管理局",
        "CF_CFJGDM": agency_code(),
    }
    row.update(overrides)
    return row


def licence(serial: int = 1, **overrides) -> dict:
    row = {
        "XK_XDR_MC": f"九江测试餐饮有限公司{serial}",
        "XK_XDR_LB": "法人及非法人组织",
        "XK_XDR_SHXYM": uscc(100000 + serial),
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": f"柴市监许〔2025〕{serial}号",
        "XK_XKLB": "普通",
        "XK_NR": "食品经营许可",
        "XK_JDRQ": "2025-03-03",
        "XK_YXQZ": "2025-03-03",
        "XK_YXQZI": "2030-03-02",
        "XK_XKJG": "柴桑区市场监督管理局",
        "XK_XKJGDM": agency_code(),
    }
    row.update(overrides)
    return row
