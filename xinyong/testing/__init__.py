"""Shared test support. Tests import factories, fixtures and scenario helpers from here, never from
another test module or a conftest: `factories` (valid codes and rows), `fixtures` (pytest fixtures,
loaded by `xinyong/conftest.py`), and one module per scenario shared by several test modules."""
