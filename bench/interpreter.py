"""Which Python a benchmark ran on, for its header: the same code takes 15-20% more CPU on an
interpreter built with --enable-shared (pyenv's default: every call into the interpreter's own
library goes through the shared-library indirection) than on Debian's python3 (a static
interpreter built with profile-guided optimisation); see the README's "The app server's Python"."""

from __future__ import annotations

import os
import platform
import sys
import sysconfig


def interpreter() -> str:
    """e.g. "CPython 3.11.2, /usr/bin/python3.11, static" (or "libpython shared")."""
    try:
        # What this process runs, not how the build was configured: Debian builds a shared
        # libpython too (Py_ENABLE_SHARED) but links /usr/bin/python3 statically.
        with open("/proc/self/maps") as maps:
            linked = any("libpython" in line for line in maps)
    except OSError:
        linked = bool(sysconfig.get_config_var("Py_ENABLE_SHARED"))
    shared = "libpython shared" if linked else "static"
    executable = os.path.realpath(sys.executable)
    return f"{platform.python_implementation()} {platform.python_version()}, {executable}, {shared}"
