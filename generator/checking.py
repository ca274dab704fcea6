"""The first stages: load → validate → model, and the warnings (SPEC §5).

Every seed and entity is read and validated, all problems are collected with their
file and line, and the whole model is built before anything is written.  The
entity names found in each body (most of the cost of the warnings) are remembered
in the build cache by the body's digest (:class:`_MentionMemo`).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import parallel
from .cache import Store
from .load import FileCache, ParseMemo, SeedFile, Sources, load
from .markup import MentionFinder, remote_images_in
from .model import Corpus, build_corpus, unused_entities
from .problems import Problems
from .progress import SILENT, Progress
from .project import Project


@dataclass
class Checked:
    """The outcome of loading and validating a project."""

    problems: Problems
    sources: Sources
    corpus: Corpus | None

    def without_model(self) -> Checked:
        """Only the problems: what a caller still needs once the pages are rendered."""
        return Checked(self.problems, Sources([], []), None)


def check(
    project: Project,
    *,
    drafts: bool = True,
    cache: FileCache | None = None,
    progress: Progress = SILENT,
    store: Store | None = None,
    freeze: bool = False,
    memos: Memos | None = None,
) -> Checked:
    """Validate every seed and entity; collect all problems and warnings.

    With a ``store``, the entity names found in each body are remembered by the
    body's digest and every name in the registry (finding them is most of the cost
    of the warnings), so that an unchanged body is not searched again.  With
    ``freeze`` (a build, whose sources live to its end; see :func:`memory.collect_less`)
    the sources are frozen for the cycle collector once read, so that building the
    model does not walk them again and again (1.3 s → 0.8 s at 10,000 seeds).
    ``memos`` are memos shared with another check (:class:`Memos`), instead of the
    store's own.
    """
    progress.stage("reading and checking seeds")
    problems = Problems()
    parsed = memos.parsed if memos else ParseMemo(store, prune=cache is None)
    sources = _load(project, problems, cache, parsed)
    if freeze:
        gc.freeze()
    parsed.save()
    corpus = build_corpus(sources, problems, drafts=drafts)
    found = memos.found if memos else _MentionMemo(store)
    _warn(sources, corpus, problems, found)
    found.save()
    return Checked(problems, sources, None if problems.errors else corpus)


def _unlisted(
    found: Iterable[tuple[int, str, str]], listed: set[str]
) -> list[tuple[int, str, str]]:
    out = []
    seen = set(listed)
    for line, entity_id, surface in found:
        if entity_id not in seen:
            seen.add(entity_id)
            out.append((line, entity_id, surface))
    return out


class _MentionMemo:
    """Entity names found in bodies, keyed by a digest of the body, its first line and
    every name and alias in the registry: the same key always gives the same answer."""

    NAME = "mentions"

    def __init__(self, store: Store | None) -> None:
        self.store = store
        raw = store.read(self.NAME) if store is not None else None
        self.old: dict[str, list[list[Any]]] = raw if isinstance(raw, dict) else {}
        self.new: dict[str, list[list[Any]]] = {}

    def _known(self, key: str) -> list[list[Any]] | None:
        """The remembered rows for ``key``, if they have the right shape."""
        rows = self.old.get(key)
        if isinstance(rows, list) and all(
            isinstance(r, list)
            and len(r) == 3
            and isinstance(r[0], int)
            and isinstance(r[1], str)
            and isinstance(r[2], str)
            for r in rows
        ):
            return rows
        return None

    def find_all(
        self, finder: MentionFinder, names_key: str, seeds: Sequence[SeedFile]
    ) -> list[list[tuple[int, str, str]]]:
        """For each seed, the first mention of each entity its body names but does not
        list.  The bodies the memo lacks are searched at once, on two cores when there
        are many (a first build's 10,000 bodies took 2.5 s of one core)."""
        keys: list[str] = []
        todo: dict[str, tuple[str, int, set[str]]] = {}
        for seed in seeds:
            listed = set(seed.data.entities)
            key = _sha(f"{names_key}\0{seed.body_line}\0{sorted(listed)}\0{seed.body}")
            keys.append(key)
            rows = self._known(key)
            if rows is None:  # not in the store; perhaps found by the other side of a diff
                rows = self.new.get(key)
            if rows is None:
                todo[key] = (seed.body, seed.body_line, listed)
            else:
                self.new[key] = rows

        def work(part: Sequence[str]) -> dict[str, list[list[Any]]]:
            return {key: _mention_rows(finder, *todo[key]) for key in part}

        if len(todo) >= _PARALLEL_MENTIONS and parallel.jobs() > 1 and parallel.available():
            try:
                found, _ = parallel.shared(list(todo), work, chunk=100)
            except parallel.ChildFailed as exc:
                raise RuntimeError(f"finding mentions in a second process failed: {exc}") from None
        else:
            found = work(list(todo))
        self.new.update(found)
        return [[(r[0], r[1], r[2]) for r in self.new[key]] for key in keys]

    def save(self) -> None:
        if self.store is not None and self.new != self.old:
            self.store.write(self.NAME, self.new)


class Memos:
    """The parsed files and the mentions found, shared by the checks of two revisions
    of one project (``briefing diff``): most of their files are the same, and the
    second check then parses and searches only the files the change touched."""

    def __init__(self, store: Store | None) -> None:
        self.parsed = ParseMemo(store, prune=False)
        self.found = _MentionMemo(store)


def _load(
    project: Project, problems: Problems, cache: FileCache | None, parsed: ParseMemo | None = None
) -> Sources:
    return load(
        project.root,
        project.seeds_dir,
        problems,
        max_bytes=project.max_file_bytes,
        cache=cache,
        parsed=parsed,
        jobs=parallel.jobs(),
    )


#: Bodies to search for mentions above which two processes share them.
_PARALLEL_MENTIONS = 1000


def _mention_rows(
    finder: MentionFinder, body: str, first_line: int, listed: set[str]
) -> list[list[Any]]:
    return [list(t) for t in _unlisted(finder.entities_in_markdown(body, first_line), listed)]


def _warn(
    sources: Sources, corpus: Corpus, problems: Problems, found: _MentionMemo | None = None
) -> None:
    """SPEC §5 warnings: unlisted mentions in bodies, entities nothing mentions."""
    names = [(e.name, e.id) for e in corpus.entities.values()]
    names += [(a, e.id) for e in corpus.entities.values() for a in e.aliases]
    finder = MentionFinder(names)
    found = found or _MentionMemo(None)
    names_key = _sha(repr(names))
    mentions = found.find_all(finder, names_key, sources.seeds)
    for seed, unlisted in zip(sources.seeds, mentions, strict=True):
        _warn_publishing(seed, problems)
        for line, entity_id, surface in unlisted:
            problems.add(
                seed.rel,
                line,
                "entities",
                f"the body names {corpus.entity_name(entity_id)} ('{surface}') but '{entity_id}' "
                "is not listed in entities",
                "warning",
            )
    for event in corpus.events:
        if event.conflicting:
            # Each report that disagrees with an earlier one is named once, against the
            # first earlier report it cannot be reconciled with (agreeing reports stay quiet).
            for i, report in enumerate(event.reports):
                other = next(
                    (r for r in event.reports[:i] if not r.date.overlaps(report.date)), None
                )
                if other is None:
                    continue
                problems.add(
                    report.rel,
                    report.line,
                    "events.date",
                    f"event '{event.id}' is dated '{report.date.text}' here but "
                    f"'{other.date.text}' in {other.rel}; the dates do not overlap",
                    "warning",
                )
    by_id = {e.id: e for e in sources.entities}
    for entity_id in unused_entities(corpus):
        problems.add(
            by_id[entity_id].rel,
            1,
            "id",
            f"no briefing or relation mentions '{entity_id}'",
            "warning",
        )


def _warn_publishing(seed: SeedFile, problems: Problems) -> None:
    """What the seed would publish that its author may not expect (SPEC §2.1, §6)."""
    if seed.data.publish == "summary" and not seed.data.summary:
        problems.add(
            seed.rel,
            seed.lines.key_line(("publish",)),
            "summary",
            "no summary, and under publish: summary none is taken from the body, so the "
            "briefing is listed without one; add one or two sentences as summary",
            "warning",
        )
    for line, host in remote_images_in(seed.body, seed.body_line, seed.data.publish):
        problems.add(
            seed.rel,
            line,
            "body",
            f"an image from another host ({host}) would tell that host who reads the page, "
            "so it is shown as a link (remote_images: keep loads it on the hosted site, "
            "never offline); download it into the project to show it, or accept the link"
            if host
            else "an image whose URL names no host is left out; fix the URL or remove the image",
            "warning",
        )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
