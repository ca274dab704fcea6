"""The ``briefing`` command: a thin layer over the library.

Each sub-command's docstring is its ``--help``.  Exit codes (SPEC §5): 0
success, 1 problems in the input (each printed as ``path:line: field:
message``), 2 wrong usage or a failed dependency, in one sentence.  No
traceback reaches the user.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import memory
from .problems import Problems
from .progress import Progress
from .project import Project, UsageError

if TYPE_CHECKING:
    from .importer import Importer

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"briefing: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _report(problems: Problems, fmt: str = "text") -> None:
    if fmt == "json":
        print(json.dumps([p.as_dict() for p in problems], indent=1))
        return
    ci = os.environ.get("GITHUB_ACTIONS") == "true"
    for p in problems:
        print(p, file=sys.stderr)
        if ci:
            print(p.annotation())


def _summary(problems: Problems) -> str:
    e, w = len(problems.errors), len(problems.warnings)
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"


def cmd_init(args: argparse.Namespace) -> int:
    """Start a tracker of your own: a new project in DIR (default: here), ready to build.

    Writes mkdocs.yml (with comments on what to change), seeds/ with one sample briefing
    and two sample entities (marked as samples: delete them when you add your own),
    docs/about.md, the drawings' stylesheet, .gitignore, requirements.txt, a README and
    the GitHub workflows that publish the site, preview pull requests and import feeds.
    Refuses a folder that already holds a project, or any file it would overwrite.
    """
    from .starter import init

    folder = args.directory / args.folder
    written = init(folder, title=args.title, site_url=args.site_url)
    shown = folder if folder.is_absolute() else Path(os.path.relpath(folder))
    print(f"wrote {len(written)} files into {shown}/: a new briefing project")
    print(
        f"next: cd {shown}, then briefing build --strict (the site in site/), briefing serve "
        "(a live preview), briefing import ARTICLE (your first briefing); see README.md"
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Validate seeds and entities and report every problem; writes nothing.

    Warnings (an entity named in a body but not listed, an entity nothing
    mentions, an event dated after its article) fail the check only with --strict.
    """
    from .pipeline import check

    project = Project.open(args.directory)
    checked = check(project)
    _report(checked.problems, args.format)
    n, m = len(checked.sources.all_slugs), len(checked.sources.all_ids)
    if args.format == "text":
        print(
            f"checked {n} briefing{'s' * (n != 1)} and {m} entit{'ies' if m != 1 else 'y'}: {_summary(checked.problems)}"
        )
    failed = checked.problems.errors or (args.strict and checked.problems.warnings)
    return EXIT_PROBLEMS if failed else EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """Print what a generated page depends on: why an edit re-renders it, or not.

    PAGE names a briefing, entity card or tag page by its URL or docs path
    (briefings/SLUG, entities/ID, tags/TAG). Each line is one input with the digest
    of what the page shows of it; the page is rendered again when any digest changes.
    Writes nothing.
    """
    from . import incremental, pages
    from .pipeline import check

    project = Project.open(args.directory)
    checked = check(project, drafts=not args.no_drafts)
    if checked.corpus is None:
        _report(checked.problems)
        return EXIT_PROBLEMS
    corpus = checked.corpus
    with_units = [k for k in pages.KINDS if k.render is not None]
    folders = {k.generated[0].rstrip("/"): k for k in with_units}
    units: list[pages.Unit] = []
    for page in args.pages:
        parts = [p for p in page.strip("/").removesuffix(".md").split("/") if p != "index"]
        kind = folders.get(parts[0]) if len(parts) == 2 else None
        if kind is None or parts[1] not in set(kind.units(corpus)):
            examples = ", ".join(k.example for k in with_units)
            raise UsageError(
                f"{page} is not a briefing, entity card or tag page of this project (e.g. {examples})"
            )
        units.append((kind.name, parts[1]))
    for line in incremental.explain_all(pages.Context(corpus, project.site), units):
        print(line)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    """Show what a change does to the tracker, in a reader's words: briefings, claims, threads,
    entities, events, tags, new warnings, and how many pages it touches.

    BASE and HEAD are git revisions; BASE defaults to where HEAD left the default branch
    (the merge base), HEAD to the working tree. Both are checked and modelled (drafts
    included), not built. --format markdown is for a pull request comment; --format
    json is the same data (its JSON Schema: --schema). Writes nothing.
    """
    from . import diff
    from .cache import Store
    from .checking import Memos

    if args.schema:
        print(json.dumps(diff.SCHEMA, indent=1))
        return EXIT_OK
    project = Project.open(args.directory)
    store = Store(project.root, read_only=True)  # the builds' parsed files, reused
    memos = Memos(store)  # and each file both sides have parsed once
    base_rev = args.base or diff.default_base(project.root)
    sides = []
    for revision in (base_rev, args.head):
        if revision is None:
            sides.append(diff.model(project, "working tree", store, memos))
            continue
        commit = diff.resolve(project.root, revision)
        with diff.checkout(project, commit) as old:
            side = diff.model(old, revision if revision != commit else commit[:12], store, memos)
        if side.corpus is None:
            print(f"briefing: {revision} does not validate; its problems:", file=sys.stderr)
            _report(side.checked.problems)
            return EXIT_PROBLEMS
        sides.append(side)
    if sides[1].corpus is None:
        print("briefing: the working tree does not validate; its problems:", file=sys.stderr)
        _report(sides[1].checked.problems)
        return EXIT_PROBLEMS
    result = diff.compare(sides[0], sides[1])
    if args.format == "json":
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        print(diff.as_text(result, markdown=args.format == "markdown"), end="")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Check, generate the pages into docs/ and build the site into site/ with MkDocs.

    Nothing is written when the input has problems, and a failed MkDocs build
    leaves the previous docs/ and site/ as they were.
    """
    from .mkdocs_adapter import BuildFailed, MkDocsMissing
    from .pipeline import build

    project = Project.open(args.directory)
    _clear_cache(args, project)
    progress = Progress()
    try:
        built = build(
            project,
            strict=args.strict,
            drafts=args.drafts,
            verbose=args.verbose,
            progress=progress,
            cache=not args.no_cache,
        )
    except MkDocsMissing as exc:
        raise UsageError(str(exc)) from None
    except BuildFailed as exc:
        print(f"briefing: {exc}; docs/ and site/ were left as they were", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        progress.close()
    _report(built.checked.problems)
    for note in built.notes:
        print(f"note: {note}", file=sys.stderr)
    if built.stats is None:
        why = _summary(built.checked.problems)
        print(
            f"briefing: not built ({why}); docs/ and site/ were left as they were", file=sys.stderr
        )
        return EXIT_PROBLEMS
    s = built.stats
    site = os.path.relpath(project.site_dir, Path.cwd())
    print(
        f"built {built.pages} pages into {site}/ ({s.written} written, {s.unchanged} unchanged, {s.deleted} removed in docs/; "
        f"{built.rendered} pages rendered, {built.reused} reused)"
    )
    return EXIT_OK


def cmd_bundle(args: argparse.Namespace) -> int:
    """Build the offline bundle dist/<site>-offline.zip: the public site with .html URLs.

    Unzipped anywhere and opened from disk, every page and search work, and no
    page makes a network request.  docs/ and site/ are not touched.
    """
    from .bundle import bundle
    from .mkdocs_adapter import BuildFailed, MkDocsMissing

    project = Project.open(args.directory)
    _clear_cache(args, project)
    progress = Progress()
    try:
        bundled = bundle(
            project,
            strict=args.strict,
            verbose=args.verbose,
            progress=progress,
            cache=not args.no_cache,
        )
    except MkDocsMissing as exc:
        raise UsageError(str(exc)) from None
    except BuildFailed as exc:
        print(f"briefing: {exc}; no bundle was written", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        progress.close()
    _report(bundled.checked.problems)
    if bundled.archive is None:
        print(f"briefing: no bundle ({_summary(bundled.checked.problems)})", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"wrote {os.path.relpath(bundled.archive, Path.cwd())} ({bundled.files} files)")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Preview the site on 127.0.0.1 with live reload: editing a seed or an entity updates the page.

    Drafts are shown. A seed with problems prints them here and the last good
    page stays until it is fixed. Only pages whose files changed are rebuilt
    (--full rebuilds every page on each change).
    """
    from .mkdocs_adapter import BuildFailed, MkDocsMissing
    from .serve import serve

    project = Project.open(args.directory)
    try:
        serve(
            project, host=args.host, port=args.port, drafts=not args.no_drafts, dirty=not args.full
        )
    except MkDocsMissing as exc:
        raise UsageError(str(exc)) from None
    except BuildFailed as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Turn articles into draft seeds in seeds/: plain text, saved web pages, feeds, folders.

    FILE may be a .txt article (title on the first line, source from a dateline such as
    "(Reuters) -"), a saved web page (.html, .htm: title, date, author, publisher and URL
    from its metadata), an RSS or Atom feed (.xml, .rss, .atom: one draft per item; items
    whose URL a seed already has are skipped), a folder of these, or an http(s) URL.
    Proposes entities from the registry (and new ones with a guessed type), events from
    relative dates, claims with who makes them and their status, and quotes with their
    speakers, each with the sentence it came from as a comment; a claim that reads like
    an earlier one gets a commented "updates: <id>" suggestion (never set). --date and
    --source are needed only where the file does not say. Never overwrites a seed; every draft passes
    briefing check. Prints one line per article: what it wrote, or why not.
    """
    from .importer import BadOption, Importer, MissingDependency

    project = Project.open(args.directory)
    if args.feeds and args.files:
        raise UsageError("give the articles to import, or --feeds, not both")
    if not args.feeds and not args.files:
        raise UsageError(
            "the articles to import are required (files, folders or URLs), or --feeds for the "
            "feeds listed in mkdocs.yml (extra.briefing.feeds)"
        )
    if args.feeds and not project.feeds:
        raise UsageError(
            "mkdocs.yml lists no feeds: add extra.briefing.feeds, e.g. "
            "feeds: [{url: https://example.org/feed.xml, source: example-wire}]"
        )
    jobs: list[tuple[Importer, list[str | Path]]] = []
    failed = 0
    try:
        if args.feeds:
            for feed in project.feeds:
                try:
                    jobs.append((Importer(project, source=feed.source), [feed.url]))
                except BadOption as exc:  # one feed's wrong source: the others still run
                    print(f"{feed.url}: {exc}", file=sys.stderr)
                    failed += 1
        else:
            jobs.append((Importer(project, date=args.date, source=args.source), list(args.files)))
    except BadOption as exc:
        raise UsageError(str(exc)) from None
    try:
        for importer, inputs in jobs:
            failed += _import(importer, inputs, project)
    except MissingDependency as exc:
        raise UsageError(str(exc)) from None
    if failed:
        print(
            f"briefing: {failed} input{'s' * (failed != 1)} not imported; the rest were",
            file=sys.stderr,
        )
    return EXIT_PROBLEMS if failed else EXIT_OK


def _import(importer: Importer, inputs: list[str | Path], project: Project) -> int:
    """Import ``inputs``, one line each; returns how many failed."""
    from .problems import Problem

    failed = 0
    for outcome in importer.run(inputs):
        if outcome.failed is not None:
            why = outcome.failed
            print(Problem(outcome.label, why.line, why.field, str(why)), file=sys.stderr)
            failed += 1
        elif outcome.skipped is not None:
            print(f"skipped {outcome.label}: {outcome.skipped}")
        elif outcome.imported is not None:
            done = outcome.imported
            new = len(done.candidates)
            threads = (
                f"; {done.threads} claim{'s' * (done.threads != 1)} may be later word on "
                "earlier ones (see the comments)"
                if done.threads
                else ""
            )
            print(
                f"wrote {posix_rel(done.path, project.root)} from {outcome.label} (draft: "
                f"{len(done.found_entities)} entities, {done.events} events, {done.claims} "
                f"claims, {done.quotes} quotes; {new} new-entity candidate{'s' * (new != 1)}"
                f"{threads})"
            )
    return failed


def posix_rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when inside it, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a date: use YYYY-MM-DD (e.g. 2025-09-11)"
        ) from None


def cmd_new_entity(args: argparse.Namespace) -> int:
    """Scaffold seeds/entities/ID.yml for a new entity (never overwrites a file)."""
    from .paths import slug_problem
    from .schema import ENTITY_TYPES

    project = Project.open(args.directory)
    problem = slug_problem(args.id, "id")
    if problem:
        raise UsageError(problem)
    if args.type not in ENTITY_TYPES:
        raise UsageError(f"--type must be one of: {', '.join(ENTITY_TYPES)}")
    target = project.seeds_dir / "entities" / f"{args.id}.yml"
    if target.exists() or target.with_suffix(".yaml").exists():
        raise UsageError(f"{target.relative_to(project.root)} already exists; edit it instead")
    name = args.name or args.id.replace("-", " ").title()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f"name: {json.dumps(name, ensure_ascii=False)}\n"
        f"type: {args.type}\n"
        "aliases: []\n"
        "summary: \n"
        "facts: {}\n"
        "relations: []  # e.g. - {type: develops, target: ernie}\n"
        "links: []\n",
        encoding="utf-8",
    )
    print(f"wrote {target.relative_to(project.root)}")
    return EXIT_OK


def cmd_new_briefing(args: argparse.Namespace) -> int:
    """Scaffold seeds/<year>/SLUG.md with every front-matter key, as a draft (never overwrites)."""
    from .paths import slug_problem

    project = Project.open(args.directory)
    problem = slug_problem(args.slug, "slug")
    if problem:
        raise UsageError(problem)
    if args.source is not None and slug_problem(args.source, "id"):
        raise UsageError(f"--source: {slug_problem(args.source, 'id')}")
    day: datetime.date | None = args.date
    if day is None:
        import re

        found = re.match(r"(\d{4}-\d{2}-\d{2})", args.slug)
        try:
            day = datetime.date.fromisoformat(found.group(1)) if found else None
        except ValueError:
            day = None
    if day is None:
        raise UsageError(
            "give the publication date with --date YYYY-MM-DD (or start the slug with it)"
        )
    existing = [p for p in project.seeds_dir.rglob(f"{args.slug}.md")]
    if existing:
        raise UsageError(f"{existing[0].relative_to(project.root)} already exists; edit it instead")
    target = project.seeds_dir / str(day.year) / f"{args.slug}.md"
    source = args.source or "SOURCE-ID"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        "---\n"
        f"title: {json.dumps('Headline of ' + args.slug)}\n"
        f"date: {day.isoformat()}\n"
        f"source: {source}          # entity id of the publisher (briefing new entity ID --type media)\n"
        "via: []              # upstream reports this one relays, nearest first\n"
        "# url: https://...\n"
        "authors: []\n"
        "# summary: One or two sentences (default: the body's first paragraph; none under\n"
        "#   publish: summary, which publishes nothing from the body).\n"
        "key_points: []\n"
        "tags: []\n"
        "entities: []\n"
        "events: []           # - {date: early 2025, title: ..., entities: [...], id: ...}\n"
        "claims: []           # - {text: ..., by: ..., basis: ..., status: reported, entities: [...]}\n"
        "quotes: []           # - {by: ..., text: ...}\n"
        "publish: excerpt     # full | excerpt | summary\n"
        "draft: true\n"
        "---\n"
        "The article body, in Markdown.\n",
        encoding="utf-8",
    )
    print(
        f"wrote {target.relative_to(project.root)} (a draft: fill in the front-matter, then briefing check)"
    )
    return EXIT_OK


def _cache_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="do all the work again, ignoring and not updating .cache/briefing/",
    )
    p.add_argument(
        "--clear-cache",
        action="store_true",
        help="delete .cache/briefing/ first (it only saves time; the output is the same)",
    )


def _clear_cache(args: argparse.Namespace, project: Project) -> None:
    if getattr(args, "clear_cache", False):
        from .cache import Store

        Store(project.root).clear()


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefing",
        description="Turn annotated news articles into a research briefing site.",
    )
    parser.add_argument(
        "-C",
        dest="directory",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="run in the briefing project at DIR (default: the current folder)",
    )
    from .starter import version

    parser.add_argument("--version", action="version", version=f"briefing {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def add(
        name: str, func: Callable[[argparse.Namespace], int], **kw: object
    ) -> argparse.ArgumentParser:
        doc = (func.__doc__ or "").strip()
        p = sub.add_parser(name, help=doc.split("\n")[0], description=doc, **kw)  # type: ignore[arg-type]
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init)
    p.add_argument("folder", nargs="?", default=".", metavar="DIR", help="where (default: here)")
    p.add_argument("--title", help="the site's name (default: from the folder's name)")
    p.add_argument("--site-url", help="the address it will be published at")

    p = add("check", cmd_check)
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    p = add("explain", cmd_explain)
    p.add_argument(
        "pages", nargs="+", metavar="PAGE", help="briefings/SLUG, entities/ID or tags/TAG"
    )
    p.add_argument("--no-drafts", action="store_true", help="as the public site (drafts left out)")

    p = add("diff", cmd_diff)
    p.add_argument("base", nargs="?", metavar="BASE", help="git revision (default: the merge base)")
    p.add_argument(
        "head", nargs="?", metavar="HEAD", help="git revision (default: the working tree)"
    )
    p.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="output format"
    )
    p.add_argument("--schema", action="store_true", help="print the JSON Schema of --format json")

    p = add("build", cmd_build)
    p.add_argument(
        "--strict", action="store_true", help="fail on warnings, and run MkDocs in strict mode"
    )
    p.add_argument("--drafts", action="store_true", help="include draft briefings (for previews)")
    p.add_argument("-v", "--verbose", action="store_true", help="show MkDocs' progress")
    _cache_options(p)

    p = add("bundle", cmd_bundle)
    p.add_argument(
        "--strict", action="store_true", help="fail on warnings, and run MkDocs in strict mode"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="show MkDocs' progress")
    _cache_options(p)

    p = add("import", cmd_import)
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="article(s): .txt, .html/.htm, a feed (.xml/.rss/.atom), a folder, or a URL",
    )
    p.add_argument(
        "--date", type=_iso_date, help="publication date YYYY-MM-DD (default: from the text)"
    )
    p.add_argument(
        "--source",
        help="entity id of the publisher (default: from the page's or feed's metadata, or the "
        "dateline)",
    )
    p.add_argument(
        "--feeds",
        action="store_true",
        help="import every feed mkdocs.yml lists (extra.briefing.feeds), each item as a draft",
    )

    p = add("serve", cmd_serve)
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    p.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    p.add_argument("--no-drafts", action="store_true", help="leave draft briefings out")
    p.add_argument("--full", action="store_true", help="rebuild every page on each change")

    new = sub.add_parser("new", help="Scaffold a new file.", description="Scaffold a new file.")
    new_sub = new.add_subparsers(dest="kind", metavar="KIND", parser_class=_Parser)
    new_sub.required = True
    doc = (cmd_new_entity.__doc__ or "").strip()
    p = new_sub.add_parser("entity", help=doc, description=doc)
    p.add_argument("id", help="the entity id, e.g. kunlunxin")
    p.add_argument(
        "--type",
        required=True,
        help="company, person, product, organization, government, media, place or other",
    )
    p.add_argument("--name", help="display name (default: from the id)")
    p.set_defaults(func=cmd_new_entity)
    doc = (cmd_new_briefing.__doc__ or "").strip()
    p = new_sub.add_parser("briefing", help=doc, description=doc)
    p.add_argument(
        "slug", help="the briefing's slug and URL, e.g. 2025-09-11-alibaba-baidu-own-chips"
    )
    p.add_argument(
        "--date", type=_iso_date, help="publication date YYYY-MM-DD (default: from the slug)"
    )
    p.add_argument("--source", help="entity id of the publisher")
    p.set_defaults(func=cmd_new_briefing)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``briefing`` console script."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        memory.budget()
    except ValueError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.func(args)
    except UsageError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("briefing: interrupted; docs/ and site/ were left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`briefing explain … | head`): not an error
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stops the flush at exit failing
        return 0
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        print(
            f"briefing: internal error ({type(exc).__name__}: {exc}); this is a bug in briefing. "
            "Set BRIEFING_DEBUG=1 for the traceback.",
            file=sys.stderr,
        )
        return 3
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
