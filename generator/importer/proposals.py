"""Claims, quotes and events proposed from the analysed sentences.

Each proposal keeps the sentence it came from, shown as a YAML comment above it, so that
the analyst can check it against the article at a glance.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from ..paths import collision_key, slug_problem, suggest_slug
from .attributions import (
    CONNECTIVE,
    NO_COMMENT,
    ROLES,
    Attribution,
    Discourse,
    Speaker,
    attribution,
    strip_lead,
)
from .dates import DatePhrase, relative_dates
from .entities import Mention
from .text import one_line, shorten, truncate, unique, words

#: Claims, quotes and the summary are cut (with "…") at this length; the schema allows 20,000.
MAX_CLAIM = 2000
#: Event titles are a clause of about this many characters at most, never a cut-off sentence.
MAX_EVENT_TITLE = 90


@dataclass
class Proposal:
    """One proposed item of ``events``, ``claims`` or ``quotes``, with its comment."""

    comment: str
    fields: dict[str, Any]
    #: comment lines written after the fields (a suggested ``updates:``, never set)
    notes: list[str] = field(default_factory=list)


@dataclass
class Sentence:
    """A sentence of the body with its registry mentions and, once found, its attribution."""

    index: int
    paragraph: int
    offset: int  # in its paragraph
    text: str
    mentions: list[Mention]
    attribution: Attribution | None = None
    no_comment: bool = False
    ids: list[str] = field(default_factory=list)


def analyse(sentences: list[Sentence], discourse: Discourse) -> None:
    """Find each sentence's attribution in article order, so references see what came before."""
    for s in sentences:
        s.ids = unique(m.id for m in s.mentions)
        s.no_comment = NO_COMMENT.search(s.text) is not None
        if not s.no_comment:
            s.attribution = attribution(discourse, s.index, s.text, s.mentions)
        discourse.add_sentence(s.index, s.text, s.mentions)


# --- claims ---------------------------------------------------------------------------------


