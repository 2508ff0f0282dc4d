"""Masking of personal data for every public output (architecture §6, R23)."""


def mask_id_number(id_number: str) -> str:
    """Keep the first 4 and last 4 characters: 11010519491231002X → 1101**********002X."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_person_name(name: str) -> str:
    """Keep the surname character only: 张三丰 → 张**."""
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)
