"""The package's own data files, and the user's extra profile folders.

Profiles, solver presets, repair costs and the examples live inside the
package (``spaceplan/solver_configs/``, ``spaceplan/examples/``) and are
found through :mod:`importlib.resources`, so they are there however
spaceplan was installed: editable, from a wheel, with ``--user`` or with
``--target``.

The environment variable ``SPACEPLAN_PROFILES`` names extra folders of
regulation profiles, separated like ``PATH`` (``:`` on Linux and macOS,
``;`` on Windows). They are searched before the bundled folder, in the
order given, so a user profile with a bundled profile's id takes its
place.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

#: The environment variable with the user's extra profile folders.
PROFILES_ENV = "SPACEPLAN_PROFILES"

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def package_data() -> Traversable:
    """The root of the package's data: the ``spaceplan`` package itself."""
    return files("spaceplan")


def configs() -> Traversable:
    """``solver_configs``: profiles, presets and repair costs."""
    return package_data() / "solver_configs"


def profiles() -> Traversable:
    """The bundled regulation profiles (``solver_configs/policies``)."""
    return configs() / "policies"


def presets() -> Traversable:
    """The bundled CP-SAT presets (``solver_configs/cpsat``)."""
    return configs() / "cpsat"


def repairs() -> Traversable:
    """The repair costs of ``spaceplan diagnose`` (``repairs.toml``)."""
    return configs() / "repairs.toml"


def examples() -> Traversable:
    """The bundled example scenarios (``examples``)."""
    return package_data() / "examples"


def on_disk(resource: Traversable) -> Path:
    """A file-system path to ``resource``.

    An installed package is a folder, and its resources are paths already.
    A package imported from a zip archive has its resource copied to a
    temporary place, removed when the interpreter exits.
    """
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(as_file(resource))


def user_profile_dirs() -> list[Path]:
    """The folders named in ``$SPACEPLAN_PROFILES``, in order.

    Empty entries are skipped; a folder that does not exist is kept, so
    that the profile lookup can say where it looked.
    """
    value = os.environ.get(PROFILES_ENV, "")
    return [
        Path(entry).expanduser()
        for entry in value.split(os.pathsep)
        if entry.strip()
    ]


def profile_dirs() -> list[Path]:
    """Where profiles are looked up: the user's folders, then the bundle."""
    return [*user_profile_dirs(), on_disk(profiles())]
