"""Find seed and entity files, read them safely and validate them into records.

Every problem is collected (never only the first), with the file, the line
and the field, and nothing is written by this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from . import parallel, yamlsafe
from .paths import collision_key, is_slug, posix, slug_problem
from .problems import Problem, Problems, did_you_mean
from .schema import CONTROL, EXAMPLES, NESTED, EntityIn, SeedIn, describe_control
from .settings import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from .cache import Store

ENTITY_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class SeedFile:
    """A validated seed: its front-matter record, body and where each value came from."""

    path: Path
    rel: str
    slug: str
    data: SeedIn
    lines: yamlsafe.Document
    body: str
    body_line: int


@dataclass(frozen=True)
class EntityFile:
    """A validated entity file."""

    path: Path
    rel: str
    id: str
    data: EntityIn
    lines: yamlsafe.Document


@dataclass(frozen=True)
class Partial:
    """A seed whose front-matter failed validation: its entity references are still checked,
    so that one run reports every problem in it."""

    rel: str
    lines: yamlsafe.Document
    references: list[tuple[tuple[str | int, ...], str, bool]]


@dataclass(frozen=True)
class Sources:
    """Everything read from ``seeds/``."""

    seeds: list[SeedFile]
    entities: list[EntityFile]
    #: the slug of every seed file found, valid or not, so that a reference to a
    #: seed with its own errors is not reported a second time
    all_slugs: frozenset[str] = frozenset()
    #: likewise for entity ids
    all_ids: frozenset[str] = frozenset()
    #: seeds that failed validation, for their reference checks
    partial: tuple[Partial, ...] = ()


class FileCache:
    """Parsed files keyed by path, size and mtime, so a re-check parses only what changed.

    ``briefing serve`` keeps one for its whole session; a one-off build does not need it.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], Any, list[Problem]]] = {}

    def lookup(self, path: Path) -> tuple[tuple[int, int], tuple[Any, list[Problem]] | None]:
        """The file's stamp, and its record and problems if they are still good."""
        try:
            st = path.stat()
            key = (st.st_mtime_ns, st.st_size)
        except OSError:
            key = (-1, -1)
        hit = self._entries.get(path)
        if hit is not None and hit[0] == key and key != (-1, -1):
            return key, (hit[1], hit[2])
        return key, None

    def put(self, path: Path, key: tuple[int, int], record: Any, found: list[Problem]) -> None:
        self._entries[path] = (key, record, found)


#: Files to read and validate above which half of them go to a forked second process.
PARALLEL_FILES = 2000


