import re
import unicodedata

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold a name for matching: full-width → half-width (NFKC), no whitespace, lower case.

    Offices type 华为技术（深圳） and 华为技术(深圳) and ＨＵＡＷＥＩ interchangeably; all must match.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower()
