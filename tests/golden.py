"""The golden copies of the generated Markdown of the example and the fixture projects.

``python -m tests.golden refresh`` (``make golden``) renders each project's pages
in memory and writes them to ``tests/golden/<project>/<docs path>``, replacing
whatever was there: ``example`` is this repository's example project,
``claims-project`` the fictional project of ``tests/data/claims-project/`` whose
claims form threads.  ``tests/test_golden.py`` compares a fresh rendering with
each copy byte for byte.  No MkDocs is involved.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from generator.pipeline import check, render
from generator.project import Project
from tests.helpers import tree

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "example"
CLAIMS_PROJECT = Path(__file__).resolve().parent / "data" / "claims-project"
#: Each golden copy: its folder and the project it is rendered from.
GOLDEN = {
    "example": (GOLDEN_DIR, ROOT),
    "claims-project": (GOLDEN_DIR.parent / "claims-project", CLAIMS_PROJECT),
}


def render_example(root: Path = ROOT) -> dict[str, bytes]:
    """Every generated page of the example project as ``{docs path: UTF-8 bytes}``."""
    project = Project.open(root)
    checked = check(project, drafts=False)
    if checked.corpus is None:
        problems = "\n".join(str(p) for p in checked.problems.errors)
        raise RuntimeError(f"the example project has errors:\n{problems}")
    pages = render(project, checked.corpus)
    return {path: text.encode("utf-8") for path, text in sorted(pages.items())}


def read_golden(folder: Path = GOLDEN_DIR) -> dict[str, bytes]:
    """The golden files as ``{docs path: bytes}``."""
    return tree(folder)


def refresh(folder: Path = GOLDEN_DIR, root: Path = ROOT) -> int:
    """Replace the golden copy with a fresh rendering; returns the number of files."""
    pages = render_example(root)
    if folder.exists():
        shutil.rmtree(folder)
    for rel, data in pages.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(pages)


def main(argv: list[str]) -> int:
    if argv != ["refresh"]:
        print("usage: python -m tests.golden refresh", file=sys.stderr)
        return 2
    for folder, root in GOLDEN.values():
        n = refresh(folder, root)
        print(
            f"wrote {n} golden files to {folder.relative_to(ROOT)}/; review the diff and commit it"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
