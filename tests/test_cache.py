"""The build cache's bad cases: whatever is in ``.cache/briefing/``, the build is exact.

``.cache/briefing/`` holds the render memo (``render.json``: each unit's key and its
files in ``docs/`` with their SHA-256, size and time), the site memo
(``site-site.json``: each kept page's key, output file with its size, time, inode and
SHA-256, and anchors) and memos of work keyed by the digest of its inputs.  A file
that fails the header checks (format, generator code digest, name, SHA-256 of the
payload) is treated as missing; a well-formed memo is still only a claim, which
reuse checks against the current keys and the files on disk.  In every case below
the build succeeds and equals a clean build of the same sources (SPEC §6
"Incremental is exact"), and a failed build leaves docs/, site/ and the memos that
describe them as they were ("Nothing lost").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.cache import Store, code_digest
from tests.helpers import ROOT
from tests.test_incremental import (
    CACHE,
    assert_exact,
    build,
    build_ok,
    clean_copy,
    digests,
    expected,
    first_seed,
    join_seed,
    make_synth_project,
    mtimes,
    outputs,
    rendered_and_reused,
    slug_of,
    split_seed,
    touch_later,
)

RENDER = "render"
SITE = "site-site"
MEMOS = (RENDER, SITE)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The synthetic project after one build, so that the cache holds both memos."""
    root = tmp_path / "work"
    make_synth_project(root)
    build_ok(root)
    for name in MEMOS:
        assert (root / CACHE / f"{name}.json").is_file(), name
    return root


def memo_path(root: Path, name: str) -> Path:
    return root / CACHE / f"{name}.json"


def read_memo(root: Path, name: str) -> tuple[dict[str, Any], Any]:
    """A cache file's header and payload, read as the format says (not through Store)."""
    header, _, payload = memo_path(root, name).read_bytes().partition(b"\n")
    return json.loads(header), json.loads(payload)


