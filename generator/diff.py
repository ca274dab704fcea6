"""``briefing diff``: what a change does to the tracker, in a reader's words.

Two revisions of a project (git revisions, or the working tree) are each checked and
modelled (never built), and their models compared: briefings added, changed and
removed; claims whose thread now stands elsewhere; new threads; entities added,
renamed or changed; events added, removed or moved; tags; new warnings; and how many
pages the change touches, from the units' keys (:mod:`generator.incremental`).
An editor reads it in the pull request's preview comment (``--format markdown``);
``--format json`` is the same data, with a JSON Schema (``diff.schema.json``).
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from . import incremental, pages, parallel
from .cache import Store
from .checking import Checked, Memos, check
from .fuzzydate import day_words
from .model import Briefing, Claim, Corpus, Entity, Event
from .project import CONFIG_NAMES, Project, UsageError

#: The default branch's names, tried in order when the remote does not say.
DEFAULT_BRANCHES = ("main", "master")


class BadRevision(UsageError):
    """A revision git does not know, or a folder that is not a git work tree."""


# --- the two sides --------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise BadRevision("briefing diff needs git, which is not installed") from None


def resolve(root: Path, revision: str) -> str:
    """The commit a revision names, or :class:`BadRevision` saying it names none."""
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if done.returncode != 0:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0:
            raise BadRevision(
                f"{root} is not in a git repository: briefing diff compares revisions"
            )
        raise BadRevision(f"unknown revision {revision!r}: name a commit, branch or tag (git log)")
    return done.stdout.decode().strip()


def default_base(root: Path) -> str:
    """The merge base of HEAD with the default branch (the remote's, else main or master)."""
    names = []
    found = _git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if found.returncode == 0:
        names.append(found.stdout.decode().strip())
    names += [*DEFAULT_BRANCHES, *(f"origin/{b}" for b in DEFAULT_BRANCHES)]
    for name in names:
        if _git(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}").returncode == 0:
            base = _git(root, "merge-base", "HEAD", name)
            if base.returncode == 0:
                return base.stdout.decode().strip()
    return resolve(root, "HEAD")


#: A memory-backed folder for the revisions' files, where the system has one: writing and
#: deleting 10,000 seed files there takes a second, on a busy disk up to ten.
SHM = Path("/dev/shm")
#: The room it must have left for us to use it.
SHM_ROOM = 1 << 30


def _in_memory() -> str | None:
    """``/dev/shm`` when it is a writable folder with room, else None (the system's temp)."""
    try:
        if SHM.is_dir() and os.access(SHM, os.W_OK) and shutil.disk_usage(SHM).free > SHM_ROOM:
            return str(SHM)
    except OSError:
        pass
    return None


@contextmanager
def checkout(project: Project, revision: str) -> Iterator[Project]:
    """The project as it was at ``revision`` (its settings and seeds, in a temporary
    folder): a project of its own, to check and model."""
    root = project.root
    commit = resolve(root, revision)
    with tempfile.TemporaryDirectory(prefix="briefing-diff-", dir=_in_memory()) as tmp:
        folder = Path(tmp)
        config = next(
            (
                n
                for n in CONFIG_NAMES
                if _git(root, "cat-file", "-e", f"{commit}:{n}").returncode == 0
            ),
            None,
        )
        if config is None:
            raise BadRevision(
                f"revision {revision!r} has no mkdocs.yml: it is not a briefing project"
            )
        text = _git(root, "show", f"{commit}:{config}").stdout
        try:
            settings = yaml.safe_load(text) if b"!!python" not in text else {}
        except yaml.YAMLError:
            settings = {}
        extra = settings.get("extra") if isinstance(settings, dict) else None
        options = extra.get("briefing") if isinstance(extra, dict) else None
        seeds = (
            str((options or {}).get("seeds_dir") or "seeds")
            if isinstance(options, dict)
            else "seeds"
        )
        archive = _git(root, "archive", "--format=tar", commit, "--", config, seeds)
        if archive.returncode != 0:  # no seeds folder at that revision: an empty project
            archive = _git(root, "archive", "--format=tar", commit, "--", config)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        (folder / "docs").mkdir(exist_ok=True)
        yield Project.open(folder)


@dataclasses.dataclass
class Side:
    """One revision, checked and modelled."""

    label: str
    project: Project
    checked: Checked

    @property
    def corpus(self) -> Corpus | None:
        return self.checked.corpus


def model(project: Project, label: str, store: Store, memos: Memos | None = None) -> Side:
    """Check a side with the project's build cache, drafts included (a pull request's
    drafts are its news); ``memos`` shared by both sides parse and search each file
    the sides have in common once."""
    return Side(label, project, check(project, drafts=True, store=store, memos=memos))


# --- the comparison -------------------------------------------------------------------

#: Fields of a briefing, entity or event that are kept for people, not shown.
_QUIET = {"rel"}


def _changed_fields(old: object, new: object) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(old)  # type: ignore[arg-type]
        if f.name not in _QUIET and getattr(old, f.name) != getattr(new, f.name)
    ]


