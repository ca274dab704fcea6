"""``briefing import``: inputs → articles → analysed sentences → a draft seed each.

The registry and the existing seeds are loaded once per run, however many files, feed
items or folders are given. A seed is never overwritten, a feed item whose URL a seed
already has is skipped, and every draft passes the project's own schema before it is
written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..load import load
from ..paths import MAX_SLUG_LENGTH, collision_key, posix, slug_problem, suggest_slug
from ..problems import Problems, did_you_mean
from ..project import Project
from .attributions import Discourse
from .dates import Dateline, find_dateline, publication_date
from .draft import Draft, markdown_body, self_check
from .entities import Candidate, Entity, Registry, candidates
from .proposals import MAX_CLAIM, Sentence, analyse, claims, events, quotes
from .read import (
    SUFFIXES,
    Article,
    decode,
    feed_articles,
    fetch,
    html_article,
    kind_of,
    read_bytes,
    sniff,
    text_article,
)
from .sentences import split_sentences
from .text import ImportFailed, one_line, truncate
from .threads import EarlierClaims

#: Words of a title that make its slug; the date in front keeps slugs unique per day.
SLUG_WORDS = 8


class BadOption(ImportFailed):
    """``--source`` names no entity: wrong usage for the whole run, not a problem of one file."""


@dataclass(frozen=True)
class Imported:
    """What importing one article wrote."""

    path: Path
    slug: str
    found_entities: list[str]
    events: int
    claims: int
    quotes: int = 0
    source: str = ""
    via: list[str] = field(default_factory=list)
    #: proposed claims that read like an earlier one (the draft suggests ``updates:``)
    threads: int = 0
    #: capitalised names and acronyms that look like entities but are not in the registry
    not_in_registry: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    origin: str = ""


@dataclass(frozen=True)
class Outcome:
    """One line of the command's report: what became of one input."""

    label: str  # the file (and feed item) as the user gave it
    imported: Imported | None = None
    skipped: str | None = None  # why it was left out, when that is not a problem
    failed: ImportFailed | None = None