def forge_memo(root: Path, name: str, payload: Any, **header: str) -> None:
    """Write a cache file whose header checks pass: the checksum matches the payload."""
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    meta = {
        "format": "briefing-cache",
        "name": name,
        "code": code_digest(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    meta.update(header)
    memo_path(root, name).write_bytes(json.dumps(meta).encode() + b"\n" + data)


def edit_a_title(root: Path, title: str = "A title edited after the cache was written") -> str:
    rel = first_seed(root, lambda f: not f.get("draft"))
    path = root / rel
    front, body = split_seed(path.read_text(encoding="utf-8"))
    front["title"] = title
    path.write_text(join_seed(front, body), encoding="utf-8")
    return rel


def assert_exact_build(root: Path, *args: str) -> str:
    """Build ``root`` incrementally and assert it equals a clean build; returns the output."""
    out = build_ok(root, *args)
    assert_exact(root, expected(root))
    return out


# --- files that fail the header checks ---------------------------------------


Damage = dict[Path, bytes]  # every cache file's bytes before any damage


def _garbage(path: Path, before: Damage) -> None:
    path.write_bytes(os.urandom(4096))


def _truncated(path: Path, before: Damage) -> None:
    path.write_bytes(before[path][: len(before[path]) // 2])


def _empty(path: Path, before: Damage) -> None:
    path.write_bytes(b"")


def _payload_edited(path: Path, before: Damage) -> None:
    """Valid JSON, but the checksum in the header was not updated."""
    header, _, payload = before[path].partition(b"\n")
    doc = json.loads(payload)
    doc = {**doc, "edited-by-hand": True} if isinstance(doc, dict) else {"edited": doc}
    path.write_bytes(header + b"\n" + json.dumps(doc, separators=(",", ":")).encode())


def _foreign_version(path: Path, before: Damage) -> None:
    """Another generator version's file: a different code digest (checksum still right)."""
    header, _, payload = before[path].partition(b"\n")
    meta = json.loads(header)
    meta["code"] = "f" * 32
    path.write_bytes(json.dumps(meta).encode() + b"\n" + payload)


def _other_name(path: Path, before: Damage) -> None:
    """Another memo's file copied over this one (its header names the other memo)."""
    path.write_bytes(before[min(p for p in before if p != path)])


def _not_json(path: Path, before: Damage) -> None:
    path.write_bytes(b'{"format": "briefing-cache"}\n\xff\xfe not json')


BAD_FILES = {
    "garbage": _garbage,
    "truncated": _truncated,
    "empty": _empty,
    "payload edited": _payload_edited,
    "foreign version": _foreign_version,
    "other memo's file": _other_name,
    "not json": _not_json,
}


TITLES = ("A title edited after the cache was written", "Another title, edited again")


@pytest.mark.parametrize("damage", sorted(BAD_FILES))
def test_damaged_cache_files_are_treated_as_missing(project: Path, damage: str) -> None:
    """A corrupt, truncated, empty, hand-edited, foreign-version or misplaced cache file is
    ignored (read as missing): one memo (a different one for each kind of damage), then
    all of them, each time after an edit; every build is exact and leaves the cache whole."""
    names = sorted(p.stem for p in (project / CACHE).glob("*.json"))
    assert set(MEMOS) <= set(names), names
    one = names[sorted(BAD_FILES).index(damage) % len(names)]
    for title, damaged in zip(TITLES, ([one], names), strict=True):
        edit_a_title(project, title)
        before = {memo_path(project, n): memo_path(project, n).read_bytes() for n in names}
        for name in damaged:
            BAD_FILES[damage](memo_path(project, name), before)
        for name in damaged:
            assert Store(project).read(name) is None, name
        out = build_ok(project)
        assert_exact(project, expected(project))
        if SITE in damaged:
            assert rendered_and_reused(out)[1] == 0, out  # nothing reused without the memo
        for name in names:
            assert Store(project).read(name) is not None, f"no good {name} memo after {damaged}"
    out = build_ok(project)  # and the build after that reuses again
    assert rendered_and_reused(out)[1] > 0, out


# --- well-formed memos that lie ----------------------------------------------


def _units(root: Path) -> dict[str, Any]:
    units: dict[str, Any] = read_memo(root, RENDER)[1]
    return units


def test_render_memo_with_wrong_keys_renders_again(project: Path) -> None:
    """Every unit's key replaced (checksum updated): nothing matches, so every unit is
    rendered again, and the result is the same."""
    memo = _units(project)
    forged = {unit: ["0" * len(key), files] for unit, (key, files) in memo.items()}
    forge_memo(project, RENDER, forged)
    assert_exact_build(project)
    assert _units(project) == memo, "the memo of a clean render differs"


@pytest.mark.parametrize("lie", ["size", "time", "time and digest"])
def test_render_memo_with_wrong_file_stats_is_not_trusted(project: Path, lie: str) -> None:
    """The memo claims each unit unchanged (its key is right) but records another size, or
    another time (then the file's SHA-256 decides: the right one, or a wrong one) for its
    files than docs/ has: only files proven the same are reused; the build is exact."""
    edit_a_title(project)
    build_ok(project)
    memo = _units(project)
    for _unit, (_key, files) in memo.items():
        for row in files.values():
            if lie == "size":
                row[1] += 1
            else:
                row[2] -= 1
            if lie == "time and digest":
                row[0] = hashlib.sha256(b"something else").hexdigest()
    forge_memo(project, RENDER, memo)
    edit_a_title(project, TITLES[1])
    assert_exact_build(project)


def test_render_memo_of_an_older_build_is_not_trusted(project: Path) -> None:
    """A memo from an earlier build (as a restored CI cache would be): the units edited
    since have other keys and other files, and are rendered again."""
    older = memo_path(project, RENDER).read_bytes()
    edit_a_title(project)
    build_ok(project)
    memo_path(project, RENDER).write_bytes(older)
    edit_a_title(project, "A second title")
    assert_exact_build(project)


def test_render_memo_claiming_files_outside_docs_is_ignored(project: Path) -> None:
    """A memo naming files outside docs/ (or not written by briefing) reuses none of them
    and touches nothing outside the project's generated folders."""
    outside = project.parent / "outside.md"
    outside.write_text("not ours\n", encoding="utf-8")
    st = outside.stat()
    mine = project / "docs" / "about.md"
    memo = _units(project)
    unit, (key, _files) = next(iter(memo.items()))
    memo[unit] = [key, {"../../outside.md": ["0" * 64, st.st_size, st.st_mtime_ns]}]
    other, (key2, _files2) = list(memo.items())[1]
    mst = mine.stat()
    memo[other] = [key2, {"about.md": ["0" * 64, mst.st_size, mst.st_mtime_ns]}]
    forge_memo(project, RENDER, memo)
    assert_exact_build(project)
    assert outside.read_text(encoding="utf-8") == "not ours\n"


def _site_memo(root: Path) -> dict[str, Any]:
    memo: dict[str, Any] = read_memo(root, SITE)[1]
    return memo


@pytest.mark.parametrize("lie", ["key", "size", "dest", "inode", "time"])
def test_site_memo_that_lies_is_not_trusted(project: Path, lie: str) -> None:
    """A site memo whose pages' keys, file sizes, times, inodes or output paths are wrong
    (checksum updated): those pages are built again (or, for a time or an inode, kept
    only if the file's SHA-256 is the memo's), and the site equals a clean build."""
    edit_a_title(project)
    memo = _site_memo(project)
    for _src, entry in memo.items():
        if lie == "key":
            entry[0] = "0" * len(entry[0])
        elif lie == "size":
            entry[2] = [entry[2][0] + 1, entry[2][1], entry[2][2]]
        elif lie == "time":
            entry[2] = [entry[2][0], entry[2][1] - 1, entry[2][2]]
        elif lie == "inode":
            entry[2] = [entry[2][0], entry[2][1], entry[2][2] + 1]
        else:
            entry[1] = "index.html"
    forge_memo(project, SITE, memo)
    out = assert_exact_build(project)
    if lie in ("key", "size", "dest"):  # else the same size: the SHA-256 decides
        assert rendered_and_reused(out)[1] == 0, out


def test_site_memo_with_malformed_entries_is_ignored(project: Path) -> None:
    """Entries of the wrong shape (checksum updated) make the whole memo count as missing."""
    memo = _site_memo(project)
    first = next(iter(memo))
    memo[first] = ["just", "three", "items"]
    forge_memo(project, SITE, memo)
    out = assert_exact_build(project)
    assert rendered_and_reused(out)[1] == 0, out


# --- the cache folder itself -------------------------------------------------


def test_cache_folder_that_is_a_file(project: Path) -> None:
    """``.cache/briefing`` is a file (not ours to delete): builds work without a cache."""
    shutil.rmtree(project / CACHE)
    (project / CACHE).write_text("a user's file\n", encoding="utf-8")
    edit_a_title(project)
    assert_exact_build(project)
    assert_exact_build(project, "--clear-cache")
    assert (project / CACHE).read_text(encoding="utf-8") == "a user's file\n"


def test_cache_parent_that_is_a_file(project: Path) -> None:
    """``.cache`` itself is a file: builds work without a cache, and leave it alone."""
    shutil.rmtree(project / ".cache")
    (project / ".cache").write_text("a user's file\n", encoding="utf-8")
    edit_a_title(project)
    assert_exact_build(project)
    assert (project / ".cache").read_text(encoding="utf-8") == "a user's file\n"


def _files_and_times(folder: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every file under ``folder`` with its bytes and modification time (folders: None)."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        if p.is_file()
        else None
        for p in sorted(folder.rglob("*"))
    }


#: ``python -c AS_A_USER ARGS...`` runs ``python ARGS...`` with a user's file permissions:
#: as root, without CAP_DAC_OVERRIDE, the capability that lets root write into a folder
#: whose mode says no.  It is dropped from the bounding set, which ``execv`` then makes
#: the process's own (root keeps the others, and owns its files, so it can still read
#: the interpreter under /root).  CI runs the tests as root.
AS_A_USER = """\
import ctypes, os, sys
if os.geteuid() == 0:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(24, 1, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, CAP_DAC_OVERRIDE
        sys.exit("cannot drop CAP_DAC_OVERRIDE: " + os.strerror(ctypes.get_errno()))
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
"""


def run_as_a_user(*args: str) -> subprocess.CompletedProcess[str]:
    """``python ARGS...`` in this repository, with a user's file permissions (even as root)."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run(
        [sys.executable, "-c", AS_A_USER, *args],
        cwd=ROOT,
        env={**env, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0 and not sys.platform.startswith("linux"),
    reason="as root, a user's permissions need Linux's prctl",
)
def test_unwritable_cache_folder(project: Path) -> None:
    """A cache folder the build cannot write to (even as root: the build runs without
    root's override of file modes): the build works, reads the old memos, stays exact
    (also once docs/ and site/ have moved on from what the memos say), and the cache
    files are unchanged."""
    folder = project / CACHE
    before = _files_and_times(folder)
    folder.chmod(0o500)
    try:
        probe = run_as_a_user("-c", "import sys; open(sys.argv[1], 'x')", str(folder / "probe"))
        assert "PermissionError" in probe.stderr, (
            f"the build's user can write into the folder: this test would prove nothing\n"
            f"{probe.stderr}"
        )
        for title in ("A title edited after the cache was written", "Edited once more"):
            edit_a_title(project, title)
            result = run_as_a_user("-m", "generator", "-C", str(project), "build")
            assert result.returncode == 0, result.stderr
            assert rendered_and_reused(result.stdout)[1] > 0, result.stdout
            assert_exact(project, expected(project))
            after = _files_and_times(folder)
            changed = sorted(
                k for k in after.keys() | before.keys() if after.get(k) != before.get(k)
            )
            assert not changed, f"the build changed the cache folder: {changed}"
    finally:
        folder.chmod(0o700)


def test_cache_files_that_cannot_be_replaced(project: Path) -> None:
    """Each memo's name taken by a folder (so neither reading nor writing it works, even as
    root): the builds work, stay exact, and leave no temporary file behind."""
    for name in MEMOS:
        path = memo_path(project, name)
        path.unlink()
        path.mkdir()
        (path / "keep").write_text("x", encoding="utf-8")
    edit_a_title(project)
    assert_exact_build(project)
    edit_a_title(project, "Another title")
    assert_exact_build(project)
    for name in MEMOS:
        assert memo_path(project, name).is_dir(), name
    leftovers = sorted(p.name for p in (project / CACHE).iterdir() if p.name.startswith("."))
    assert not leftovers, leftovers


# --- hand edits of the output ------------------------------------------------


def _generated_card(root: Path) -> Path:
    pages = sorted((root / "docs" / "entities").glob("*/index.md"))
    assert pages
    return pages[0]


@pytest.mark.parametrize("how", ["append", "same size", "delete", "touch"])
def test_docs_page_edited_by_hand_is_generated_again(project: Path, how: str) -> None:
    """A generated page in docs/ edited (even to the same size) or deleted after a build is
    not trusted: the next build writes it again, and MkDocs builds it from the new file.
    One only touched (same bytes, a later time) may be reused; the result is the same."""
    page = _generated_card(project)
    want = page.read_bytes()
    if how == "delete":
        page.unlink()
    elif how == "touch":  # saved again unchanged: only its time moves
        touch_later(page)
    elif how == "append":
        page.write_bytes(want + b"\nEdited by hand.\n")
    else:
        page.write_bytes(want[:-8] + b"EDITED!\n")
        touch_later(page)
    assert_exact_build(project)
    assert page.read_bytes() == want


@pytest.mark.parametrize("how", ["append", "same size", "delete", "touch"])
def test_site_page_edited_by_hand_is_built_again(project: Path, how: str) -> None:
    """A reusable page in site/ edited (even to the same size) or deleted after a build is
    built again rather than kept in the new site; one only touched may be kept."""
    pages = sorted((project / "site" / "briefings").glob("*/index.html"))
    page = pages[len(pages) // 2]
    want = page.read_bytes()
    if how == "delete":
        page.unlink()
    elif how == "touch":
        touch_later(page)
    elif how == "append":
        page.write_bytes(want + b"<!-- edited -->")
    else:
        page.write_bytes(want[:-8] + b"EDITED!\n")
        touch_later(page)
    out = assert_exact_build(project)
    assert page.read_bytes() == want
    assert rendered_and_reused(out)[1] > 0, out


def test_site_page_edited_in_place_does_not_change_the_next_site_through_a_link(
    project: Path,
) -> None:
    """Reused pages are hard links to the previous site's files: after a build, editing a
    page of site/ in place (same inode) must not leak into a later build's site."""
    build_ok(project)  # now site/ holds hard-linked pages
    pages = sorted((project / "site" / "briefings").glob("*/index.html"))
    page = pages[0]
    want = page.read_bytes()
    with page.open("r+b") as handle:  # in place: same inode, new size and time
        handle.seek(0, os.SEEK_END)
        handle.write(b"<!-- edited in place -->")
    assert_exact_build(project)
    assert page.read_bytes() == want


# --- the options -------------------------------------------------------------


def test_no_cache_build_equals_cached_build_and_leaves_the_cache(project: Path) -> None:
    """``--no-cache`` does all the work again (nothing reused), neither reads nor writes the
    cache, and gives the same bytes as a cached build."""
    edit_a_title(project)
    cache_before = {**digests(project / CACHE)}
    cache_times = {k: v for k, v in mtimes(project).items() if k.startswith(".cache")}
    out = build_ok(project, "--no-cache")
    assert rendered_and_reused(out)[1] == 0, out
    assert digests(project / CACHE) == cache_before
    assert {k: v for k, v in mtimes(project).items() if k.startswith(".cache")} == cache_times
    no_cache = {"docs": digests(project / "docs"), "site": digests(project / "site")}
    out = build_ok(project)  # with the (older) cache: must not undo the --no-cache build
    assert {"docs": digests(project / "docs"), "site": digests(project / "site")} == no_cache
    assert_exact(project, expected(project))


def test_clear_cache_removes_the_cache_folder_first(project: Path) -> None:
    """``--clear-cache`` deletes ``.cache/briefing/`` (stale files too) before building,
    so nothing is reused; the build then writes fresh memos."""
    (project / CACHE / "stale.json").write_text("{}", encoding="utf-8")
    out = assert_exact_build(project, "--clear-cache")
    assert rendered_and_reused(out)[1] == 0, out
    assert not (project / CACHE / "stale.json").exists()
    for name in MEMOS:
        assert Store(project).read(name) is not None, name


def test_clear_cache_with_no_cache_leaves_no_cache(project: Path) -> None:
    """``--clear-cache --no-cache``: the memos are gone and the build writes none (only the
    build lock may be there)."""
    assert_exact_build(project, "--clear-cache", "--no-cache")
    left = sorted(p.name for p in (project / CACHE).iterdir()) if (project / CACHE).exists() else []
    assert left in ([], ["build.lock"]), left


# --- failed builds -----------------------------------------------------------


def assert_cache_whole(root: Path) -> None:
    for path in sorted((root / CACHE).glob("*.json")):
        assert Store(root).read(path.stem) is not None, f"{path.name} fails its checks"


def test_failed_build_leaves_docs_site_and_memos_and_the_next_build_is_exact(project: Path) -> None:
    """A seed with an error: exit 1, and docs/, site/ and the memos that describe them
    (render, site) are as they were, bytes and times; every cache document still passes
    its checks; once fixed, the next build equals a clean build."""
    rel = first_seed(project, lambda f: not f.get("draft"))
    edit_a_title(project)  # an edit the failed build must not half-apply
    path = project / rel
    good = path.read_text(encoding="utf-8")
    front, body = split_seed(good)
    front["entities"] = [*front["entities"], "no-such-entity"]
    path.write_text(join_seed(front, body), encoding="utf-8")
    before, times = outputs(project), mtimes(project)
    code, _out, err = build(project)
    assert code == 1, err
    assert "no-such-entity" in err
    assert outputs(project) == before
    assert mtimes(project) == times
    assert_cache_whole(project)
    path.write_text(good, encoding="utf-8")
    assert_exact_build(project)


HOOK = """\
from pathlib import Path

def on_post_build(config, **kwargs):
    if (Path(config.config_file_path).parent / "FAIL").exists():
        raise RuntimeError("the hook was told to fail")
"""


def test_failed_mkdocs_stage_leaves_docs_site_and_memos(tmp_path: Path) -> None:
    """MkDocs fails at the very end (a hook, after every page was built and reused pages
    were linked): docs/, site/ and the memos that describe them are as they were, every
    cache document still passes its checks, and the next build is exact."""
    root = tmp_path / "work"
    make_synth_project(root)
    (root / "hook.py").write_text(HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hook.py\n", "utf-8")
    build_ok(root)
    rel = edit_a_title(root)
    (root / "FAIL").write_text("", encoding="utf-8")
    before, times = outputs(root), mtimes(root)
    code, _out, err = build(root)
    assert code == 1, err
    assert "the hook was told to fail" in err
    assert outputs(root) == before
    assert mtimes(root) == times
    assert_cache_whole(root)
    assert not list(root.glob(".briefing-staging*"))
    (root / "FAIL").unlink()
    out = build_ok(root)
    page = root / "docs" / "briefings" / slug_of(rel) / "index.md"
    assert "A title edited after the cache was written" in page.read_text(encoding="utf-8")
    # A hook, like a plugin the site build does not know, may make a page depend on
    # anything: with one, no site page is reused (the generator's units still are).
    assert rendered_and_reused(out)[1] == 0, out
    clean = clean_copy(root, tmp_path / "clean")
    shutil.copyfile(root / "hook.py", clean / "hook.py")
    build_ok(clean, "--no-cache")
    assert_exact(root, clean)


# --- the parse memo (parsed front-matter, keyed by a digest of its text) ----------


def _parse_memos(root: Path) -> list[str]:
    names = sorted(p.stem for p in (root / CACHE).glob("parsed-*.json"))
    assert names, "no parse memo after a build"
    return names


@pytest.mark.parametrize("cores", [1, 2])
def test_parse_memo_parses_only_the_edited_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cores: int
) -> None:
    """After a title edit only that seed's front-matter is parsed again; every other
    file's comes from the memo, and the build equals a clean one; whether the files
    are read on one core or (as above PARALLEL_FILES files) half in a forked child."""
    from generator import load, yamlsafe

    monkeypatch.setattr(load, "PARALLEL_FILES", 2 if cores == 2 else 10**9)
    monkeypatch.setenv("BRIEFING_JOBS", str(cores))
    log = tmp_path / "parsed.log"  # appended to by both processes
    real = yamlsafe.parse

    def counting(text: str, **kwargs: Any) -> Any:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {text[:200]!r}\n")
        return real(text, **kwargs)

    monkeypatch.setattr(yamlsafe, "parse", counting)
    edit_a_title(project, "A title parsed again")
    build_ok(project)
    parsed = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    assert len(parsed) == 1 and "A title parsed again" in parsed[0], parsed
    monkeypatch.setattr(yamlsafe, "parse", real)
    assert_exact(project, expected(project))


def test_parse_memo_entries_that_are_not_documents_are_parsed_again(project: Path) -> None:
    """A well-formed parse memo (checksums right) whose entries have the wrong shape is
    not used: every file is parsed again and the build is exact."""
    for name in _parse_memos(project):
        _, payload = read_memo(project, name)
        forge_memo(project, name, {key: ["not", "a", "document"] for key in payload})
    edit_a_title(project)
    assert_exact_build(project)


@pytest.mark.parametrize("cores", [1, 2])
def test_problems_found_from_the_parse_memo_name_the_same_lines(
    project: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    """Line numbers come from the memo's line maps as from a fresh parse: the warnings of
    a build from the memo equal those of a build without the cache, with the files
    read on one core or on two."""
    from generator import load

    monkeypatch.setattr(load, "PARALLEL_FILES", 2 if cores == 2 else 10**9)
    monkeypatch.setenv("BRIEFING_JOBS", str(cores))
    rel = first_seed(project, lambda f: not f.get("draft"))
    path = project / rel
    front, body = split_seed(path.read_text(encoding="utf-8"))
    front.pop("summary", None)
    front["publish"] = "summary"  # a summary page without a summary: a warning at its line
    path.write_text(join_seed(front, body), encoding="utf-8")

    def warnings(*args: str) -> list[str]:
        code, out, err = build(project, *args)
        assert code == 0, err
        return sorted(line for line in (out + err).splitlines() if ": warning: " in line)

    fresh = warnings("--no-cache")
    build_ok(project)  # fills the memo
    assert any(line.startswith(f"{rel}:") for line in fresh), fresh
    assert warnings() == fresh


def test_mentions_found_on_two_cores_give_the_same_warnings(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bodies the mention memo lacks are searched on two cores when there are many:
    the warnings and the memo left behind equal those of a search on one core."""
    from generator import checking, parallel

    rel = first_seed(project, lambda f: not f.get("draft") and len(f.get("entities", [])) > 1)
    path = project / rel
    front, body = split_seed(path.read_text(encoding="utf-8"))
    front["entities"] = front["entities"][:1]  # the body still names the others
    path.write_text(join_seed(front, body), encoding="utf-8")
    shared: list[int] = []
    real = parallel.shared

    def counted(*args: Any, **kwargs: Any) -> Any:
        shared.append(1)
        return real(*args, **kwargs)

    def warnings_and_memo(cores: int) -> tuple[list[str], Any]:
        shutil.rmtree(project / CACHE)
        monkeypatch.setenv("BRIEFING_JOBS", str(cores))
        code, out, err = build(project)
        assert code == 0, err
        text = (out + err).splitlines()
        lines = sorted(line for line in text if "is not listed in entities" in line)
        return lines, read_memo(project, "mentions")[1]

    monkeypatch.setattr(parallel, "shared", counted)
    one = warnings_and_memo(1)
    assert not shared
    monkeypatch.setattr(checking, "_PARALLEL_MENTIONS", 1)
    two = warnings_and_memo(2)
    assert shared, "the bodies were not shared out"
    assert one[0], "the edited seed should warn about the entities it no longer lists"
    assert two == one


def test_no_body_is_searched_for_mentions_again_after_a_build(project: Path) -> None:
    """A body whose unlisted mentions are none is remembered as an empty list: it must
    count as known, not as missing, or every build searches it again."""
    from unittest import mock

    from generator import checking
    from generator.project import Project

    searched: list[str] = []
    real = checking._mention_rows

    def counted(finder: Any, body: str, *rest: Any) -> Any:
        searched.append(body)
        return real(finder, body, *rest)

    with mock.patch.object(checking, "_mention_rows", counted):
        checked = checking.check(Project.open(project), store=Store(project))
    assert checked.corpus is not None and searched == []
    remembered = Store(project).read("mentions")
    assert isinstance(remembered, dict) and [] in remembered.values()  # the case this guards