def _who(corpus: Corpus, claim: Claim) -> str:
    return corpus.entity_name(claim.by.entity) if claim.by.entity else claim.by.text


def _briefing_row(b: Briefing) -> dict[str, Any]:
    return {"slug": b.slug, "title": b.title, "date": day_words(b.date), "draft": b.draft}


def _event_row(e: Event) -> dict[str, Any]:
    return {"id": e.id, "title": e.title, "date": e.date.words()}


def _entity_row(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "name": e.name, "type": e.type}


def compare(base: Side, head: Side) -> dict[str, Any]:
    """What changed from ``base`` to ``head`` (both modelled), as plain data."""
    old, new = base.corpus, head.corpus
    assert old is not None and new is not None
    # new warnings, by file, field and message (an edit above one moves its line)
    seen = {(p.path, p.field, p.message) for p in base.checked.problems.warnings}
    return {
        "base": base.label,
        "head": head.label,
        "briefings": _briefings(old, new),
        "claims": _claims(old, new),
        "threads": _threads(old, new),
        "entities": _entities(old, new),
        "events": _events(old, new),
        "tags": {
            "added": sorted(set(new.tags) - set(old.tags)),
            "removed": sorted(set(old.tags) - set(new.tags)),
        },
        "warnings": [
            str(p)
            for p in head.checked.problems.warnings
            if (p.path, p.field, p.message) not in seen
        ],
        "pages": touched(base, head),
    }


def _briefings(old: Corpus, new: Corpus) -> dict[str, list[dict[str, Any]]]:
    changed = []
    for slug, b in new.by_slug.items():
        before = old.by_slug.get(slug)
        if before is not None and (fields := _changed_fields(before, b)):
            changed.append({**_briefing_row(b), "fields": fields})
    return {
        "added": [_briefing_row(b) for s, b in new.by_slug.items() if s not in old.by_slug],
        "changed": changed,
        "removed": [_briefing_row(b) for s, b in old.by_slug.items() if s not in new.by_slug],
    }


def _claims(old: Corpus, new: Corpus) -> list[dict[str, Any]]:
    """Threads that stand elsewhere now: old status → new, with the word that moved them."""
    moved = []
    for thread in new.threads:
        before = old.thread_of.get(thread.key)
        if before is None or before.status == thread.status:
            continue
        word = next(
            (c for c in reversed(thread.claims) if c.status == thread.status), thread.claims[-1]
        )
        where = new.by_slug.get(word.briefing)
        moved.append(
            {
                "thread": thread.key,
                "text": thread.root.text,
                "old": before.status,
                "new": thread.status,
                "by": _who(new, word),
                "date": day_words(word.date),
                "in": where.title if where is not None else word.briefing,
            }
        )
    return moved