def clean_claim(text: str) -> str:
    """A statement as a claim's text: one line, no lead or trailing punctuation, capitalised."""
    text = one_line(text)
    text = text[strip_lead(text) :] if strip_lead(text) < len(text) else text
    text = re.sub(r"\s+([,;]|\.(?!\.))", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = CONNECTIVE.sub("", text)
    text = text.strip(" ,;:—–-")
    text = re.sub(r",([\"”])$", r"\1", text)
    text = text.rstrip(".").rstrip()
    text = re.sub(r",([\"”])$", r"\1", text)
    return truncate(text[:1].upper() + text[1:], MAX_CLAIM) if text else text


def _only_a_quote(text: str) -> bool:
    return re.fullmatch(r"\s*[\"“][^\"“”]+[\"”]\s*,?\s*", text) is not None


def claims(sentences: list[Sentence], discourse: Discourse) -> list[Proposal]:
    """A claim for each attributed statement and each "declined to comment"."""
    out: list[Proposal] = []
    registry, source = discourse.registry, discourse.source
    provenance = {source, *discourse.via}
    for s in sentences:
        if s.no_comment:
            party = _declining_party(s, discourse)
            entities = [i for i in s.ids if i != source]
            # "Corvane, whose chips were used ..., declined to comment": the aside is not the point.
            said = re.sub(
                r",\s+(?:who|whose|which|one of|an?|the)\b[^,]*,\s+", " ", s.text, count=1
            )
            fields: dict[str, Any] = {
                "text": clean_claim(said),
                "by": party.by,
                "status": "no-comment",
                "entities": entities,
            }
            out.append(Proposal(f'"{shorten(s.text)}"', fields))
            continue
        a = s.attribution
        if a is None or _only_a_quote(a.content):
            continue
        text = clean_claim(a.content)
        if len(text.split()) < 3:
            continue
        speaker = a.speaker
        entities = [
            i
            for i in s.ids
            if not (registry.is_media(i) and (i == speaker.entity or i in provenance))
        ]
        fields = {"text": text, "by": speaker.by}
        if speaker.basis:
            fields["basis"] = one_line(speaker.basis)
        fields["status"] = a.status
        fields["entities"] = entities
        out.append(Proposal(f'"{shorten(s.text, (a.start, a.end))}"', fields))
    return out


def _declining_party(s: Sentence, discourse: Discourse) -> Speaker:
    """Who declined to comment: the subject before "did not respond" (else the publication)."""
    m = NO_COMMENT.search(s.text)
    assert m is not None
    lead = strip_lead(s.text)
    subject = s.text[lead : m.start()].strip()
    subject = re.sub(r"\s+(?:also|immediately|still)$", "", subject)
    if "," in subject:
        subject = subject.split(",", 1)[0]
    found = None
    if subject:
        found = discourse.speaker(
            subject,
            sentence=s.index,
            offset=lead,
            text=s.text,
            mentions=s.mentions,
        )
    if found is None or found.basis:
        return Speaker(discourse.source, discourse.source)
    if found.entity is None and re.fullmatch(r"[A-Z][a-z]+s", found.by):
        return Speaker(discourse.source, discourse.source)  # "Representatives": nobody named
    return found


# --- quotes ---------------------------------------------------------------------------------

_QUOTE = re.compile(r"\"(?P<a>[^\"]{2,})\"|“(?P<b>[^”]{2,})”")
_SAY_WORD = r"(?:said|says|added|adds|told|tells|wrote|writes|stated|noted|explained|asked)"
_AFTER = re.compile(rf"^\s*,?\s*(?P<who>[^.;:!?\"“”]{{1,120}}?)\s+{_SAY_WORD}\b")
_AFTER_INVERTED = re.compile(rf"^\s*,?\s*{_SAY_WORD}\s+(?P<who>[^;:!?\"“”]{{1,120}}?)(?:\.\s|\.?$)")
_BEFORE = re.compile(
    rf"(?P<who>[^.;:!?\"“”]{{1,100}}?)\s+{_SAY_WORD}(?:\s+[^.;:!?\"“”,]{{0,60}})?\s*[,:]\s*$"
)


def quotes(
    paragraphs: list[str], sentences: list[Sentence], discourse: Discourse
) -> list[Proposal]:
    """Direct quotes with their speakers; a quote that only repeats a word or two is left out."""
    out: list[Proposal] = []
    by_paragraph: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_paragraph.setdefault(s.paragraph, []).append(s)
    for number, paragraph in enumerate(paragraphs):
        previous: Speaker | None = None
        for m in _QUOTE.finditer(paragraph):
            quote = one_line(m["a"] or m["b"] or "").strip().rstrip(",").strip()
            if len(quote.split()) < 3 or not _stands_alone(paragraph, m.start()):
                continue
            sentence = _sentence_at(by_paragraph.get(number, []), m.start())
            speaker = _quote_speaker(paragraph, m, sentence, discourse)
            if speaker is None and previous is not None:
                speaker = previous  # "... ," he said. "A second quote."
            if speaker is None:
                continue
            previous = speaker
            fields: dict[str, Any] = {"by": speaker.by}
            if speaker.role:
                fields["role"] = speaker.role
            fields["text"] = truncate(quote, MAX_CLAIM)
            out.append(Proposal(f'"{shorten(paragraph, m.span())}"', fields))
    return out


def _stands_alone(paragraph: str, start: int) -> bool:
    """A whole quoted statement, not a word or two quoted inside a sentence ("calling it "inaccurate"")."""
    before = paragraph[:start].rstrip()
    return not before or before[-1] in '.:!?,”"' or before.endswith(("said", "says", "added"))


def _sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    found = None
    for s in sentences:
        if s.offset <= pos:
            found = s
    return found


def _quote_speaker(
    paragraph: str, m: re.Match[str], sentence: Sentence | None, discourse: Discourse
) -> Speaker | None:
    index = sentence.index if sentence else 0
    text = sentence.text if sentence else paragraph
    mentions = sentence.mentions if sentence else []
    base = sentence.offset if sentence else 0
    rest = paragraph[m.end() :]
    tries: list[tuple[str, int]] = []
    after = _AFTER.match(rest)
    if after is not None:
        tries.append((after["who"], m.end() + after.start("who")))
    inverted = _AFTER_INVERTED.match(rest)
    if inverted is not None:
        tries.append((inverted["who"], m.end() + inverted.start("who")))
    before = _BEFORE.search(paragraph, max(0, m.start() - 200), m.start())
    if before is not None:
        tries.append((before["who"], before.start("who")))
    for who, at in tries:
        who = who.strip()
        role = next((name for name, pattern in ROLES if pattern.search(who)), None)
        speaker = discourse.speaker(
            who,
            sentence=index,
            offset=max(0, at - base),
            text=text,
            mentions=mentions,
        )
        if speaker is not None and not speaker.basis:
            if role and not speaker.role:
                speaker = Speaker(speaker.by, speaker.entity, speaker.basis, role)
            return speaker
    return None


# --- events ---------------------------------------------------------------------------------

_STOP = words("the a an of to and that its has have been their in on for with by as")
_CLAUSE_SPLIT = re.compile(
    r",\s+(?=(?:while|but|and|as|with|which|although|though|after|before|partly|citing|"
    r"according|whereas|even|a\s+claim|a\s+move|the\s+(?:newspaper|company)\s+said|"
    r"including|calling|saying)\b)|;\s+|\s+[—–]\s+"
)
_SOFT_CUT = re.compile(
    r"\s+(?=(?:to|for|from|in|on|at|with|after|before|by|as|amid|because|while|which|that|"
    r"including|over|under|into)\b)"
)


def _id_from(title: str, taken: set[str]) -> str:
    text = re.sub(r"['’]", "", title)
    parts = [w for w in suggest_slug(text).split("-") if w and w not in _STOP]
    base = "-".join(parts[:6])[:60].strip("-") or "event"
    if slug_problem(base):
        base = "event"
    candidate, n = base, 2
    while collision_key(candidate) in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(collision_key(candidate))
    return candidate


def short_clause(text: str, keep: tuple[int, int] | None = None) -> str:
    """The clause of ``text`` holding ``keep`` (or the first), short enough for a title.

    A long clause is cut before a preposition or conjunction, where a clause can end, so
    that a title reads as a statement rather than a sentence broken off mid-phrase.
    """
    text = one_line(text).rstrip(". ")
    pieces: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, len(text)))
    chosen = pieces[0]
    if keep is not None:
        chosen = next((p for p in pieces if p[0] <= keep[0] <= p[1]), pieces[0])
    if chosen[1] - chosen[0] < 25 and chosen != pieces[0]:
        chosen = (pieces[0][0], chosen[1])
    clause = text[chosen[0] : chosen[1]].strip(" ,;")
    if len(clause) > MAX_EVENT_TITLE:
        cuts = [m.start() for m in _SOFT_CUT.finditer(clause) if 35 <= m.start() <= MAX_EVENT_TITLE]
        clause = clause[: cuts[-1]] if cuts else truncate(clause, MAX_EVENT_TITLE + 30)
    clause = clause.strip(" ,;:")
    return clause[:1].upper() + clause[1:]