class ParseMemo:
    """Parsed YAML kept in the build cache, keyed by a digest of the text it came from.

    Parsing is most of reading a project (about 2.5 s of 12,000 files), so a build
    parses only the files whose front-matter changed; every file is still read, and
    every record is still validated.  The documents are plain JSON values (strings,
    integers, booleans, null, lists, mappings with text keys) and their line maps, so
    they go through JSON unchanged; the line maps are kept keyed by each path's text
    (:func:`yamlsafe.path_key`), so loading them builds no tuples.  The memo is split
    into buckets by the digest's first character, and a build rewrites only the
    buckets that changed.  Like every memo it is checked (format, code, checksum)
    before use; whoever can write a memo with a right checksum could as well write
    ``site/``.
    """

    NAME = "parsed-{}"
    BUCKETS = "0123456789abcdef"

    def __init__(self, store: Store | None, *, prune: bool = True) -> None:
        self.store = store
        #: without pruning (``serve``, whose own file cache skips unchanged files) the
        #: entries not looked up are kept
        self.prune = prune
        self.old: dict[str, dict[str, Any]] = {}  # each bucket read when first needed
        self.new: dict[str, dict[str, Any]] = {b: {} for b in self.BUCKETS}

    def _old(self, bucket: str) -> dict[str, Any]:
        if bucket not in self.old:
            raw = self.store.read(self.NAME.format(bucket)) if self.store is not None else None
            self.old[bucket] = raw if isinstance(raw, dict) else {}
        return self.old[bucket]

    def parse(self, text: str, first_line: int) -> yamlsafe.Document:
        """``yamlsafe.parse``, from the memo when the same text was parsed before."""
        if self.store is None:
            return yamlsafe.parse(text, first_line=first_line)
        key = hashlib.sha256(f"{first_line}\0{text}".encode()).hexdigest()
        bucket = key[0]
        # this process's own entries too: the two revisions ``briefing diff`` checks
        # share one memo, and most of their files are the same
        entry = self._old(bucket).get(key)
        if entry is None:
            entry = self.new[bucket].get(key)
        doc = _document(entry)
        if doc is None:
            doc = yamlsafe.parse(text, first_line=first_line)  # a YamlError is never kept
            entry = [doc.value, doc.keyed_lines()]
        self.new[bucket][key] = entry
        return doc

    def added(self) -> dict[str, dict[str, Any]]:
        """The entries this process looked up (as None: the memo it started from has
        them) or made: what a forked child sends back (see :meth:`take`)."""
        return {
            bucket: {k: (None if k in self._old(bucket) else v) for k, v in entries.items()}
            for bucket, entries in self.new.items()
        }

    def take(self, entries: dict[str, dict[str, Any]]) -> None:
        """What another process of this build looked up or made (:meth:`added`)."""
        for bucket, found in entries.items():
            old = self._old(bucket)
            self.new.setdefault(bucket, {}).update(
                (k, old[k] if v is None else v) for k, v in found.items()
            )

    def save(self) -> None:
        if self.store is None:
            return
        for bucket in self.BUCKETS:
            if not self.prune and not self.new[bucket]:
                continue  # nothing looked up there, nothing to add
            old = self._old(bucket)
            new = self.new[bucket] if self.prune else {**old, **self.new[bucket]}
            if new.keys() != old.keys():
                self.store.write(self.NAME.format(bucket), new)


def _document(entry: Any) -> yamlsafe.Document | None:
    """A memo entry back as a document, or None when it does not have the shape of one."""
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], dict)):
        return None
    return yamlsafe.Document(entry[0], keyed=entry[1])


def load(
    root: Path,
    seeds_dir: Path,
    problems: Problems,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    cache: FileCache | None = None,
    parsed: ParseMemo | None = None,
    jobs: int = 1,
) -> Sources:
    """Read and validate every seed and entity file under ``seeds_dir``.

    With ``jobs`` above one and more than :data:`PARALLEL_FILES` files to read (any
    ``build``; not ``serve``, which keeps the files it read), a forked child reads and
    validates half of them.
    """
    if not seeds_dir.is_dir():
        problems.add(
            posix(seeds_dir, root),
            1,
            "seeds",
            "folder not found (a project keeps its articles in seeds/)",
        )
        return Sources([], [])
    entity_dir = seeds_dir / "entities"
    seed_paths: list[Path] = []
    entity_paths: list[Path] = []
    for path in _walk(root, seeds_dir, problems):
        in_entities = path.parent == entity_dir
        if path.suffix == ".md" and not _is_under(path, entity_dir):
            seed_paths.append(path)
        elif in_entities and path.suffix in ENTITY_SUFFIXES:
            entity_paths.append(path)
    _check_collisions(root, seed_paths, "slug", problems)
    _check_collisions(root, entity_paths, "id", problems)
    files = cache or FileCache()
    memo = parsed or ParseMemo(None)

    entity_set = set(entity_paths)

    def load_one(path: Path) -> tuple[Any, list[Problem]]:
        found = Problems()
        record: EntityFile | SeedFile | Partial | None
        if path in entity_set:
            record = _load_entity(root, path, found, max_bytes, memo)
        else:
            record = _load_seed(root, path, found, max_bytes, memo)
        return record, list(found)

    done: dict[Path, tuple[Any, list[Problem]]] = {}
    missing: list[tuple[Path, tuple[int, int]]] = []
    for path in [*seed_paths, *entity_paths]:
        key, hit = files.lookup(path)
        if hit is not None:
            done[path] = hit
        else:
            missing.append((path, key))
    for (path, key), result in zip(
        missing, _load_all([p for p, _ in missing], load_one, memo, jobs), strict=True
    ):
        files.put(path, key, *result)
        done[path] = result

    def each(paths: list[Path]) -> list[Any]:
        records = []
        for path in paths:
            record, found = done[path]
            problems.extend(found)
            if record is not None:
                records.append(record)
        return records

    loaded: list[SeedFile | Partial] = each(seed_paths)
    seeds = [s for s in loaded if isinstance(s, SeedFile)]
    partials = [s for s in loaded if isinstance(s, Partial)]
    entities: list[EntityFile] = each(entity_paths)
    _check_unique(seeds, "slug", problems)
    _check_unique(entities, "id", problems)
    return Sources(
        seeds,
        entities,
        frozenset(p.stem for p in seed_paths),
        frozenset(p.stem for p in entity_paths),
        tuple(partials),
    )