def _threads(old: Corpus, new: Corpus) -> list[dict[str, Any]]:
    """Threads of later word that were not threads before."""
    return [
        {"thread": t.key, "text": t.root.text, "status": t.status, "claims": len(t.claims)}
        for t in new.threads
        if len(t.claims) > 1
        and (t.key not in old.thread_of or len(old.thread_of[t.key].claims) < 2)
    ]


def _entities(old: Corpus, new: Corpus) -> dict[str, list[dict[str, Any]]]:
    renamed, changed = [], []
    for eid, e in new.entities.items():
        before = old.entities.get(eid)
        if before is None:
            continue
        if before.name != e.name:
            renamed.append({"id": eid, "old": before.name, "new": e.name})
        fields = [f for f in _changed_fields(before, e) if f != "name"]
        if fields:
            changed.append({**_entity_row(e), "fields": fields})
    return {
        "added": [_entity_row(e) for i, e in new.entities.items() if i not in old.entities],
        "renamed": renamed,
        "changed": changed,
        "removed": [_entity_row(e) for i, e in old.entities.items() if i not in new.entities],
    }


def _events(old: Corpus, new: Corpus) -> dict[str, list[dict[str, Any]]]:
    moved = []
    for eid, ev in new.events_by_id.items():
        before = old.events_by_id.get(eid)
        if before is not None and before.date.words() != ev.date.words():
            moved.append({**_event_row(ev), "old": before.date.words(), "new": ev.date.words()})
    return {
        "added": [_event_row(e) for i, e in new.events_by_id.items() if i not in old.events_by_id],
        "moved": moved,
        "removed": [
            _event_row(e) for i, e in old.events_by_id.items() if i not in new.events_by_id
        ],
    }


def touched(base: Side, head: Side) -> dict[str, int]:
    """The units (a page and its list pages) whose key differs, by kind; the pages that read
    the whole project (home, lists, timeline, data) change with almost any edit and are
    not counted."""
    assert base.corpus is not None and head.corpus is not None
    sides = (base, head)

    def keys(which: Sequence[int]) -> dict[int, dict[tuple[str, str], str]]:
        out = {}
        for n in which:
            corpus = sides[n].corpus
            assert corpus is not None
            reads = pages.Reads(pages.Context(corpus, sides[n].project.site))
            out[n] = {u: incremental.unit_key(reads, u) for u in pages.units(corpus)}
        return out

    # each side's 12,000 keys (at 10,000 seeds) take seconds: one side per core
    if parallel.jobs() > 1 and parallel.available():
        mine, theirs, _ = parallel.in_two([0, 1], keys)
        both = {**mine, **theirs}
    else:
        both = keys([0, 1])
    before, after = both[0], both[1]
    out: dict[str, int] = {"total": 0}
    for unit in before.keys() | after.keys():
        if before.get(unit) != after.get(unit):
            out[unit[0]] = out.get(unit[0], 0) + 1
            out["total"] += 1
    return out


# --- in words -------------------------------------------------------------------------

_STATUS = {"no-comment": "no comment"}


def _status(s: str) -> str:
    return _STATUS.get(s, s)


