"""Where a build works, and one build of a project at a time.

A build writes its new docs and site into a **staging folder** beside the project
and moves them into place only on success, so a failed run leaves the previous
``docs/`` and ``site/`` as they were.  Old sites and leftovers of interrupted runs
are renamed to **trash** folders at once and deleted by a detached process (deleting
thousands of folders can take longer than a build).  The **lock** lets one build of a
project run at a time (``serve`` and ``build`` side by side, say).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from .cache import CACHE_DIR
from .project import Project

STAGING_PREFIX = ".briefing-staging-"


#: An old site on its way out, removed in the background (see :func:`discard`).
TRASH_PREFIX = ".briefing-trash-"


def fresh(project: Project) -> Path:
    """A fresh staging folder.  Folders left by an interrupted run are ours: they are
    renamed to trash names at once and removed in the background, like the trash a
    finished run leaves (:func:`discard`), whose removal may still be running: a
    build that follows a full rebuild within seconds used to wait for it (8 s for a
    10,000-seed site)."""
    for stale in project.root.glob(STAGING_PREFIX + "*"):
        if stale.is_dir():
            with contextlib.suppress(OSError):
                trash = stale.with_name(TRASH_PREFIX + stale.name.removeprefix(STAGING_PREFIX))
                os.replace(stale, trash)
    for trash in project.root.glob(TRASH_PREFIX + "*"):
        if trash.is_dir() and not _being_removed(trash):
            _remove_in_background(trash)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=project.root))


#: In a trash folder: the process id of the background process removing it.
_REMOVER = ".briefing-remover"


def _being_removed(trash: Path) -> bool:
    """Whether a live process is removing ``trash`` (the one :func:`_remove_in_background`
    started and recorded)."""
    try:
        pid = int((trash / _REMOVER).read_text(encoding="ascii"))
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _remove_in_background(trash: Path) -> None:
    """Remove ``trash`` in a detached process (deleting a site's thousands of folders
    can take longer than a build), and record its process id in the folder."""
    import subprocess
    import sys

    with contextlib.suppress(OSError):
        remover = subprocess.Popen(
            [sys.executable, "-c", _RMTREE, str(trash)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        with contextlib.suppress(OSError):
            (trash / _REMOVER).write_text(str(remover.pid), encoding="ascii")


@contextlib.contextmanager
def workspace(project: Project) -> Iterator[Path]:
    """A fresh staging folder for one build, discarded when the build is done (or fails)."""
    scratch = fresh(project)
    try:
        yield scratch
    finally:
        discard(scratch)


def discard(scratch: Path) -> None:
    """Remove the staging folder; a big one (an old site swapped out) in the background.

    Deleting thousands of folders can take longer than the build, so such a folder is
    renamed to a trash name at once and removed by a detached process; a run that finds
    one left over with no live remover starts another (:func:`fresh`).
    """
    # an old site swapped out, the files an update replaced (after an edit, the old
    # copy of a search shard: thousands of files), or a first build's staged pages
    # (2.5 s to delete at 10,000 seeds)
    if (
        (scratch / "previous").is_dir()
        or (scratch / "set-aside").is_dir()
        or _holds_many(scratch / "replaced")
        or _holds_many(scratch / "docs")
    ):
        with contextlib.suppress(OSError):
            trash = scratch.with_name(TRASH_PREFIX + scratch.name.removeprefix(STAGING_PREFIX))
            os.replace(scratch, trash)
            _remove_in_background(trash)
            return
    shutil.rmtree(scratch, ignore_errors=True)


def _holds_many(folder: Path, many: int = 2000) -> bool:
    """Whether ``folder`` holds at least ``many`` entries (counted only that far)."""
    seen = 0
    for _, dirs, files in os.walk(folder):
        seen += len(dirs) + len(files)
        if seen >= many:
            return True
    return False


_RMTREE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


@contextlib.contextmanager
def exclusive(project: Project) -> Iterator[None]:
    """One build of a project at a time (``serve`` and ``build`` side by side, say): each
    clears stale staging folders and updates the same docs/, site/ and cache."""
    import fcntl

    folder = project.root / CACHE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / "build.lock", "a+b")  # noqa: SIM115 - held until the end
    except OSError:  # a read-only cache folder: nothing to share, nothing to lock
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            import sys

            print("briefing: waiting for another build of this project to finish", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


_P = ParamSpec("_P")


_R = TypeVar("_R")


def locked(func: Callable[Concatenate[Project, _P], _R]) -> Callable[Concatenate[Project, _P], _R]:
    """Run ``func`` while holding the project's build lock (:func:`exclusive`)."""

    def locked(project: Project, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with exclusive(project):
            return func(project, *args, **kwargs)

    locked.__doc__ = func.__doc__
    locked.__name__ = func.__name__
    return locked