def _event_title(sentence: Sentence, phrase: DatePhrase) -> str:
    """What happened: the clause with the date phrase, without the phrase (shown apart) and
    without a trailing attribution ("..., the company said on Tuesday")."""
    text = sentence.text
    a = sentence.attribution
    span: tuple[int, int] | None = (phrase.start, phrase.end)
    if a is not None and a.start > 0 and a.end >= len(text.rstrip(' .!?"”')) - 1:
        body = a.content
        span = span if phrase.end <= a.start else None
    else:
        body = text
    lead = strip_lead(body)
    keep: tuple[int, int] | None = None
    if span is not None and span[0] >= lead:
        body = body[: span[0]] + body[span[1] :]
        keep = (span[0] - lead, span[0] - lead)
    title = short_clause(body[lead:], keep)
    title = re.sub(r"\s+([,;:])", r"\1", title)
    title = re.sub(r"\s{2,}", " ", title).strip(" ,;:")
    return title[:1].upper() + title[1:] if title else truncate(text, MAX_EVENT_TITLE)


def events(sentences: list[Sentence], published: datetime.date, taken: set[str]) -> list[Proposal]:
    """An event for each dated phrase about the past ("late last month" → late 2025-08)."""
    out: list[Proposal] = []
    for sentence in sentences:
        seen: set[str] = set()
        for phrase in relative_dates(sentence.text, published):
            if phrase.date in seen:
                continue
            seen.add(phrase.date)
            title = _event_title(sentence, phrase)
            fields: dict[str, Any] = {
                "id": _id_from(title, taken),
                "date": phrase.date,
                "title": title,
                "entities": sentence.ids,
            }
            comment = shorten(sentence.text, (phrase.start, phrase.end))
            out.append(Proposal(f'"{comment}" ({phrase.phrase} → {phrase.date})', fields))
    return out