def as_text(diff: dict[str, Any], markdown: bool = False) -> str:
    """The comparison in a reader's words: plain lines, or Markdown for a comment."""
    lines: list[str] = []

    def head(title: str) -> None:
        lines.append(f"\n### {title}\n" if markdown else f"{title}:")

    def item(text: str) -> None:
        lines.append(f"- {text}" if markdown else f"  {text}")

    def q(text: str) -> str:
        return f"**{text}**" if markdown else f"“{text}”"

    b = diff["briefings"]
    if b["added"] or b["changed"] or b["removed"]:
        head("Briefings")
        for r in b["added"]:
            item(f"added: {q(r['title'])}, {r['date']}" + (" (draft)" if r["draft"] else ""))
        for r in b["changed"]:
            item(f"changed: {q(r['title'])} ({', '.join(r['fields'])})")
        for r in b["removed"]:
            item(f"removed: {q(r['title'])}")
    if diff["claims"] or diff["threads"]:
        head("Claims")
        for c in diff["claims"]:
            item(
                f"{c['text']}: {_status(c['old'])} → {_status(c['new'])}, by {c['by']}, "
                f"{c['date']}, in {q(c['in'])}"
            )
        for t in diff["threads"]:
            item(f"new thread: {t['text']} ({t['claims']} claims; now {_status(t['status'])})")
    e = diff["entities"]
    if any(e.values()):
        head("Entities")
        for r in e["added"]:
            item(f"added: {r['name']} ({r['type']})")
        for r in e["renamed"]:
            item(f"renamed: {r['old']} → {r['new']}")
        for r in e["changed"]:
            item(f"changed: {r['name']} ({', '.join(r['fields'])})")
        for r in e["removed"]:
            item(f"removed: {r['name']}")
    ev = diff["events"]
    if any(ev.values()):
        head("Events")
        for r in ev["added"]:
            item(f"added: {r['title']}, {r['date']}")
        for r in ev["moved"]:
            item(f"moved: {r['title']}: {r['old']} → {r['new']}")
        for r in ev["removed"]:
            item(f"removed: {r['title']}, {r['date']}")
    t = diff["tags"]
    if t["added"] or t["removed"]:
        head("Tags")
        if t["added"]:
            item("new: " + ", ".join(t["added"]))
        if t["removed"]:
            item("no longer used: " + ", ".join(t["removed"]))
    if diff["warnings"]:
        head("New warnings")
        for w in diff["warnings"]:
            item(f"`{w}`" if markdown else w)
    p = diff["pages"]
    names = {"briefing": "briefing page", "entity": "entity card", "tag": "tag page"}
    kinds = ", ".join(
        f"{n} {names.get(k, k)}{'s' * (n != 1)}" for k, n in sorted(p.items()) if k != "total"
    )
    if p["total"]:
        summary = f"{p['total']} page{'s' * (p['total'] != 1)} touched: {kinds} (and the lists)."
    elif lines:
        summary = "No briefing page, entity card or tag page changes (the lists may)."
    else:
        summary = "Nothing a reader sees changes."
    lines.append(f"\n{summary}" if markdown and lines else summary)
    return "\n".join(lines).strip() + "\n"


#: The JSON Schema of ``briefing diff --format json``.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefing diff",
    "type": "object",
    "required": [
        "base",
        "head",
        "briefings",
        "claims",
        "threads",
        "entities",
        "events",
        "tags",
        "warnings",
        "pages",
    ],
    "properties": {
        "base": {"type": "string"},
        "head": {"type": "string"},
        "briefings": {
            "type": "object",
            "properties": {
                k: {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["slug", "title", "date", "draft"],
                        "properties": {
                            "slug": {"type": "string"},
                            "title": {"type": "string"},
                            "date": {"type": "string"},
                            "draft": {"type": "boolean"},
                            "fields": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                }
                for k in ("added", "changed", "removed")
            },
        },
        "claims": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["thread", "text", "old", "new", "by", "date", "in"],
                "properties": {
                    k: {"type": "string"}
                    for k in ("thread", "text", "old", "new", "by", "date", "in")
                },
            },
        },
        "threads": {"type": "array", "items": {"type": "object"}},
        "entities": {
            "type": "object",
            "properties": {
                k: {"type": "array", "items": {"type": "object"}}
                for k in ("added", "renamed", "changed", "removed")
            },
        },
        "events": {
            "type": "object",
            "properties": {
                k: {"type": "array", "items": {"type": "object"}}
                for k in ("added", "moved", "removed")
            },
        },
        "tags": {
            "type": "object",
            "properties": {
                k: {"type": "array", "items": {"type": "string"}} for k in ("added", "removed")
            },
        },
        "warnings": {"type": "array", "items": {"type": "string"}},
        "pages": {
            "type": "object",
            "required": ["total"],
            "additionalProperties": {"type": "integer"},
        },
    },
}
