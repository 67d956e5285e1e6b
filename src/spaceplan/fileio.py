"""Guarded file input and atomic file and folder output.

Every file a user names is read through :func:`read_input`: a regular file
only, no larger than :data:`MAX_INPUT_BYTES`, every OS fault an
:class:`~spaceplan.errors.InputError`; YAML and JSON are parsed with
bounded nesting and YAML aliases (:func:`parse_yaml`, :func:`parse_json`),
and the paths a file names kept inside its folder (:func:`confined`).
Every file spaceplan writes is written whole or not at all
(:func:`atomic_path`); an output place is probed before any work
(:func:`probe_folder`, :func:`prepare_output_file`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from spaceplan.errors import InputError, Msg, shown

#: Largest input file read (20 MB): far above any real scenario, room
#: list, plan or profile (a 5,000-room list is about 0.3 MB), and small
#: enough that a wrong path (a disk image, a log) fails at once.
MAX_INPUT_BYTES = 20 * 1024 * 1024


def read_input(
    path: str | Path, max_bytes: int = MAX_INPUT_BYTES
) -> bytes:
    """The bytes of a user's input file, refusing anything but a file.

    The path is checked with ``stat`` before it is opened, so a FIFO, a
    device such as ``/dev/zero`` or a socket is refused at once instead
    of blocking or reading without end; the file is then opened without
    blocking and checked again, in case it was swapped in between.

    Parameters
    ----------
    path
        The file to read.
    max_bytes
        The size cap; a larger file is refused.

    Returns
    -------
    bytes
        The whole file.

    Raises
    ------
    InputError
        When the path is missing, not a regular file, too large or
        cannot be read.
    """
    where = str(path)
    try:
        info = os.stat(path)
        _check_kind(where, info.st_mode, info.st_size, max_bytes)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            info = os.fstat(fd)
            _check_kind(where, info.st_mode, info.st_size, max_bytes)
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = fh.read(max_bytes + 1)
        finally:
            os.close(fd)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(where, None, os_fault(exc)) from None
    except ValueError:  # a NUL byte in the path
        raise InputError(where, None, Msg("err.bad_file_name")) from None
    if len(data) > max_bytes:
        raise InputError(where, None, _too_large(max_bytes))
    return data


def check_input(path: str | Path, max_bytes: int = MAX_INPUT_BYTES) -> None:
    """Refuse anything but a regular file of at most ``max_bytes``.

    For readers that open the file themselves (ezdxf): the path is only
    checked with ``stat``, never opened, so a FIFO cannot block.
    """
    where = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError(where, None, os_fault(exc)) from None
    except ValueError:  # a NUL byte in the path
        raise InputError(where, None, Msg("err.bad_file_name")) from None
    _check_kind(where, info.st_mode, info.st_size, max_bytes)


def present(path: str | Path) -> bool:
    """Whether ``path`` names something, True when that is unclear.

    A path too long or otherwise unusable counts as present, so that
    :func:`read_input` gets to say what is wrong with it rather than a
    misleading "no such file".
    """
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True
    return True


def _check_kind(where: str, mode: int, size: int, max_bytes: int) -> None:
    if stat.S_ISDIR(mode):
        raise InputError(where, None, Msg("err.is_folder"))
    if not stat.S_ISREG(mode):
        raise InputError(where, None, Msg("err.not_regular"))
    if size > max_bytes:
        raise InputError(where, None, _too_large(max_bytes))


def _too_large(max_bytes: int) -> Msg:
    return Msg("err.too_large", mb=max_bytes // (1024 * 1024))


def os_fault(exc: OSError) -> Msg:
    """An OS error in a few plain words."""
    if exc.errno == errno.ENOENT:
        return Msg("err.no_such_file")
    if exc.errno == errno.EISDIR:
        return Msg("err.is_folder")
    if exc.errno == errno.ENAMETOOLONG:
        return Msg("err.path_too_long")
    if exc.errno == errno.ENOTDIR:
        return Msg("err.part_is_file")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Msg("err.cannot_read", reason=Msg("err.permission"))
    if exc.errno == errno.ELOOP:
        return Msg("err.link_loop")
    return Msg("err.cannot_read", reason=exc.strerror or type(exc).__name__)


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


# ------------------------------------------------------- YAML and JSON

#: Deepest nesting of lists and mappings read; a scenario needs about 7.
MAX_DEPTH = 50
#: Values YAML aliases (``*name``) may add to a document once expanded:
#: enough for any honest reuse, far too few for a "billion laughs".
MAX_ALIAS_VALUES = 100_000


class _Refused(yaml.YAMLError):
    """A YAML document the guarded loader refuses, with its reason."""

    def __init__(self, msg: Msg, mark: Any) -> None:
        super().__init__(msg.render("en"))
        self.msg = msg
        self.problem_mark = mark


class _GuardedLoader(yaml.SafeLoader):
    """A safe YAML loader with bounds a hostile file cannot get around.

    It refuses a key given twice in one mapping, a key that is not text,
    nesting deeper than :data:`MAX_DEPTH` and aliases that refer to
    themselves or expand by more than :data:`MAX_ALIAS_VALUES` values.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node, counting how deep it sits."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    Msg("err.too_deep", n=MAX_DEPTH),
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(
    loader: _GuardedLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str):
            what = (
                Msg("err.yaml.key", key=shown(key))
                if isinstance(key_node, yaml.ScalarNode)
                else Msg("err.yaml.list_key")
                if isinstance(key, list)
                else Msg("err.yaml.mapping_key")
            )
            raise _Refused(
                Msg("err.yaml.key_not_text", what=what),
                key_node.start_mark,
            )
        if key in seen:
            raise _Refused(
                Msg("err.yaml.key_twice", key=shown(key)),
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_GuardedLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def _expansion_fault(root: yaml.Node) -> Msg | None:
    """Why the aliases of a composed document are refused, if they are.

    Walks the node graph once (iteratively, shared nodes once), counting
    the values and the depth the document has once every alias is
    expanded, as any consumer of the loaded data would see it.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    distinct = 0
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            continue
        if key in size:
            continue
        if key in on_path:
            return Msg("err.yaml.alias_loop", line=node.start_mark.line + 1)
        distinct += 1
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in on_path:
                return Msg(
                    "err.yaml.alias_loop", line=node.start_mark.line + 1
                )
            if id(child) not in size:
                stack.append((child, False))
    if size[id(root)] > distinct + MAX_ALIAS_VALUES:
        return Msg("err.yaml.alias_bomb", n=f"{MAX_ALIAS_VALUES:,}")
    if depth[id(root)] > MAX_DEPTH:
        return Msg("err.yaml.alias_deep", n=MAX_DEPTH)
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def parse_yaml(text: str, path: Path) -> Any:
    """Parse YAML text with the guarded loader; any fault an InputError."""
    try:
        # The reader checks every character as it is built.
        loader = _GuardedLoader(text)
    except yaml.YAMLError as exc:
        raise InputError(path, None, _yaml_fault(exc)) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        fault = _expansion_fault(node)
        if fault is not None:
            raise InputError(path, None, fault)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise InputError(path, None, _yaml_fault(exc)) from None
    except (ValueError, OverflowError) as exc:
        # int() of a number with more than 4,300 digits, for one.
        raise InputError(
            path, None, Msg("err.yaml.value", detail_en=first_line(exc))
        ) from None
    finally:
        loader.dispose()


def parse_json(text: str, path: Path) -> Any:
    """Parse JSON text, nesting bounded; any fault an InputError."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # The parser's own sentence is kept in English only; in Chinese
        # the position says where to look.
        raise InputError(
            path,
            None,
            Msg("err.json.bad", problem_en=exc.msg, line=exc.lineno,
                col=exc.colno),
        ) from None
    except RecursionError:
        raise InputError(
            path, None, Msg("err.too_deep", n=MAX_DEPTH)
        ) from None
    except ValueError as exc:  # a number with more than 4,300 digits
        raise InputError(
            path, None, Msg("err.json.value", detail_en=first_line(exc))
        ) from None
    if _json_depth(data) > MAX_DEPTH:
        raise InputError(path, None, Msg("err.too_deep", n=MAX_DEPTH))
    return data


def _json_depth(data: Any) -> int:
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(value, dict):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, level + 1) for v in value)
    return deepest


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 text (a BOM allowed) of a file's bytes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, None, Msg("err.not_utf8")) from None


