"""Carrying the build cache between CI runs: ``python -m generator.ci_cache export|import``.

A CI cache (GitHub's actions/cache) restores folders wholesale.  site/ is wholly
generated and can be restored as it is, but docs/ also holds the project's own
pages, which an old copy must never overwrite.  So the generated files of docs/
travel inside the cache folder (:data:`cache.CACHE_DIR`) and are put back only
where nothing is in the way.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from .cache import CACHE_DIR
from .project import Project, UsageError
from .write import MANIFEST, plain_relative, read_manifest

_MIRROR = "docs-generated"


def export_docs(root: Path, docs_dir: Path) -> int:
    """Copy the generated files of ``docs_dir`` (its manifest's) into the cache folder."""
    mirror = root / CACHE_DIR / _MIRROR
    if mirror.exists():
        shutil.rmtree(mirror)
    managed = read_manifest(docs_dir)
    copied = []
    for rel in sorted(managed):
        source = docs_dir / rel
        if source.is_file():
            (mirror / rel).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, mirror / rel)  # the cache archives it; no second copy here
            except OSError:
                shutil.copy2(source, mirror / rel)
            copied.append(rel)
    mirror.mkdir(parents=True, exist_ok=True)
    (mirror / MANIFEST).write_text(json.dumps({"generator": "briefing", "files": copied}))
    return len(copied)


def import_docs(root: Path, docs_dir: Path) -> int:
    """Put the mirrored generated files back into ``docs_dir`` where no file is in the way,
    when ``docs_dir`` has no manifest of its own (a fresh checkout); returns how many."""
    mirror = root / CACHE_DIR / _MIRROR
    if (docs_dir / MANIFEST).exists() or not mirror.is_dir():
        return 0
    placed = []
    for rel in sorted(read_manifest(mirror)):
        source, target = mirror / rel, docs_dir / rel
        if not plain_relative(rel) or not source.is_file() or target.exists():
            continue  # a file of the project's own wins; it is then not ours to manage
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        placed.append(rel)
    docs_dir.mkdir(parents=True, exist_ok=True)
    (docs_dir / MANIFEST).write_text(
        json.dumps({"generator": "briefing", "files": placed}, indent=1) + "\n", encoding="utf-8"
    )
    return len(placed)


def main(argv: list[str] | None = None) -> int:
    """``python -m generator.ci_cache export|import [PROJECT]``: used by the CI workflows."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("export", "import"):
        print("usage: python -m generator.ci_cache export|import [PROJECT]", file=sys.stderr)
        return 2
    try:
        project = Project.open(Path(args[1] if len(args) > 1 else "."))
    except UsageError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    if args[0] == "export":
        count = export_docs(project.root, project.docs_dir)
        print(f"cache: {count} generated docs files kept in {CACHE_DIR / _MIRROR}")
    else:
        count = import_docs(project.root, project.docs_dir)
        print(f"cache: {count} generated docs files put back into docs/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
