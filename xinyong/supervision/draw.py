"""The random draw of 双随机一公开 (random subjects, random inspectors; 002 §6), reproducible from its seed.

Algorithm `sha256-rank-v1`, written so anyone can re-run it with the published seed and population:

- u(parts…) = first 8 bytes of SHA-256("|".join(parts)) as an integer, divided by 2^64 (uniform on [0, 1)).
- Per grade with N subjects and ratio r: exact = N·r; the quota is ⌊exact⌋, plus one more when
  u(seed, "quota", grade) < exact − ⌊exact⌋ (randomised rounding, so every subject's chance is exactly r).
- The subjects of the grade ranked by u(seed, "subject", key); the first `quota` are drawn.
- For each drawn subject, the roster minus the inspectors with a declared conflict, ranked by
  u(seed, "inspector", subject key, inspector code); the first k are assigned.

Nothing depends on the order of the population, on the Python version or on the database.
"""

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal

ALGORITHM = "sha256-rank-v1"
_SCALE = Decimal(2**64)


def uniform(*parts: str) -> Decimal:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return Decimal(int.from_bytes(digest[:8], "big")) / _SCALE


def quota(seed: str, grade: str, size: int, ratio: Decimal) -> int:
    exact = Decimal(size) * Decimal(ratio)
    whole = int(exact)
    return min(size, whole + (1 if uniform(seed, "quota", grade) < exact - whole else 0))


def select(population: dict[str, list[str]], ratios: Mapping[str, Decimal | str], seed: str) -> dict[str, list[str]]:
    """{grade: [subject keys]} → {grade: [drawn keys, sorted]}. `ratios`: decimals, or the decimal strings a
    plan records them as (exact, unlike floats)."""
    drawn = {}
    for grade in sorted(population):
        keys = sorted(set(population[grade]))
        count = quota(seed, grade, len(keys), Decimal(ratios.get(grade, 0)))
        ranked = sorted(keys, key=lambda key: (uniform(seed, "subject", key), key))
        drawn[grade] = sorted(ranked[:count])
    return drawn


def assign(seed: str, subject_key: str, candidates: list[str], count: int) -> list[str]:
    """The inspectors for one subject, in drawn order."""
    ranked = sorted(set(candidates), key=lambda code: (uniform(seed, "inspector", subject_key, code), code))
    return ranked[:count]


def digest(population: dict[str, list[str]]) -> str:
    canonical = json.dumps({g: sorted(keys) for g, keys in population.items()}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
