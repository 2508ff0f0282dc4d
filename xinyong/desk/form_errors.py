"""Where the workbench's pages have always found `put_on_form`; it lives in `xinyong.core.form_errors` now, so
that 我的信用's pages (a layer below the workbench) share it."""

from xinyong.core.form_errors import put_on_form

__all__ = ["put_on_form"]
