"""`xinyong demo`: a district's worth of sample data (`data`) and the command that loads it and serves.

It writes through every slice's services, so it sits above all of them (only the pages are higher)."""

from importlib import import_module
from typing import Any


def __getattr__(name: str) -> Any:
    # `xinyong.demo.load()`, `demo_uscc` … are `data`'s, reached on first use: this package is an app,
    # imported while Django loads the apps, when `data` (which imports models) cannot be loaded yet.
    if name.startswith("__") or name == "data":
        raise AttributeError(name)
    return getattr(import_module(f"{__name__}.data"), name)
