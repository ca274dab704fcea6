"""The only module that imports MkDocs: build a docs folder into a site folder.

Everything before this point writes plain Markdown, so the same docs folder
builds with MkDocs, its forks or Zensical; this adapter just runs MkDocs in
process with the project's own ``mkdocs.yml``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .progress import SILENT, Progress


@dataclass(frozen=True)
class BuildReport:
    """Pages rendered and reused, and the memo (JSON data) the next build can reuse from."""

    built: int
    reused: int
    memo: dict[str, Any]


class BuildFailed(Exception):
    """MkDocs could not build the site; the message says why in one line."""


class MkDocsMissing(Exception):
    """MkDocs or the Material theme is not installed."""


def build(
    config_file: Path,
    docs_dir: Path,
    site_dir: Path,
    *,
    strict: bool,
    directory_urls: bool | None = None,
    overrides: dict[str, Any] | None = None,
    verbose: bool = False,
    source_date_epoch: str | None = None,
    progress: Progress = SILENT,
    generated: frozenset[str] = frozenset(),
    memo: Any = None,
    previous_site: Path | None = None,
    jobs: int = 1,
) -> BuildReport:
    """Run ``mkdocs build`` on ``docs_dir`` into ``site_dir`` with the project's settings.

    ``source_date_epoch`` (unless the environment already sets one) fixes the
    dates MkDocs stamps into the sitemap and its gzip header, for reproducible output.
    ``generated`` names the generated pages (headings and HTML blocks, handed over
    finished); ``memo`` and ``previous_site`` are what the last build left, so that
    unchanged generated pages are reused (see :mod:`mkdocs_engine`); ``jobs`` > 1
    builds pages in two processes.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if source_date_epoch is not None and not saved_epoch:
        os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch
    try:
        from mkdocs import exceptions
        from mkdocs.config import load_config
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MkDocsMissing(
            f"MkDocs is not installed ({exc}); run `make site` or pip install -e ."
        ) from None
    options: dict[str, Any] = dict(overrides or {})
    if directory_urls is not None:
        options["use_directory_urls"] = directory_urls
    logger = logging.getLogger("mkdocs")
    handler = _OneLineHandler(progress)
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    # Pages are counted (a walk of docs/) only when someone watches the progress.
    counter = _PageCounter(progress, _count_pages(docs_dir) if progress.enabled else 0)
    stage_logger = logging.getLogger("mkdocs.commands.build")
    stage_level = stage_logger.level
    if progress.enabled:
        stage_logger.addHandler(counter)
        stage_logger.setLevel(logging.DEBUG)
    try:
        progress.stage("MkDocs: loading mkdocs.yml")
        config = load_config(
            config_file=str(config_file),
            docs_dir=str(docs_dir),
            site_dir=str(site_dir),
            strict=strict,
            **options,
        )
        from . import mkdocs_engine

        try:
            previous = mkdocs_engine.memo_from_json(memo) if memo is not None else {}
        except (ValueError, TypeError):
            previous = {}
        config.plugins.on_startup(command="build", dirty=False)
        try:
            result = mkdocs_engine.run(
                config,
                config_text=config_file.read_text(encoding="utf-8"),
                settings=options,
                generated=generated,
                previous=previous,
                previous_site=previous_site,
                jobs=jobs,
            )
        finally:
            config.plugins.on_shutdown()
        return BuildReport(result.built, result.reused, mkdocs_engine.memo_to_json(result.memo))
    except exceptions.ConfigurationError as exc:
        raise BuildFailed(f"mkdocs.yml: {exc}".strip()) from None
    except exceptions.Abort as exc:
        raise BuildFailed(f"MkDocs stopped: {exc}".strip()) from None
    except exceptions.MkDocsException as exc:
        raise BuildFailed(f"MkDocs failed: {exc}".strip()) from None
    except ModuleNotFoundError as exc:
        raise MkDocsMissing(
            f"a theme or plugin named in mkdocs.yml is not installed: {exc.name}"
        ) from None
    except Exception as exc:  # a plugin's or hook's own error is a failed build, not our bug
        raise BuildFailed(f"MkDocs failed: {type(exc).__name__}: {exc}") from None
    finally:
        stage_logger.removeHandler(counter)
        stage_logger.setLevel(stage_level)
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
        if saved_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


#: MkDocs messages that say nothing useful about a generated site.
_NOISE = (
    "The following pages exist in the docs directory, but are not included in the",
    "A 'dirty' build is being performed",
)


def _count_pages(docs_dir: Path) -> int:
    return sum(1 for _ in docs_dir.rglob("*.md"))


class _PageCounter(logging.Handler):
    """Turns MkDocs' per-page debug messages into progress (read, then written), printing nothing."""

    def __init__(self, progress: Progress, total: int) -> None:
        super().__init__(logging.DEBUG)
        self.progress = progress
        self.total = total
        self.read = 0
        self.written = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.msg if isinstance(record.msg, str) else ""
        if message.startswith("Reading: "):
            self.read += 1
            self.progress.update(self.read, self.total, "MkDocs: converting pages")
        elif message.startswith("Building page "):
            self.written += 1
            self.progress.update(self.written, self.total, "MkDocs: writing pages")


class _OneLineHandler(logging.Handler):
    """Prints MkDocs' messages as single lines, prefixed so they are told apart from ours."""

    def __init__(self, progress: Progress = SILENT) -> None:
        super().__init__()
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().replace("\n", " ").strip()
        if message.startswith(_NOISE):
            return
        import sys

        self.progress.close()
        print(f"mkdocs: {record.levelname.lower()}: {message}", file=sys.stderr)


def serve(config_file: Path, *, host: str, port: int, dirty: bool, verbose: bool = False) -> None:
    """Run MkDocs' live-reloading server on ``docs/`` until interrupted.

    MkDocs watches ``docs/``; the caller regenerates pages there when seeds
    change, writing only files whose bytes changed, so each edit causes one
    rebuild and no loop.  ``dirty`` rebuilds only the pages whose files changed.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        from mkdocs import exceptions
        from mkdocs.commands.serve import serve as mkdocs_serve
    except ImportError as exc:  # pragma: no cover
        raise MkDocsMissing(f"MkDocs is not installed ({exc})") from None
    logger = logging.getLogger("mkdocs")
    handler = _OneLineHandler()
    handler.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        mkdocs_serve(
            config_file=str(config_file),
            livereload=True,
            build_type="dirty" if dirty else None,
            dev_addr=f"{host}:{port}",
        )
    except exceptions.ConfigurationError as exc:
        raise BuildFailed(f"mkdocs.yml: {exc}".strip()) from None
    except OSError as exc:
        raise BuildFailed(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        logger.removeHandler(handler)