class Importer:
    """Imports articles into one project, with its registry and seeds loaded once."""

    def __init__(
        self,
        project: Project,
        *,
        date: datetime.date | None = None,
        source: str | None = None,
        out_dir: Path | None = None,
    ) -> None:
        self.project = project
        self.date = date.date() if isinstance(date, datetime.datetime) else date
        self.out_dir = out_dir
        problems = Problems()
        sources = load(project.root, project.seeds_dir, problems, max_bytes=project.max_file_bytes)
        self.registry = Registry(
            Entity(
                e.id,
                e.data.name,
                e.data.type,
                tuple(e.data.aliases),
                tuple(str(link) for link in e.data.links),
            )
            for e in sources.entities
        )
        self.taken_slugs = {collision_key(s) for s in sources.all_slugs}
        self.urls: dict[str, str] = {}
        for s in sources.seeds:
            if s.data.url:
                self.urls.setdefault(_url_key(s.data.url), s.rel)
        self.taken_events = {
            collision_key(e.id or f"{s.slug}-event-{i + 1}")
            for s in sources.seeds
            for i, e in enumerate(s.data.events)
        }
        self.source = self._given_source(source) if source is not None else None
        self.earlier = EarlierClaims(sources.seeds)

    def _given_source(self, source: str) -> tuple[str, str]:
        value = source.strip()
        if value in self.registry.entities:
            return value, "given with --source"
        named = self.registry.exactly(value)
        if named is not None:
            return named, f"--source {value}"
        hint = did_you_mean(value, self.registry.entities)
        problem = slug_problem(value, "id")
        what = f"'{value}' is not an entity id" if problem else f"unknown --source '{value}'"
        raise BadOption(
            f"{what}{hint}; give the id of the publisher in seeds/entities/ "
            f"(or add it with: briefing new entity {suggest_slug(value) or 'ID'} --type media)",
            field="--source",
            line=0,
        )

    # --- inputs -------------------------------------------------------------------------

    def run(self, inputs: Iterable[str | Path]) -> Iterator[Outcome]:
        """Every input in turn: files, folders (their articles, sorted) and URLs."""
        for given in inputs:
            text = str(given)
            if re.match(r"https?://", text):
                yield from self._url(text)
                continue
            path = Path(given)
            if path.is_dir():
                found = sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
                if not found:
                    yield Outcome(
                        text, failed=ImportFailed(f"{path} has no files to import", line=0)
                    )
                for p in found:
                    if p.suffix.lower() in SUFFIXES:
                        yield from self.file(p)
                    else:
                        yield Outcome(
                            str(p),
                            skipped=f"not an article ({p.suffix or 'no suffix'}; "
                            "import reads .txt, .html, .htm and feeds: .xml, .rss, .atom)",
                        )
                continue
            yield from self.file(path)

    def file(self, path: Path) -> Iterator[Outcome]:
        label = str(path)
        try:
            raw = read_bytes(path, self.project.max_file_bytes)
            kind = kind_of(path, raw)
            name = path.name or str(path)
            if kind == "feed":
                articles = feed_articles(raw, name)
            elif kind == "html":
                articles = [html_article(raw, name)]
            else:
                articles = [text_article(decode(raw, name), name)]
        except ImportFailed as exc:
            yield Outcome(label, failed=exc)
            return
        yield from self._articles(articles, label, many=kind == "feed")

    def _url(self, url: str) -> Iterator[Outcome]:
        try:
            raw, final = fetch(url, self.project.max_file_bytes)
            kind = sniff(raw)
            if kind == "feed":
                articles = feed_articles(raw, url)
            elif kind == "html":
                articles = [html_article(raw, url, url=final)]
            else:
                articles = [text_article(decode(raw, url), url)]
        except ImportFailed as exc:
            yield Outcome(url, failed=exc)
            return
        yield from self._articles(articles, url, many=kind == "feed")

    def _articles(self, articles: list[Article], label: str, *, many: bool) -> Iterator[Outcome]:
        for number, article in enumerate(articles, start=1):
            item = f"{label} item {number}" if many else label
            if article.url and _url_key(article.url) in self.urls:
                yield Outcome(
                    item,
                    skipped=f"{article.url} is already imported "
                    f"({self.urls[_url_key(article.url)]})",
                )
                continue
            try:
                done = self.article(article)
            except ImportFailed as exc:
                yield Outcome(item, failed=exc)
                continue
            yield Outcome(item, imported=done)

    # --- one article --------------------------------------------------------------------

    def article(self, article: Article) -> Imported:
        """Analyse one article and write its draft seed; ImportFailed says why not."""
        if not article.paragraphs:
            raise ImportFailed(f"{article.origin} has no text after its title")
        first = article.paragraphs[0]
        dateline = find_dateline(first)
        published = self.date or article.date
        if published is None:
            published = publication_date(dateline, article.header, article.paragraphs)
        source_id, source_note = self._source(article, dateline)

        slug_words = _title_slug(article.title) or suggest_slug(article.origin)[:60] or "article"
        slug = f"{published.isoformat()}-{slug_words}"[:MAX_SLUG_LENGTH].rstrip("-")
        folder = (
            self.out_dir
            if self.out_dir is not None
            else (self.project.seeds_dir / f"{published.year:04d}")
        )
        target = folder / f"{slug}.md"
        shown = posix(target, self.project.root)
        if target.exists():
            raise ImportFailed(
                f"{shown} already exists; it was left as it was (import never overwrites)"
            )
        if collision_key(slug) in self.taken_slugs:
            raise ImportFailed(
                f"a seed with the slug '{slug}' already exists in "
                f"{posix(self.project.seeds_dir, self.project.root)}; import never overwrites"
            )

        # Sentences of the body, with the dateline left out of the first paragraph.
        analysed = [first[dateline.end :] if dateline else first, *article.paragraphs[1:]]
        registry = self.registry
        sentences: list[Sentence] = []
        for number, paragraph in enumerate(analysed):
            for offset, text in split_sentences(paragraph):
                sentences.append(
                    Sentence(len(sentences), number, offset, text, registry.mentions(text))
                )
        new = candidates(article.title, [(s.text, s.mentions) for s in sentences], registry)
        discourse = Discourse(registry, source_id, new)
        analyse(sentences, discourse)
        for s in sentences:
            _relayed_reports(discourse, s)
        _relayed_reports(
            discourse, Sentence(-1, -1, 0, article.title, registry.mentions(article.title))
        )
        everything = "\n".join([article.title, *article.paragraphs])
        entities = registry.ids_in(everything)
        for extra in (source_id, *discourse.via):
            if extra not in entities:
                entities.append(extra)

        proposed_events = events(sentences, published, self.taken_events)
        proposed_claims = claims(sentences, discourse)
        for proposal in proposed_claims:
            proposal.notes += self.earlier.suggestion(
                str(proposal.fields["text"]), str(proposal.fields.get("status", "")), published
            )
        proposed_quotes = quotes(analysed, sentences, discourse)
        summary = truncate(sentences[0].text, MAX_CLAIM) if sentences else ""
        draft = Draft(
            title=article.title,
            date=published,
            source=source_id,
            source_note=source_note,
            via=discourse.via,
            authors=article.authors,
            summary=summary,
            entities=entities,
            unknown=new,
            events=proposed_events,
            claims=proposed_claims,
            quotes=proposed_quotes,
            body=markdown_body(article.paragraphs),
            origin=one_line(article.origin).replace("`", "'"),
            url=article.url if article.url and re.match(r"https?://\S+$", article.url) else None,
        )
        rendered = draft.render()
        self_check(rendered, shown)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(rendered)
        except FileExistsError:
            raise ImportFailed(
                f"{shown} already exists; it was left as it was (import never overwrites)"
            ) from None
        except OSError as exc:
            raise ImportFailed(f"{shown} cannot be written: {exc.strerror or exc}") from None
        self.taken_slugs.add(collision_key(slug))
        if article.url:
            self.urls[_url_key(article.url)] = shown
        return Imported(
            path=target,
            slug=slug,
            found_entities=entities,
            events=len(proposed_events),
            claims=len(proposed_claims),
            quotes=len(proposed_quotes),
            threads=sum(1 for p in proposed_claims if p.notes),
            source=source_id,
            via=list(discourse.via),
            not_in_registry=[c.name for c in new],
            candidates=new,
            origin=article.origin,
        )

    def _source(self, article: Article, dateline: Dateline | None) -> tuple[str, str]:
        """``(entity id, how it was found)``: --source, the page's publisher, the dateline."""
        if self.source is not None:
            return self.source
        registry = self.registry
        if article.publisher:
            found = registry.exactly(article.publisher)
            if found is not None:
                return found, f"the publisher named in {article.kind} metadata"
        if article.site:
            found = registry.by_url(article.site)
            if found is not None:
                return found, f"the site {_host_of(article.site)}"
        if dateline is not None and dateline.agency:
            found = registry.named(dateline.agency)
            if found is None:
                slug = suggest_slug(dateline.agency) or "ID"
                raise ImportFailed(
                    f"the dateline '{dateline.text}' names '{dateline.agency}', which is not in "
                    f"the registry; add it (briefing new entity {slug} --type media) or pass "
                    "--source ID",
                    field="source",
                )
            return found, f'from the dateline "{dateline.text}"'
        if article.publisher:
            slug = suggest_slug(article.publisher) or "ID"
            raise ImportFailed(
                f"the {article.kind} names its publisher '{article.publisher}', which is not in "
                f"the registry; add it (briefing new entity {slug} --type media, with the site "
                "in its links) or pass --source ID",
                field="source",
            )
        raise ImportFailed(
            "no dateline such as '(Reuters) -' at the start of the article, so the source is "
            "unknown; pass --source ID",
            field="source",
        )


