"""How pages link and list: the link helpers, the list items many pages share, and the
Jinja environment every page kind renders its templates with.

Every value a template prints is escaped as inert Markdown unless it was built by
one of the link helpers here (which escape their own parts), so a template cannot
forget to escape a contributor's text.

The list items say what they show of a record, and :mod:`.reads` hashes exactly
that for the pages that list it: ``CARD_FIELDS`` sits beside :meth:`Links.briefing_item`
and ``EVENT_FIELDS`` beside :meth:`Links.event_item`, so the two change together
(``tests/test_reads.py`` checks every read of every unit against its key).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import paths, settings
from ..fuzzydate import day_words
from ..markup import attr, md
from ..model import CONTESTED, Briefing, Claim, Corpus, Event, Speaker, Thread


def _finalize(value: Any) -> Any:
    if hasattr(value, "__html__"):
        return value
    if value is None:
        return Markup("")
    return Markup(md(value))


def _join(items: Iterable[Any], sep: str = ", ") -> Markup:
    return Markup(sep.join(str(_finalize(i)) for i in items))


_UNSAFE_IN_META = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _json(value: Any) -> Markup:
    """A page-metadata value (``title:``, ``description:``): MkDocs themes print these
    without escaping, so the text is HTML-escaped first; control characters become
    ``\\uXXXX`` so that MkDocs' YAML reader accepts the block."""
    escaped = html.escape(str(value), quote=True)
    dumped = json.dumps(escaped, ensure_ascii=False)
    return Markup(_UNSAFE_IN_META.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["join"] = _join
    env.filters["json"] = _json
    return env


class Links:
    """Link helpers for one page: HTML links with the final relative URLs.

    Generated pages write their links and lists as HTML rather than Markdown links:
    MkDocs then has no Markdown to parse in them and no link to resolve, which made
    its build of a generated page cost about 2.5× that of a plain page of the same
    size.  The ids behind every link were checked when the project was loaded, and
    the tests follow every link of the built site in both URL styles.  Labels go
    through :func:`md`, whose character references are inert in Markdown and in HTML.
    """

    def __init__(self, corpus: Corpus, page: str, directory_urls: bool = True) -> None:
        self.corpus = corpus
        self.href = paths.UrlsFrom(page, directory_urls).to

    def _to(self, doc: str, label: object, cls: str = "") -> Markup:
        # The URL is made of checked slugs, ids and tags ([a-z0-9-]), dots and slashes:
        # nothing in it needs escaping inside the attribute.
        klass = f' class="{cls}"' if cls else ""
        return Markup(f'<a href="{self.href(doc)}"{klass}>{md(label)}</a>')

    def page(self, doc: str, label: str) -> Markup:
        return self._to(doc, label)

    def entity(self, entity_id: str) -> Markup:
        return self._to(paths.entity_doc(entity_id), self.corpus.entity_name(entity_id))

    def chip(self, entity_id: str) -> Markup:
        return self._to(paths.entity_doc(entity_id), self.corpus.entity_name(entity_id), "bf-chip")

    def briefing(self, slug: str) -> Markup:
        b = self.corpus.by_slug.get(slug)
        if b is None:  # a draft left out of the public site: name it without a link
            return Markup(md(slug))
        return self._to(paths.briefing_doc(slug), b.title)

    def tag(self, tag: str, count: int | None = None) -> Markup:
        label = f"{tag} ({count})" if count is not None else tag
        return self._to(paths.tag_doc(tag), label, "bf-tag")

    def external(self, url: str, label: str) -> Markup:
        # "bf-bare": the label is the address itself, which print need not repeat.
        cls = "bf-external bf-bare" if label == url else "bf-external"
        return Markup(f'<a href="{attr(url)}" class="{cls}">{md(label)}</a>')

    def speaker(self, speaker: Speaker) -> Markup:
        if speaker.entity:
            return self.entity(speaker.entity)
        return Markup(md(speaker.text))

    def provenance(self, claim: Claim) -> Markup:
        """Who asserts a claim, on what basis, and who relayed it to the publisher."""
        b = self.corpus.by_slug.get(claim.briefing)
        parts = [str(self.speaker(claim.by))]
        if claim.basis:
            parts.append(f", citing {md(claim.basis)}")
        if b is not None and claim.by.entity != b.source:
            chain = [b.source]
            if claim.by.entity in b.via:
                chain = [*reversed(b.via[: b.via.index(claim.by.entity)]), b.source]
                parts.append(" · relayed by ")
            else:
                parts.append(" · reported by ")
            parts.append(" → ".join(str(self.entity(e)) for e in chain))
        return Markup("".join(parts))

    # List items used on many pages (``<li>`` elements; templates wrap them in
    # ``<ul>``). Plain Python rather than Jinja macros: these run tens of thousands
    # of times in a large project, and macro calls are slow.

    def briefing_item(self, b: BriefingView) -> Markup:
        """A briefing in a list: what it shows is :data:`CARD_FIELDS`."""
        draft = ' <span class="bf-draft">draft</span>' if b.draft else ""
        via = "".join(f" via {md(self.corpus.entity_name(v))}" for v in b.via)
        out = (
            f"<li><strong>{self.briefing(b.slug)}</strong>{draft}<br>\n"
            f'<span class="bf-meta">{md(b.date_words)} · {md(self.corpus.entity_name(b.source))}'
            f"{via}</span>"
        )
        if b.summary_text:
            out += f"<br>\n{md(b.summary_text)}"
        return Markup(out + "</li>")

    def event_item(self, e: Event, with_sources: bool = True) -> Markup:
        """An event in a list: what it shows is :data:`EVENT_FIELDS`, and the titles of
        the briefings that report it."""
        fuzzy = "" if e.date.is_exact_day else " bf-fuzzy"
        out = (
            f'<li class="bf-anchor" id="ev-{e.id}"><span class="bf-when{fuzzy}">'
            f"{md(e.date.words())}</span> {md(e.title)}"
        )
        if e.entities:
            out += " · " + ", ".join(self.entity(eid) for eid in e.entities)
        if with_sources:
            reports = "; ".join(self.briefing(r.briefing) for r in e.reports)
            out += f'<br>\n<span class="bf-meta">Reported in {reports}</span>'
        if e.conflicting:
            dates = "; ".join(
                f"{md(r.date.words())} ({self.briefing(r.briefing)})" for r in e.reports
            )
            out += f'<br>\n<span class="bf-conflict">Reports disagree on the date:</span> {dates}'
        return Markup(out + "</li>")

    def claim_item(
        self,
        c: Claim,
        show_briefing: bool = False,
        anchor: str = "",
        thread: Thread | None = None,
    ) -> Markup:
        """A claim; on its briefing's page with an ``anchor`` id, which search results link to,
        and with its ``thread``: the claim it updates and the later word on it."""
        where = f" · in {self.briefing(c.briefing)}" if show_briefing else ""
        opening = f'<li class="bf-anchor" id="{anchor}">' if anchor else "<li>"
        return Markup(
            f"{opening}{self.status(c.status)} {md(c.text)}<br>\n"
            f'<span class="bf-meta">{self.provenance(c)}{where}</span>'
            f"{self.thread_notes(c, thread)}</li>"
        )

    def status(self, status: str) -> Markup:
        label = status.replace("-", " ")
        return Markup(f'<span class="bf-status bf-status-{status}">{md(label)}</span>')

    # --- claim threads ---

    def claim_ref(self, c: Claim) -> Markup:
        """The briefing a claim was made in, linked to the claim on its page."""
        b = self.corpus.by_slug.get(c.briefing)
        if b is None:
            return Markup(md(c.briefing))
        href = self.href(paths.briefing_doc(c.briefing))
        return Markup(f'<a href="{href}#claim-{c.number}">{md(b.title)}</a>')

    def word(self, c: Claim) -> Markup:
        """One word on a thread: "confirmed by Nvidia, 20 October 2025, in …"."""
        basis = f", citing {md(c.basis)}" if c.basis else ""
        return Markup(
            f"{self.status(c.status)} by {self.speaker(c.by)}{basis}, "
            f"{md(day_words(c.date))}, in {self.claim_ref(c)}"
        )

    def thread_notes(self, c: Claim, thread: Thread | None) -> Markup:
        """Under a claim on its briefing's page: the claim it updates, the later word on it,
        and where the thread stands now when that word disagrees."""
        if thread is None or len(thread.claims) < 2:
            return Markup("")
        out = ""
        parent = thread.parent(c)
        if parent is not None:
            out += (
                f'<br>\n<span class="bf-meta bf-earlier">Updates “{md(parent.text)}”: '
                f"{self.word(parent)}</span>"
            )
        later = thread.later(c)
        for w in later[: settings.LATER_WORDS]:
            out += f'<br>\n<span class="bf-later">Later: {self.word(w)}</span>'
        if len(later) > settings.LATER_WORDS:
            out += (
                f'<br>\n<span class="bf-meta">and {len(later) - settings.LATER_WORDS} more later '
                "words (see the claims page)</span>"
            )
        if later and thread.status == CONTESTED:
            out += (
                f'<br>\n<span class="bf-contested">{self.status(CONTESTED)} the latest words '
                "on this claim disagree</span>"
            )
        return Markup(out)

    def thread_item(self, t: Thread, anchor: bool = False) -> Markup:
        """A thread: where it stands now, its first claim, then every later word in date order."""
        root = t.root
        opening = f'<li class="bf-anchor bf-thread" id="{t.anchor}">' if anchor else "<li>"
        out = (
            f"{opening}{self.status(t.status)} {md(root.text)}<br>\n"
            f'<span class="bf-meta">{self.provenance(root)} · {md(day_words(root.date))} · '
            f"in {self.claim_ref(root)}</span>"
        )
        rest = [c for c in t.claims if c is not root]
        if rest:
            rows = "".join(f"<li>{self.word(c)}: {md(c.text)}</li>\n" for c in rest)
            out += f'\n<ol class="bf-history">\n{rows}</ol>\n'
        return Markup(out + "</li>")


@dataclass(frozen=True)
class BriefingView:
    """A briefing with the few values derived for display."""

    b: Briefing
    date_words: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.b, name)


#: What lists and links show of a briefing (:meth:`Links.briefing_item`, :meth:`Links.briefing`,
#: :meth:`Links.claim_ref`, the related briefings): the pages that list a briefing are
#: keyed on these fields of it, not on the whole record.
CARD_FIELDS = ("slug", "title", "date", "source", "via", "summary_text", "draft", "url")

#: What lists show of an event (:meth:`Links.event_item`, the drawn timelines), besides
#: its reports' briefings and the timeline page that lists it.
EVENT_FIELDS = ("id", "title", "date", "entities", "tags", "reports")


def make_view(b: Briefing) -> BriefingView:
    """A briefing with its date in words, as lists show it."""
    return BriefingView(b, day_words(b.date))
