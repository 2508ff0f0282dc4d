"""Writes of the supervision slice (keyword-only, transactional, audited), one module per mechanism.

`make_commitment` is the entry point other flows use (credit repair records its commitment with it)."""

from .commitments import make_commitment

__all__ = ["make_commitment"]