def _relayed_reports(discourse: Discourse, sentence: Sentence) -> None:
    """ "according to a report by X", "X's report": the article relays X (``via``)."""
    registry = discourse.registry
    text = sentence.text
    for m in sentence.mentions:
        if not registry.is_media(m.id) or m.id == discourse.source:
            continue
        before = text[max(0, m.start - 40) : m.start].lower()
        after = text[m.end : m.end + 30].lower()
        if (
            re.match(r"(?:'s|’s)?\s+(?:first\s+)?report(?:s|ed)?\b", after)
            or re.search(r"\b(?:report|reports|story|article)\s+(?:by|in|from)\s+$", before)
            or re.match(r"\s+(?:said|says|reported|reports)\b", after)
        ):
            discourse.relay(m.id)


def _host_of(url: str) -> str:
    m = re.match(r"(?:https?://)?([^/]+)", url)
    return m.group(1) if m else url


def _url_key(url: str) -> str:
    """URLs compared without scheme, "www.", a trailing slash or a fragment."""
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"^https?://(?:www\.)?", "", url, flags=re.IGNORECASE)
    return url.rstrip("/").casefold()


def _title_slug(title: str) -> str:
    parts = suggest_slug(re.sub(r"['’]", "", title)).split("-")
    return "-".join(w for w in parts[:SLUG_WORDS] if w)


def import_article(
    project: Project,
    source_file: Path,
    *,
    date: datetime.date | None = None,
    source: str | None = None,
    out_dir: Path | None = None,
) -> Imported:
    """Turn one article file into a draft seed ``seeds/<year>/<date>-<slug>.md``; never overwrites.

    A feed gives its first new item; use :class:`Importer` for every item and for folders.
    """
    importer = Importer(project, date=date, source=source, out_dir=out_dir)
    for outcome in importer.file(source_file):
        if outcome.failed is not None:
            raise outcome.failed
        if outcome.imported is not None:
            return outcome.imported
    raise ImportFailed(f"{source_file} has nothing new to import")
