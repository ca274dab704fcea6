"""Shared fixtures: the example project, throw-away projects and an in-process CLI runner."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

#: The smallest mkdocs.yml a briefing project needs.
MKDOCS_YML = """\
site_name: Test
theme:
  name: material
"""

Files = Mapping[str, str | bytes]
MakeProject = Callable[..., Path]
RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def example_root() -> Path:
    """The example project: this repository."""
    return Path(__file__).parent.parent


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """A factory writing a minimal briefing project and returning its root.

    ``files`` maps paths relative to the project root (``seeds/entities/nvidia.yml``,
    ``seeds/2025/x.md``) to their text, or to bytes for files that must not be
    encoded.  ``mkdocs_extra`` is appended to ``mkdocs.yml``.
    """
    counter = iter(range(1_000_000))

    def make(files: Files | None = None, *, mkdocs_extra: str = "") -> Path:
        root = tmp_path / f"project{next(counter)}"
        (root / "docs").mkdir(parents=True)
        (root / "seeds" / "entities").mkdir(parents=True)
        (root / "mkdocs.yml").write_text(MKDOCS_YML + mkdocs_extra, encoding="utf-8")
        for rel, content in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


def invoke_cli(root: Path, *args: str) -> tuple[int, str, str]:
    """Run ``briefing -C root ARGS...`` in-process: ``(exit code, stdout, stderr)``."""
    # imported here so that a broken generator fails the tests, not their collection
    from generator import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["-C", str(root), *args])
        except SystemExit as exc:  # argparse reports wrong usage by exiting
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(name="run_cli")
def run_cli_fixture(monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """:func:`invoke_cli`, with CI annotations switched off so output is the same everywhere."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return invoke_cli


#: Modules whose tests build sites (MkDocs and Pagefind), drive a browser or run long
#: property tests: ``make test-fast`` (``-m "not slow"``) leaves them out for the inner
#: loop; ``make test`` (CI) runs everything.  A test elsewhere that builds a site carries
#: ``@pytest.mark.slow`` itself.
SLOW_MODULES = frozenset(
    {
        "test_accessibility",
        "test_browser",
        "test_browser_claims",
        "test_build",
        "test_builders",
        "test_cache",
        "test_ci_cache",
        "test_file_modes",
        "test_fuzz",
        "test_hostile",
        "test_incremental",
        "test_incremental_settings",
        "test_mkdocs_compat",
        "test_offline_serve",
        "test_progress",
        "test_remote_images",
        "test_search",
        "test_serve",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module.__name__.rpartition(".")[2] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
