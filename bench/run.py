"""Benchmarks (architecture §8, contract): `python bench/run.py [--quick] [--only NAME]`.

Each benchmark is a module `bench/<name>.py` with `NAME` and `run(quick: bool) -> Iterable[dict]`; every
result is printed as one JSON object per line:
    {"name", "value", "unit", "baseline", "ratio", "params"}
where `baseline` is measured in the same run (e.g. PostgreSQL COPY), so the ratio is the figure that
travels between machines. Benchmarks are not tests: they assert nothing, they measure.
"""

import argparse
import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def benchmarks() -> dict:
    found = {}
    for path in sorted(HERE.glob("*.py")):
        if path.stem in {"run", "__init__"} or path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        if hasattr(module, "run"):
            found[getattr(module, "NAME", path.stem)] = module
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: under a minute in all")
    parser.add_argument("--only", metavar="NAME", help="run only this benchmark")
    args = parser.parse_args(argv)
    available = benchmarks()
    if args.only and args.only not in available:
        parser.error(f"unknown benchmark {args.only!r}; available: {', '.join(available)}")
    for name, module in available.items():
        if args.only and name != args.only:
            continue
        for result in module.run(quick=args.quick):
            print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