def _load_all(
    paths: list[Path],
    load_one: Callable[[Path], tuple[Any, list[Problem]]],
    memo: ParseMemo,
    jobs: int,
) -> list[tuple[Any, list[Problem]]]:
    """``load_one`` of each path, in order: on both cores when there are many.

    With the parse memo warm this still pays, if less: 2.0 s on one core against
    1.75 s on two at 10,000 seeds (the child's records are unpickled with the cycle
    collector off; with it on, the split gained nothing).
    """
    if jobs < 2 or len(paths) < PARALLEL_FILES or not parallel.available():
        return [load_one(path) for path in paths]

    def work(part: Sequence[Path]) -> list[tuple[Any, list[Problem]]]:
        return [load_one(path) for path in part]

    try:
        mine, theirs, parsed = parallel.in_two(paths, work, child_state=memo.added)
    except parallel.ChildFailed as exc:
        raise RuntimeError(f"reading seeds in a second process failed: {exc}") from None
    memo.take(parsed)
    return mine + theirs


def _is_under(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies below ``folder`` (both from the same walk; compared as strings,
    which is much cheaper than ``Path.parents`` for thousands of files)."""
    return str(path).startswith(str(folder) + os.sep)


def _walk(root: Path, folder: Path, problems: Problems) -> list[Path]:
    """Every file under ``folder``, sorted; symlinks are refused, never followed."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames):
            if (here / name).is_symlink():
                problems.add(
                    posix(here / name, root),
                    1,
                    "file",
                    "symbolic links are not followed in seeds/; copy the folder in instead",
                )
        dirnames[:] = sorted(
            d for d in dirnames if not (here / d).is_symlink() and not d.startswith(".")
        )
        for name in sorted(filenames):
            path = here / name
            if name.startswith("."):
                continue
            if path.is_symlink():
                problems.add(
                    posix(path, root),
                    1,
                    "file",
                    "symbolic links are not allowed in seeds/; copy the file in instead",
                )
                continue
            found.append(path)
    return sorted(found)


def _read_text(root: Path, path: Path, problems: Problems, max_bytes: int) -> str | None:
    rel = posix(path, root)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            problems.add(
                rel,
                1,
                "file",
                f"is {size:,} bytes, over the limit of {max_bytes:,} (raise max_file_bytes under extra.briefing in mkdocs.yml)",
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(rel, 1, "file", f"cannot be read: {exc.strerror or exc}")
        return None
    if b"\x00" in raw:
        problems.add(rel, 1, "file", "is a binary file, not UTF-8 text")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(
            rel,
            line,
            "file",
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
        )
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    found = CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        problems.add(
            rel,
            line,
            "file",
            describe_control(found.group()),
        )
        return None
    return text


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """``(yaml, body, body_first_line)`` of a Markdown file, or None without front-matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None


def _load_seed(
    root: Path, path: Path, problems: Problems, max_bytes: int, memo: ParseMemo | None = None
) -> SeedFile | Partial | None:
    rel = posix(path, root)
    slug = path.stem
    ok = True
    problem = slug_problem(slug, "slug")
    if problem:
        problems.add(rel, 1, "slug", f"the file name gives the slug: {problem}")
        ok = False
    text = _read_text(root, path, problems, max_bytes)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.add(
            rel,
            1,
            "front-matter",
            "missing: a seed starts with a line '---', then YAML (title, date, source...), then '---'",
        )
        return None
    front, body, body_line = parts
    for line, message in body_problems(body, body_line):
        problems.add(rel, line, "body", message)
        ok = False
    doc = _parse_yaml(rel, front, 2, problems, memo)
    if doc is None:
        return None
    data = _validate(rel, doc, SeedIn, problems)
    if data is None or not ok:
        return Partial(rel, doc, raw_references(doc.value))
    return SeedFile(path, rel, slug, data, doc, body, body_line)


def load_seed(root: Path, path: Path, problems: Problems, max_bytes: int) -> SeedFile | None:
    """One seed file, read and validated alone (``serve``'s quick view of an edited
    seed); None when it has problems, which go into ``problems``."""
    seed = _load_seed(root, path, problems, max_bytes)
    return seed if isinstance(seed, SeedFile) and not problems.errors else None


#: Bounds that keep Markdown conversion fast: Python-Markdown slows down badly on
#: very long runs of brackets and on very deep nesting.
MAX_BRACKETS_PER_PARAGRAPH = 300
MAX_INDENT = 120


def body_problems(body: str, first_line: int) -> list[tuple[int, str]]:
    """What in a body would make converting it pathologically slow."""
    found = []
    line = first_line
    for paragraph in re.split(r"(\n\s*\n)", body):
        brackets = paragraph.count("[")
        if brackets > MAX_BRACKETS_PER_PARAGRAPH:
            found.append(
                (
                    line,
                    f"a paragraph holds {brackets} '[' (at most {MAX_BRACKETS_PER_PARAGRAPH}); split it or escape them",
                )
            )
        for offset, text in enumerate(paragraph.split("\n")):
            indent = len(text) - len(text.lstrip(" \t>-*+"))
            if indent > MAX_INDENT:
                found.append(
                    (
                        line + offset,
                        f"nested or indented {indent} characters deep (at most {MAX_INDENT})",
                    )
                )
                break
        line += paragraph.count("\n")
    return found


def raw_references(front: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str, bool]]:
    """Entity ids in unvalidated front-matter: ``(path, value, is_speaker)`` for each string found."""
    found: list[tuple[tuple[str | int, ...], str, bool]] = []

    def strings(value: Any, path: tuple[str | int, ...], speaker: bool = False) -> None:
        if isinstance(value, str):
            found.append((path, value, speaker))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    found.append(((*path, i), item, speaker))

    strings(front.get("source"), ("source",))
    strings(front.get("via"), ("via",))
    strings(front.get("entities"), ("entities",))
    for key in ("events", "claims", "quotes"):
        items = front.get(key)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict):
                strings(item.get("entities"), (key, i, "entities"))
                if key != "events":
                    strings(item.get("by"), (key, i, "by"), speaker=True)
    # Values that are not id-shaped already have their own schema error.
    return [f for f in found if f[2] or is_slug(f[1])]


def _load_entity(
    root: Path, path: Path, problems: Problems, max_bytes: int, memo: ParseMemo | None = None
) -> EntityFile | None:
    rel = posix(path, root)
    entity_id = path.stem
    problem = slug_problem(entity_id, "id")
    if problem:
        problems.add(rel, 1, "id", f"the file name gives the id: {problem}")
    text = _read_text(root, path, problems, max_bytes)
    if text is None:
        return None
    doc = _parse_yaml(rel, text, 1, problems, memo)
    if doc is None:
        return None
    data = _validate(rel, doc, EntityIn, problems)
    if data is None or problem:
        return None
    return EntityFile(path, rel, entity_id, data, doc)


def _parse_yaml(
    rel: str, text: str, first_line: int, problems: Problems, memo: ParseMemo | None = None
) -> yamlsafe.Document | None:
    try:
        doc = (memo or ParseMemo(None)).parse(text, first_line)
    except yamlsafe.YamlError as exc:
        problems.add(rel, exc.line, field_label(exc.path) or "yaml", exc.message)
        return None
    if not isinstance(doc.value, dict):
        problems.add(
            rel,
            first_line,
            "yaml",
            f"expected a mapping of keys to values, got {describe(doc.value)}",
        )
        return None
    return doc


def _validate(rel: str, doc: yamlsafe.Document, model: type[BaseModel], problems: Problems) -> Any:
    try:
        return model.model_validate(doc.value)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # A misspelt required key ("titel") is one problem, not also "title is required".
        suggested = {
            (tuple(e["loc"][:-1]), guess)
            for e in errors
            if e["type"] == "extra_forbidden"
            and (guess := _closest(str(e["loc"][-1]), _fields_at(model, tuple(e["loc"][:-1]))))
        }
        for error in errors:
            loc = tuple(error["loc"])
            if error["type"] == "missing" and (loc[:-1], str(loc[-1])) in suggested:
                continue
            line, field, message = explain(error, loc, doc, model)
            problems.add(rel, line, field, message)
        return None


def _closest(key: str, known: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return found[0] if found else None


def explain(
    error: Any, loc: tuple[str | int, ...], doc: yamlsafe.Document, model: type[BaseModel]
) -> tuple[int, str, str]:
    """Turn one pydantic error into (line, field, message) in the author's terms."""
    kind = error["type"]
    value = error.get("input")
    field = field_label(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _fields_at(model, loc[:-1])
        return (
            doc.key_line(loc),
            field,
            f"unknown key{did_you_mean(key, known)}; known keys: {', '.join(known)}",
        )
    if kind == "missing":
        key = str(loc[-1])
        example = EXAMPLES.get(key)
        hint = f" (e.g. {example})" if example else ""
        return doc.line_of(loc[:-1]), field, f"is required{hint}"
    line = doc.line_of(loc)
    if kind in ("value_error", "assertion_error"):
        ctx = error.get("ctx") or {}
        return line, field, str(ctx.get("error", error["msg"]))
    if kind == "string_type":
        return line, field, f"expected text, got {describe(value)}"
    if kind == "list_type":
        return line, field, f"expected a list (e.g. [a, b]), got {describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return line, field, f"expected a mapping of keys to values, got {describe(value)}"
    if kind == "bool_type":
        return line, field, f"expected true or false, got {describe(value)}"
    return line, field, str(error["msg"])


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    current = model
    for part in loc:
        if isinstance(part, str) and part in NESTED:
            current = NESTED[part]
    return list(current.model_fields)


def field_label(loc: tuple[str | int, ...]) -> str:
    """``('events', 0, 'date')`` → ``events[0].date``; odd keys are quoted (``facts."a b"``)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = part if _PLAIN_KEY.fullmatch(part) else _quoted(part)
            out += ("." if out else "") + key
    return out


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _quoted(key: str) -> str:
    """An odd key, quoted and kept on one line without colons (so ``path:line: field:`` parses)."""
    return json.dumps(key, ensure_ascii=True).replace(":", "\\u003a")


def describe(value: object) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value; quote it to make it text)"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _check_collisions(root: Path, found: list[Path], what: str, problems: Problems) -> None:
    """File names that differ only in case or Unicode normalisation (``Foo.md`` / ``foo.md``,
    composed / decomposed ``é``) would overwrite each other on many disks and in URLs."""
    groups: dict[str, list[Path]] = {}
    for path in found:
        groups.setdefault(collision_key(path.stem), []).append(path)
    for paths in groups.values():
        names = {p.stem for p in paths}
        if len(names) > 1:
            first = posix(paths[0], root)
            for other in paths[1:]:
                problems.add(
                    posix(other, root),
                    1,
                    what,
                    f"'{other.stem}' collides with '{paths[0].stem}' ({first}) on case-insensitive disks; rename one of them",
                )


def _check_unique(records: list[Any], what: str, problems: Problems) -> None:
    """Two files that give the same slug/id, or that would collide on a case-insensitive disk."""
    seen: dict[str, Any] = {}
    for record in records:
        key = collision_key(getattr(record, what))
        first = seen.get(key)
        if first is None:
            seen[key] = record
            continue
        problems.add(
            record.rel,
            1,
            what,
            f"'{getattr(record, what)}' is also given by {first.rel}; rename one of them",
        )
