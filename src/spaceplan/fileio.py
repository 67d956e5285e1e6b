"""Files in and out.

Reading: UTF-8 text and YAML/JSON mappings, every fault an
:class:`~spaceplan.errors.InputError` naming the file. Writing is atomic:
a file is either written whole or not at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from spaceplan.errors import InputError

# ---------------------------------------------------------------- reading


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping."""


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key '{key}' appears twice",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file (a BOM is dropped); faults as InputError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, None, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, None, f"cannot be read ({exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            path, None, "is not UTF-8 text (save it as UTF-8)"
        ) from None


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Load a YAML or JSON file whose top level must be a mapping."""
    path = Path(path)
    text = read_text(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                path,
                None,
                f"is not valid JSON: {exc.msg} at line {exc.lineno}, "
                f"column {exc.colno}",
            ) from None
    else:
        try:
            data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506
        except yaml.YAMLError as exc:
            raise InputError(path, None, _yaml_fault(exc)) from None
    if not isinstance(data, dict):
        raise InputError(
            path, None, "must hold a mapping of fields at the top level"
        )
    return data


def _yaml_fault(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = (
        f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    )
    return f"is not valid YAML: {problem}{where}"


# ---------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it there on success.

    Write the file to the yielded path (with any library that takes a
    file name); when the block ends without an exception the file replaces
    ``path`` in one step, otherwise it is removed and ``path`` is left as
    it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes the file private (0600); a written file should get
    # the same permissions as any other the user creates.
    umask = os.umask(0)
    os.umask(umask)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
