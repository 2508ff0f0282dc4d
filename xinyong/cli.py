"""The `xinyong` command: Django's management commands under the project's name.

`xinyong demo`, `xinyong serve`, `xinyong token create …` etc. are management commands of the apps;
this entry point only makes them reachable without `manage.py` or a settings variable.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["xinyong", *args])


if __name__ == "__main__":
    main()
