"""`civicdesk COMMAND ...` runs any management command (demo, migrate, serve, worker, shell)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    # Only after DJANGO_SETTINGS_MODULE is set: importing the project reads the settings.
    from civicdesk.lib.env import ConfigError

    try:
        # Inside the try: loading Django's commands reads the settings, which may raise ConfigError.
        from django.core.management import execute_from_command_line

        argv = [sys.argv[0], *[_command_name(a) if i == 0 else a for i, a in enumerate(sys.argv[1:])]]
        execute_from_command_line(argv)
    except ConfigError as exc:
        sys.stderr.write(f"civicdesk: configuration error: {exc}\n")
        sys.exit(2)


def _command_name(name: str) -> str:
    # `civicdesk kb-eval` and `civicdesk kb_eval` both work; Django commands use underscores.
    return name.replace("-", "_") if not name.startswith("-") else name


if __name__ == "__main__":
    main()