def _yaml_fault(exc: yaml.YAMLError) -> Msg:
    """A YAML fault; PyYAML's own sentence only in English (in Chinese the
    line and column say where to look)."""
    mark = getattr(exc, "problem_mark", None)
    fault: Msg
    if isinstance(exc, _Refused):
        fault = Msg("err.yaml.refused", reason=exc.msg)
    else:
        problem = getattr(exc, "problem", None) or first_line(exc)
        fault = Msg("err.yaml.bad", problem_en=problem)
    if mark is None:
        return fault
    return Msg("err.at", fault=fault, line=mark.line + 1, col=mark.column + 1)


def read_text(path: str | Path) -> str:
    """A user's UTF-8 text file (a BOM is dropped), via :func:`read_input`."""
    return decode_text(read_input(path), Path(path))


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Load a YAML or JSON file whose top level must be a mapping.

    The file is read through :func:`read_input` (a regular file, at most
    20 MB) and parsed with bounds on nesting and YAML aliases; any fault
    is an :class:`~spaceplan.errors.InputError` naming the file.
    """
    return load_mapping_bytes(Path(path))[1]


def load_mapping_bytes(path: Path) -> tuple[bytes, dict[str, Any]]:
    """The bytes of a YAML or JSON file and the mapping they hold."""
    raw = read_input(path)
    text = decode_text(raw, path)
    if path.suffix.lower() == ".json":
        data = parse_json(text, path)
    else:
        data = parse_yaml(text, path)
    if not isinstance(data, dict):
        raise InputError(path, None, Msg("err.top_mapping"))
    return raw, data


# ------------------------------------------------------- paths a file names

#: Set to ``1`` to let a scenario name a room list or profile file
#: outside its own folder (the ``--allow-outside-paths`` option of the
#: command line does the same).
ALLOW_OUTSIDE_ENV = "SPACEPLAN_ALLOW_OUTSIDE_PATHS"


def outside_allowed(allow: bool | None = None) -> bool:
    """Whether files outside the scenario's folder may be read.

    ``allow`` wins when given; otherwise :data:`ALLOW_OUTSIDE_ENV`
    (which ``spaceplan --allow-outside-paths`` sets for one command).
    """
    if allow is not None:
        return allow
    return os.environ.get(ALLOW_OUTSIDE_ENV, "") not in ("", "0")


def confined(
    ref: Path,
    scenario: Path,
    field: str,
    allow: bool | None = None,
    owner: str = "scenario",
) -> Path:
    """``ref`` (relative to the scenario's folder) if it lies inside it.

    A scenario file may come from someone else; without this check it
    could name ``/proc/self/environ`` or ``~/.ssh/id_rsa`` as its room
    list. Symbolic links are followed before the check. ``scenario`` may
    be any file that names another (a profile that extends one: then
    ``owner`` is ``"profile"``, for the message).

    Raises
    ------
    InputError
        When the file lies outside the scenario's folder and reading
        outside it was not allowed.
    """
    path = ref if ref.is_absolute() else scenario.parent / ref
    try:
        os.lstat(path)
    except FileNotFoundError:
        pass  # the caller says what is missing
    except OSError as exc:
        raise InputError(scenario, field, os_fault(exc)) from None
    except ValueError:
        raise InputError(scenario, field, Msg("err.bad_path")) from None
    if outside_allowed(allow):
        return path
    try:
        real = path.resolve()
        root = scenario.parent.resolve()
    except (OSError, RuntimeError):
        raise InputError(
            scenario, field, Msg("err.unresolved", path=shown(str(ref)))
        ) from None
    if real != root and root not in real.parents:
        raise InputError(
            scenario,
            field,
            Msg(
                "err.outside.profile"
                if owner == "profile"
                else "err.outside.scenario",
                path=shown(str(ref)),
                env=ALLOW_OUTSIDE_ENV,
            ),
        )
    return path



# ------------------------------------------------------------ output folders

def probe_folder(path: str | Path) -> Path:
    """Create the folder ``path`` and check it can be written, before work.

    For a folder a command adds to (a sweep's, which it resumes); a
    solve's folder is checked with
    :func:`spaceplan.export.prepare_output_folder`.

    Raises
    ------
    InputError
        When ``path`` is a file or cannot be created or written.
    """
    path = Path(path)
    try:
        if path.exists() and not path.is_dir():
            raise InputError(str(path), None, Msg("err.is_file"))
        path.mkdir(parents=True, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(prefix=".probe-", dir=path))
    except InputError:
        raise
    except OSError as exc:
        raise InputError(str(path), None, write_fault(exc)) from None
    return path


def prepare_output_file(path: str | Path) -> Path:
    """Check, before any work, that the file ``path`` can be written.

    Its folder is created and probed with a scratch file, so that an
    unwritable place fails at once with one clear message.

    Raises
    ------
    InputError
        When ``path`` is a folder or its folder cannot be written.
    """
    path = Path(path)
    where = str(path)
    try:
        if path.is_dir():
            raise InputError(where, None, Msg("err.is_folder_out"))
        folder = path.absolute().parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(where, None, write_fault(exc)) from None
    return path


def write_fault(exc: OSError) -> Msg:
    """Why a folder cannot be written, in a few plain words."""
    reason: Msg | str
    if exc.errno in (errno.EACCES, errno.EPERM):
        reason = Msg("err.permission")
    elif exc.errno == errno.EROFS:
        reason = Msg("err.read_only")
    elif exc.errno in (errno.ENOTDIR, errno.EEXIST):
        reason = Msg("err.part_is_file")
    elif exc.errno == errno.ENOENT:
        reason = Msg("err.no_parent")
    elif exc.errno == errno.ENAMETOOLONG:
        reason = Msg("err.path_too_long")
    elif exc.errno == errno.ENOSPC:
        reason = Msg("err.disk_full")
    else:
        reason = exc.strerror or type(exc).__name__
    return Msg("err.cannot_write", reason=reason)
