"""Guarded file input and atomic file output.

Every file a user names is read through :func:`read_input`: a regular file
only, no larger than :data:`MAX_INPUT_BYTES`, every OS fault an
:class:`~spaceplan.errors.InputError`. Every file spaceplan writes is
written whole or not at all (:func:`atomic_path`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from spaceplan.errors import InputError

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
        raise InputError(
            where, None, "is not a usable file name"
        ) from None
    if len(data) > max_bytes:
        raise InputError(where, None, _too_large(max_bytes))
    return data


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
        raise InputError(where, None, "is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise InputError(
            where,
            None,
            "is not a regular file (a pipe, device or socket); give "
            "the path of a file",
        )
    if size > max_bytes:
        raise InputError(where, None, _too_large(max_bytes))


def _too_large(max_bytes: int) -> str:
    return (
        f"is larger than {max_bytes // (1024 * 1024)} MB, the size "
        "spaceplan reads; is this the right file?"
    )


def os_fault(exc: OSError) -> str:
    """An OS error in a few plain words."""
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno == errno.EISDIR:
        return "is a folder, not a file"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    if exc.errno == errno.ELOOP:
        return "the path has a loop of symbolic links"
    reason = exc.strerror or type(exc).__name__
    return f"cannot be read ({reason})"


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
