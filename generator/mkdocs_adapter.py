"""The only module that imports MkDocs: build a docs folder into a site folder.

Everything before this point writes plain Markdown, so the same docs folder
builds with MkDocs, its forks or Zensical; this adapter just runs MkDocs in
process with the project's own ``mkdocs.yml``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .csp import Options, secure_site
from .progress import SILENT, Progress


@dataclass(frozen=True)
class BuildReport:
    """Pages rendered and reused, and the memo (JSON data) the next build can reuse from."""

    built: int
    reused: int
    memo: dict[str, Any]
    #: site files of reused pages, which stay in the previous site as they are
    kept: list[str] = field(default_factory=list)
    #: every page built or reused: its path in the site → the SHA-256 of its HTML (what
    #: the search index keys its reuse on)
    pages: dict[str, str] = field(default_factory=dict)


class BuildFailed(Exception):
    """MkDocs could not build the site; the message says why in one line."""


class MkDocsMissing(Exception):
    """MkDocs or the Material theme is not installed."""


_NAMES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs", "zensical": "Zensical"}


def choose_builder(chosen: str | None, *, mkdocs_api: bool = False) -> str:
    """The builder to run: the one ``mkdocs.yml`` chooses, else ProperDocs if installed, else MkDocs.

    ProperDocs wins when nothing is chosen because MkDocs is always installed (Material
    requires it), so ProperDocs being there is the user's choice.  What needs MkDocs'
    Python API (``mkdocs_api``: the offline bundle's plugin overrides) runs on
    ProperDocs or MkDocs even when Zensical builds the site.  A chosen builder that is
    missing is a failed dependency.
    """
    import importlib.util

    if chosen is None or (mkdocs_api and chosen == "zensical"):
        return "properdocs" if importlib.util.find_spec("properdocs") else "mkdocs"
    if chosen == "zensical":
        found = _zensical_command() is not None
    else:
        found = importlib.util.find_spec(chosen) is not None
    if not found:
        raise MkDocsMissing(
            f"mkdocs.yml chooses {_NAMES.get(chosen, chosen)} (extra.briefing.builder) but it "
            f"is not installed; install it with pip install {chosen}"
        )
    return chosen


def _use(builder: str) -> None:
    """Make ``import mkdocs…`` load ProperDocs when it is the builder (as its own CLI does)."""
    if builder != "properdocs":
        return
    import sys

    loaded = sys.modules.get("mkdocs")
    if loaded is not None and loaded.__name__ != "properdocs":
        raise BuildFailed("ProperDocs cannot build in a process that has already loaded MkDocs")
    import importlib

    importlib.import_module("properdocs.replacement")  # redirects mkdocs.* to properdocs.*


def _zensical_command() -> list[str] | None:
    """How to run Zensical: from this Python environment, else from the PATH."""
    import importlib.util
    import shutil
    import sys

    if importlib.util.find_spec("zensical") is not None:
        return [sys.executable, "-m", "zensical"]
    found = shutil.which("zensical")
    return [found] if found else None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ISSUE = re.compile(r"(Warning|Error): (.+)")
_WHERE = re.compile(r"\[ (\S+:\d+:\d+) \]")


def _zensical_issues(lines: list[str]) -> list[str]:
    """Zensical's warnings and errors, each on one line with the file, line and column it names."""
    out = []
    for i, line in enumerate(lines):
        issue = _ISSUE.match(line)
        if issue:
            where = _WHERE.search(lines[i + 1]) if i + 1 < len(lines) else None
            at = f"{where.group(1)}: " if where else ""
            out.append(f"{issue.group(1).lower()}: {at}{issue.group(2)}")
    return out


def build_with_zensical(
    config_file: Path,
    docs_dir: Path,
    site_dir: Path,
    *,
    strict: bool,
    verbose: bool = False,
    source_date_epoch: str | None = None,
    progress: Progress = SILENT,
) -> BuildReport:
    """Run ``zensical build`` on a staged docs folder, in a subprocess.

    Zensical runs no MkDocs plugins or hooks and needs no adapter code: it gets the
    generated Markdown as it is.  It insists that ``docs_dir`` lies inside the folder of
    its config file and keeps a cache there, so it is given a small config beside the
    staged docs that inherits the project's ``mkdocs.yml`` (``INHERIT``); its cache goes
    away with the staging folder, and nothing is written into the project.
    """
    import subprocess

    command = _zensical_command()
    if command is None:
        raise MkDocsMissing("Zensical is not installed; install it with pip install zensical")
    folder = docs_dir.parent
    if site_dir.parent != folder:
        raise BuildFailed("Zensical needs the docs and site folders side by side")
    config = folder / "zensical-mkdocs.yml"
    config.write_text(
        f"INHERIT: {json.dumps(str(config_file))}\n"
        f"docs_dir: {json.dumps(docs_dir.name)}\nsite_dir: {json.dumps(site_dir.name)}\n",
        encoding="utf-8",
    )
    env = dict(os.environ, NO_COLOR="1")
    if source_date_epoch is not None:
        env.setdefault("SOURCE_DATE_EPOCH", source_date_epoch)
    progress.stage("Zensical: building the site")
    args = [*command, "build", "--config-file", str(config), *(["--strict"] if strict else [])]
    try:
        done = subprocess.run(
            args, cwd=folder, env=env, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise MkDocsMissing(f"Zensical cannot be started ({exc.strerror or exc})") from None
    import sys

    lines = [_ANSI.sub("", line).strip() for line in (done.stdout + done.stderr).splitlines()]
    lines = [line for line in lines if line]
    progress.close()
    for line in lines if verbose else _zensical_issues(lines):
        print(f"zensical: {line}", file=sys.stderr)
    if done.returncode != 0:
        reason = next((ln for ln in reversed(lines) if ln.startswith("Error")), None)
        raise BuildFailed(f"Zensical failed: {reason or (lines[-1] if lines else done.returncode)}")
    pages = sum(1 for _ in site_dir.rglob("*.html")) if site_dir.is_dir() else 0
    return BuildReport(pages, 0, {})


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
    generated: Mapping[str, str] | None = None,
    memo: Any = None,
    previous_site: Path | None = None,
    jobs: int = 1,
    overlay: Path | None = None,
    hidden: frozenset[str] = frozenset(),
    keep_session: bool = False,
    builder: str | None = None,
    csp: Options | None = None,
) -> BuildReport:
    """Run ``mkdocs build`` on ``docs_dir`` into ``site_dir`` with the project's settings.

    ``source_date_epoch`` (unless the environment already sets one) fixes the
    dates MkDocs stamps into the sitemap and its gzip header, for reproducible output.
    ``generated`` names the generated pages (headings and HTML blocks, handed over
    finished); ``memo`` and ``previous_site`` are what the last build left, so that
    unchanged generated pages are reused (see :mod:`mkdocs_engine`); ``jobs`` > 1
    builds pages in two processes.  ``builder`` is ``extra.briefing.builder`` (see
    :func:`choose_builder`).
    """
    # The offline bundle (the one caller that sets the URL style) overrides plugins in
    # process, which needs MkDocs' API; Zensical would ignore ``overrides``.
    chosen = choose_builder(builder, mkdocs_api=directory_urls is not None)
    if chosen == "zensical":
        report = build_with_zensical(
            config_file,
            docs_dir,
            site_dir,
            strict=strict,
            verbose=verbose,
            source_date_epoch=source_date_epoch,
            progress=progress,
        )
        if csp is not None:
            secure_site(site_dir, csp)
        return report
    _use(chosen)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
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
    with _mkdocs_logging(progress, verbose, docs_dir), _epoch(source_date_epoch):
        try:
            from . import mkdocs_compat

            untested = mkdocs_compat.untested()
            if untested is not None:
                # MkDocs' public build() on a whole docs folder: none of the engine's
                # shortcuts (see mkdocs_compat), the same site but slower.
                progress.close()
                print(
                    f"briefing: {untested} is not a version the fast site build was tested "
                    "with; building the site with MkDocs' own build",
                    file=sys.stderr,
                )
                if overlay is not None or hidden:
                    docs_dir = _whole_docs(
                        docs_dir, overlay, hidden, site_dir.parent / "docs-whole"
                    )
            progress.stage("MkDocs: loading mkdocs.yml")
            config = load_config(
                config_file=str(config_file),
                docs_dir=str(docs_dir),
                site_dir=str(site_dir),
                strict=strict,
                **options,
            )
            if untested is not None:
                report = _plain_build(config)
                if csp is not None:
                    secure_site(site_dir, csp)
                return report
            return _engine_build(
                config,
                generated=generated or {},
                memo=memo,
                previous_site=previous_site,
                jobs=jobs,
                overlay=overlay,
                hidden=hidden,
                keep_session=keep_session,
                csp=csp,
            )
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
        except Exception as exc:  # a plugin's or hook's own error is a failed build, not ours
            raise BuildFailed(f"MkDocs failed: {type(exc).__name__}: {exc}") from None


def _engine_build(
    config: Any,
    *,
    generated: Mapping[str, str],
    memo: Any,
    previous_site: Path | None,
    jobs: int,
    overlay: Path | None,
    hidden: frozenset[str],
    keep_session: bool,
    csp: Options | None,
) -> BuildReport:
    """The site built page by page by :mod:`mkdocs_engine`, reusing what ``memo`` proves
    unchanged in ``previous_site``; each page with its content security policy."""
    from . import mkdocs_engine

    try:
        previous = mkdocs_engine.memo_from_json(memo) if memo is not None else {}
    except (ValueError, TypeError):
        previous = {}
    config.plugins.on_startup(command="build", dirty=False)
    try:
        result = mkdocs_engine.run(
            config,
            generated=generated,
            previous=previous,
            previous_site=previous_site,
            jobs=jobs,
            overlay=overlay,
            hidden=hidden,
            keep_session=keep_session,
            secure=csp.apply if csp is not None else mkdocs_engine.same,
            secure_key=csp.key if csp is not None else "",
        )
    finally:
        config.plugins.on_shutdown()
    return BuildReport(
        result.built,
        result.reused,
        mkdocs_engine.memo_to_json(result.memo),
        result.kept,
        {m.dest: m.sha for m in result.memo.values() if m.sha},
    )


@contextlib.contextmanager
def _mkdocs_logging(progress: Progress, verbose: bool, docs_dir: Path) -> Iterator[None]:
    """MkDocs' messages as single lines of ours, and its per-page messages as progress."""
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
        yield
    finally:
        stage_logger.removeHandler(counter)
        stage_logger.setLevel(stage_level)
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


@contextlib.contextmanager
def _epoch(source_date_epoch: str | None) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set for the build (unless the environment sets one): the dates
    MkDocs stamps into the sitemap and its gzip header, for reproducible output."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    if source_date_epoch is not None and not saved:
        os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _whole_docs(docs_dir: Path, overlay: Path | None, hidden: frozenset[str], folder: Path) -> Path:
    """``docs_dir`` without its ``hidden`` files and with ``overlay``'s laid over it, as one
    folder of hard links (a copy where links cannot be made), for MkDocs' own build."""
    for base, skip in ((docs_dir, hidden), (overlay, frozenset[str]())):
        if base is None:
            continue
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                source = Path(dirpath) / name
                rel = source.relative_to(base).as_posix()
                if rel in skip:
                    continue
                target = folder / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
    return folder


def _plain_build(config: Any) -> BuildReport:
    """MkDocs' own ``build()``: every page built, nothing reused, no memo."""
    from mkdocs.commands import build as mkbuild

    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkbuild.build(config)
    finally:
        config.plugins.on_shutdown()
    pages = sum(1 for _ in Path(config.site_dir).rglob("*.html"))
    return BuildReport(pages, 0, {})


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


def render_one(src_uri: str, markdown_text: str) -> tuple[str, bytes] | None:
    """One page of the last kept build drawn again from new Markdown (``serve``'s quick step);
    None when there is no kept build or the page is not in it."""
    from . import mkdocs_engine

    session = mkdocs_engine.SESSION
    if session is None:
        return None
    return session.render_page(src_uri, markdown_text)


def draw(changed: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]] | None:
    """Files of ``docs/`` with new bytes as the last kept build would put them in the
    site, ``(site path, bytes)`` (pages drawn again, other files as they are); None
    when there is no kept build, a file is not in it or the navigation changed
    (``serve`` draws an edit's files this way before MkDocs runs)."""
    from . import mkdocs_engine

    session = mkdocs_engine.SESSION
    return None if session is None else session.draw(changed)
