"""Generated files get the mode any new file of the user gets (issue #11, part 4).

They were written through ``tempfile.mkstemp``, which creates files 0600, and
``os.replace`` kept that: a web server or the user's group could not read the
generated pages, feed, calendar or manifest.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.write import write_file
from tests.helpers import MANIFEST, write_project
from tests.helpers import run as invoke_cli

FILES = {
    "seeds/entities/acme.yml": "name: Acme\ntype: company\n",
    "seeds/2025/2025-09-11-acme-ships.md": (
        "---\ntitle: Acme ships\ndate: 2025-09-11\nsource: acme\nentities: [acme]\n"
        "events:\n  - date: 2025-08\n    title: Acme starts shipping\n---\nAcme said so.\n"
    ),
}


@pytest.fixture
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under the umask it is parametrised with; the previous one comes back."""
    previous = os.umask(request.param)
    try:
        yield int(request.param)
    finally:
        os.umask(previous)


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


@pytest.mark.parametrize("umask", [0o022, 0o027], indirect=True, ids=["022", "027"])
def test_write_file_gives_the_umask_mode(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "a" / "page.md"
    assert write_file(target, b"first")
    assert mode(target) == oct(0o666 & ~umask)
    target.chmod(0o600)  # a replaced file gets the umask's mode, not the previous file's
    assert write_file(target, b"second")
    assert mode(target) == oct(0o666 & ~umask)
    assert [p.name for p in target.parent.iterdir()] == ["page.md"]  # no temporary file left


@pytest.mark.parametrize("umask", [0o022, 0o027], indirect=True, ids=["022", "027"])
def test_build_and_bundle_output_has_the_umask_mode(tmp_path: Path, umask: int) -> None:
    root = write_project(tmp_path / "project", FILES)
    code, out, err = invoke_cli(root, "build")
    assert code == 0, out + err
    code, out, err = invoke_cli(root, "bundle")
    assert code == 0, out + err
    expected = oct(0o666 & ~umask)
    docs = root / "docs"
    wanted = [
        docs / "feed.xml",
        docs / "timeline.ics",
        docs / MANIFEST,
        root / "site" / "index.html",
        *(root / "dist").glob("*-offline.zip"),
    ]
    assert len(wanted) == 5 and all(p.is_file() for p in wanted), wanted
    generated = [p for p in docs.rglob("*") if p.is_file()]
    pages = [p.relative_to(docs).as_posix() for p in generated if p.suffix == ".md"]
    assert any("acme-ships" in p for p in pages) and any("entities/acme" in p for p in pages), pages
    cached = list((root / ".cache" / "briefing").glob("*.json"))  # the build cache, too
    assert cached
    wrong = {
        str(p.relative_to(root)): mode(p)
        for p in [*wanted, *generated, *cached]
        if mode(p) != expected
    }
    assert not wrong, f"expected {expected} under umask {oct(umask)}: {wrong}"
