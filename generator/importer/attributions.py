"""Attributions: who says what in a sentence, and in what voice.

News sentences name their source in a few fixed ways: "..., X said.", "X said (that) ...",
"according to X", "..., X reported, citing people familiar with the matter", "X told Y
that ...". The speaker is resolved in the article's context: a registry entity, an
earlier name ("Chen" → "Chen Yiming"), a reference ("the company", "the newspaper",
"the people"), or free text that is never id-shaped. An anonymous source is the basis
of a claim by the publication that relays it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from .dates import relative_dates
from .entities import Candidate, Mention, Registry
from .text import one_line

#: Verbs that attribute a statement.
SAY = (
    r"said|says|reported|reports|told|tells|wrote|writes|added|adds|announced|confirmed|"
    r"confirms|denied|denies|rejected|rejects|disputed|disputes|noted|stated|estimated?|"
    r"estimates|expects?|warned|argued|explained|insisted|acknowledged|claimed|maintained"
)
_SAY_RE = re.compile(rf"\b(?P<verb>{SAY})\b")
_REPORT_VERBS = ("reported", "reports", "wrote", "writes")
STATUS_OF_VERB = {
    "confirmed": "confirmed",
    "confirms": "confirmed",
    "acknowledged": "confirmed",
    "denied": "denied",
    "denies": "denied",
    "rejected": "denied",
    "rejects": "denied",
    "disputed": "disputed",
    "disputes": "disputed",
}
_DENIAL = re.compile(
    r"\b(?:inaccurate|untrue|not\s+true|false|baseless|groundless|fabricated|unfounded|"
    r"no\s+such\s+plans?|nonsense)\b",
    re.IGNORECASE,
)
_DISPUTE = re.compile(
    r"\b(?:misleading|exaggerated|overstated|pushed\s+back\s+(?:on|against)|disputed)\b",
    re.IGNORECASE,
)
NO_COMMENT = re.compile(
    r"\b(?:did\s+not|didn't|does\s+not|doesn't|could\s+not|couldn't|has\s+not|have\s+not)\s+"
    r"(?:immediately\s+)?(?:respond|reply|return|comment)|\bdeclined\s+to\s+comment|"
    r"\bno\s+immediate\s+comment|\bnot\s+(?:immediately\s+)?available\s+for\s+comment|"
    r"\bcould\s+not\s+be\s+(?:immediately\s+)?reached|\brefused\s+to\s+comment|"
    r"\bdeclined\s+(?:to\s+(?:elaborate|discuss|say)|requests?\s+for\s+comment)",
    re.IGNORECASE,
)
CONNECTIVE = re.compile(
    r"^(?:Meanwhile|However|Separately|Still|Also|Moreover|Furthermore|Instead|Nonetheless|"
    r"Nevertheless|In addition|Additionally|Elsewhere|Previously|Earlier|Later|Indeed|But|And|"
    r"Yet|So|In a statement|In a filing|In an interview|In a note|In a post)\s*,?\s+(?=\S)"
)
_LEAD_PHRASE = re.compile(r"^(?P<lead>[A-Z][^,\"“]{1,45}),\s+(?=\S)")
#: "Two people familiar with the matter": the publication's own, unnamed sources.
_ANONYMOUS = re.compile(
    r"\b(?:familiar\s+with|knowledge\s+of|close\s+to|briefed\s+on|aware\s+of|"
    r"declined\s+to\s+be\s+(?:named|identified)|condition\s+of\s+anonymity|sources?|insiders?|"
    r"people|persons?)\b",
    re.IGNORECASE,
)
_COUNTED = re.compile(
    r"^(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|several|some|many|multiple|"
    r"\d+)\s+(?:[\w.'’-]+\s+){0,2}?(?:officials?|executives?|employees?|analysts?|bankers?|"
    r"investors?|engineers?|staff|managers?|diplomats?|lawyers?)\b",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"\b(?:filings?|documents?|notices?|records?|data|surveys?|checks|letters?|memos?|"
    r"statements?|estimates?|calculations?|analysis|registry|database)\b",
    re.IGNORECASE,
)
_REFERENCES = {
    "org": re.compile(
        r"^(?:the|its|their)\s+(?:[\w-]+\s+)?(?:company|firm|startup|start-up|chipmaker|group|"
        r"maker|developer|provider|business|lab|manufacturer|carrier|bank|brokerage|retailer|"
        r"giant|conglomerate|supplier|operator|insurer|automaker|designer|investor|unit|"
        r"subsidiary|platform|partner|customer|rival)$",
        re.IGNORECASE,
    ),
    "media": re.compile(
        r"^the\s+(?:[\w-]+\s+)?(?:newspaper|paper|magazine|outlet|publication|report|"
        r"broadcaster|website|site|daily|weekly|journal|news\s+agency|wire\s+service)$",
        re.IGNORECASE,
    ),
    "gov": re.compile(
        r"^the\s+(?:[\w-]+\s+)?(?:ministry|regulator|department|government|agency|commission|"
        r"administration|bureau|watchdog|authority|authorities|office|cabinet)$",
        re.IGNORECASE,
    ),
    "person": re.compile(
        r"^(?:he|she|the\s+(?:chief\s+executive|executive|founder|chairman|chairwoman|chair|"
        r"president|analyst|minister|official|spokes(?:person|man|woman)|CEO))$",
        re.IGNORECASE,
    ),
}
_ITS_ROLE = re.compile(
    r"^(?:its|the\s+company's|the\s+company’s)\s+(?:[\w-]+\s+){0,2}(?P<role>chief\s+executive|"
    r"CEO|founder|chairman|chairwoman|chair|president|spokes(?:person|man|woman)|"
    r"chief\s+\w+\s+officer|head|director|executive)",
    re.IGNORECASE,
)
ROLES = (
    ("spokesperson", re.compile(r"\bspokes(?:person|man|woman)\b", re.IGNORECASE)),
    ("CEO", re.compile(r"\b(?:CEO|chief executive(?: officer)?)\b", re.IGNORECASE)),
    ("founder", re.compile(r"\bfounder\b", re.IGNORECASE)),
    ("chairman", re.compile(r"\bchair(?:man|woman|person)?\b", re.IGNORECASE)),
    ("analyst", re.compile(r"\banalyst\b", re.IGNORECASE)),
    ("minister", re.compile(r"\bminister\b", re.IGNORECASE)),
)
_PRONOUNS = frozenset({"they", "this", "that", "these", "those", "you", "i", "one", "who"})
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_KIND_OF_TYPE = {
    "company": "org",
    "organization": "org",
    "other": "org",
    "person": "person",
    "media": "media",
    "government": "gov",
}


@dataclass(frozen=True)
class Speaker:
    """Who says something: an entity id, or free text, with what the text gives as basis and role."""

    by: str
    entity: str | None
    basis: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Attribution:
    """A statement in a sentence and who makes it."""

    speaker: Speaker
    verb: str
    content: str
    status: str
    start: int  # the attribution words, as a span of the sentence
    end: int


@dataclass(frozen=True)
class _Thing:
    pos: int
    kind: str
    by: str
    entity: str | None
    first: bool  # the first of its kind in its sentence


class Discourse:
    """What the article has said so far: who was named, so that references can be resolved.

    ``source`` is the publication; ``via`` grows as the article relays other outlets.
    """

    def __init__(self, registry: Registry, source: str, candidates: list[Candidate]) -> None:
        self.registry = registry
        self.source = source
        self.via: list[str] = []
        self.candidates = candidates
        self._things: list[_Thing] = []
        self._anonymous: tuple[str, str] | None = None  # (basis, outlet)
        self._persons: dict[str, str] = {}
        for c in candidates:
            if c.type == "person" or (
                c.type == "other" and 2 <= len(c.name.split()) <= 3 and c.name.istitle()
            ):
                self._add_person_names(c.name, c.name)
        for e in registry.entities.values():
            if e.type == "person":
                self._add_person_names(e.name, e.id)
        self._candidate_re = (
            re.compile(
                r"\b(?:"
                + "|".join(
                    re.escape(c.name) for c in sorted(candidates, key=lambda c: -len(c.name))
                )
                + r")(?![\w])"
            )
            if candidates
            else None
        )
        self._candidate_type = {c.name: c.type for c in candidates}

    def _add_person_names(self, name: str, by: str) -> None:
        parts = name.split()
        if len(parts) < 2:
            return
        # "Chen Yiming" is "Chen" and "Jensen Huang" is "Huang": either end names the person.
        for part in (parts[0], parts[-1]):
            self._persons.setdefault(part, by)

    # --- the running context ------------------------------------------------------------

    def things_in(
        self, text: str, mentions: list[Mention]
    ) -> list[tuple[int, str, str, str | None]]:
        """``(offset, kind, by, entity)`` of every name in a sentence, in order."""
        found: list[tuple[int, str, str, str | None]] = []
        for m in mentions:
            kind = _KIND_OF_TYPE.get(self.registry.type_of(m.id) or "", "")
            if kind:
                found.append((m.start, kind, m.id, m.id))
        if self._candidate_re is not None:
            covered = [(m.start, m.end) for m in mentions]
            for c in self._candidate_re.finditer(text):
                if any(a < c.end() and c.start() < b for a, b in covered):
                    continue
                kind = _KIND_OF_TYPE.get(self._candidate_type.get(c.group(), ""), "")
                if kind:
                    found.append((c.start(), kind, c.group(), None))
        found.sort(key=lambda f: f[0])
        return found

    def add_sentence(self, index: int, text: str, mentions: list[Mention]) -> None:
        """Remember the names of a sentence, so that later references can find them."""
        seen: set[str] = set()
        for offset, kind, by, entity in self.things_in(text, mentions):
            self._things.append(
                _Thing(index * 100_000 + offset, kind, by, entity, kind not in seen)
            )
            seen.add(kind)

    def _latest(self, kind: str, before: int, *, first: bool = False) -> _Thing | None:
        """The latest name of a kind before ``before``; with ``first``, the first one of the
        latest sentence that has one (the subject of discourse, not a name in passing)."""
        matches = [t for t in self._things if t.kind == kind and t.pos < before]
        if kind == "media":
            others = [t for t in matches if t.by != self.source]
            matches = others or matches
        if not matches:
            return None
        if not first:
            return matches[-1]
        sentence = matches[-1].pos // 100_000
        return next(t for t in matches if t.pos // 100_000 == sentence)

    def relay(self, outlet: str) -> None:
        """The article relays ``outlet``'s reporting: it belongs in ``via``."""
        if outlet != self.source and self.registry.is_media(outlet) and outlet not in self.via:
            self.via.append(outlet)

    # --- resolving a subject -------------------------------------------------------------

    def speaker(
        self,
        subject: str,
        *,
        sentence: int,
        offset: int,
        text: str,
        mentions: list[Mention],
        outlet: str | None = None,
    ) -> Speaker | None:
        """Who ``subject`` (found at ``offset`` of sentence number ``sentence``) is, if anyone.

        ``outlet`` is the outlet the sentence relays, if any: anonymous sources are its.
        """
        raw = one_line(subject).strip(" ,")
        raw = re.sub(r"^(?:also|then|separately)\s+", "", raw, flags=re.IGNORECASE)
        raw = re.sub(r"\s+(?:also|previously|earlier|separately|later|then)$", "", raw)
        if not raw or len(raw.split()) > 14 or raw[0] in '"“':
            return None
        here = sentence * 100_000 + offset
        role = next((name for name, pattern in ROLES if pattern.search(raw)), None)
        # "Victor Hale, Tessaro's rotating chairman": the name before the apposition.
        head = raw
        if "," in raw:
            head = raw.split(",", 1)[0].strip()
        start = offset + text[offset:].find(head) if head in text[offset:] else offset
        inside = [m for m in mentions if start <= m.start and m.end <= start + len(head)]
        lower = head.lower()
        publisher = outlet or self.source

        if lower in ("we", "our", "us"):
            return Speaker(self.source, self.source, role=role)
        its = _ITS_ROLE.match(head)
        if its is not None:
            earlier = self._earlier_in_sentence("org", text, mentions, offset)
            if earlier is not None:
                return Speaker(earlier[0], earlier[1], role=role)
            org = self._latest("org", here, first=True)
            return Speaker(org.by, org.entity, role=role) if org else None
        for kind, pattern in _REFERENCES.items():
            if pattern.match(head):
                earlier = self._earlier_in_sentence(kind, text, mentions, offset)
                if earlier is not None:
                    return Speaker(earlier[0], earlier[1], role=role)
                if kind == "person":
                    found = self._latest("person", here)
                else:
                    found = self._latest(kind, here, first=kind == "org")
                if found is None:
                    return None
                return Speaker(found.by, found.entity, role=role)
        if lower in ("it",):
            earlier = self._earlier_in_sentence("org", text, mentions, offset)
            if earlier is not None:
                return Speaker(earlier[0], earlier[1])
            org = self._latest("org", here, first=True)
            return Speaker(org.by, org.entity) if org else None
        if lower in _PRONOUNS:
            return None
        if re.fullmatch(
            r"the\s+(?:people|person|sources?|insiders?|officials?|executives?|employees?)", lower
        ):
            if self._anonymous is not None:
                basis, owner = self._anonymous
                return Speaker(owner, owner if owner in self.registry.entities else None, basis)
            return Speaker(publisher, publisher, head)
        # "Two people familiar with Lumisyn's plans": unnamed, whatever they are familiar with.
        if re.match(r"(?i)^(?:[\w-]+\s+){0,2}(?:people|persons?|sources?|insiders?)\b", head):
            self._anonymous = (head, publisher)
            return Speaker(publisher, publisher, head)
        # Registry names: the person in "Nvidia CEO Jensen Huang", the company in "an Nvidia
        # spokesperson", the firm in "analysts at Bernstein", the body in "a statement by X".
        if inside:
            people = [m.id for m in inside if self.registry.type_of(m.id) == "person"]
            if people:
                return Speaker(people[-1], people[-1], role=role)
            person = self._person_in(head)
            if person is not None:
                return Speaker(
                    person, person if person in self.registry.entities else None, role=role
                )
            # "Alibaba and Baidu did not respond": the first of them speaks for the draft.
            entity = inside[0].id if re.search(r"\band\b|&", head) else inside[-1].id
            return Speaker(entity, entity, role=role)
        person = self._person_in(head)
        if person is not None:
            return Speaker(person, person if person in self.registry.entities else None, role=role)
        named = self._candidate_in(head)
        if named is not None and not _COUNTED.match(head):
            group = re.match(
                r"(?i)^(?:the\s+)?(?:analysts?|economists?|strategists?)\s+(?:at|of|from)\s+", head
            )
            return Speaker(_free(head) if group else named, None, role=role)
        if _COUNTED.match(head) or (_ANONYMOUS.search(head) and not re.search(r"[A-Z]", head[1:])):
            self._anonymous = (head, publisher)
            return Speaker(publisher, publisher, head)
        if _DOCUMENT.search(head):
            return Speaker(publisher, publisher, head)
        stripped = _ARTICLE.sub("", _strip_dates(head)).strip()
        if not stripped or len(stripped.split()) > 6:
            return None
        # A named group ("U.S. officials", "Industry analysts", "Taiwan's economy ministry").
        return Speaker(_free(stripped), None, role=role)

    def _earlier_in_sentence(
        self, kind: str, text: str, mentions: list[Mention], offset: int
    ) -> tuple[str, str | None] | None:
        """ "X has raised ..., the company said": the first name of the kind before ``offset``."""
        for at, found_kind, by, entity in self.things_in(text, mentions):
            if at < offset and found_kind == kind and not (kind == "media" and by == self.source):
                return by, entity
        return None

    def _person_in(self, text: str) -> str | None:
        """A person named in ``text``: a candidate's full name, or a name used before in part."""
        for c in self.candidates:
            if c.type == "person" and re.search(rf"\b{re.escape(c.name)}\b", text):
                return c.name
        words = re.findall(r"[A-Z][\w’'-]+", text)
        if len(words) == 1 and len(text.split()) <= 3 and words[0] in self._persons:
            return self._persons[words[0]]
        if words and text.split()[-1] in self._persons and len(text.split()) == 1:
            return self._persons[text.split()[-1]]
        return None

    def _candidate_in(self, text: str) -> str | None:
        """A new-entity candidate (not a person) named in ``text``, whole or by one of its words."""
        for c in self.candidates:
            if c.type != "person" and re.search(rf"\b{re.escape(c.name)}\b", text):
                return c.name
        for word in re.findall(r"[A-Z][\w’'-]+", text):
            for c in self.candidates:
                if c.type != "person" and word in c.name.split() and len(c.name.split()) > 1:
                    return c.name
        return None

    def remember_anonymous(self, basis: str, outlet: str) -> None:
        self._anonymous = (basis, outlet)


def _free(text: str) -> str:
    """Free text for ``by``: never id-shaped, so never mistaken for an unknown entity id."""
    text = one_line(text).strip(" ,.")
    return text[:1].upper() + text[1:]


#: Resolving phrases against a far-off day keeps every one of them (none is in the future).
_FAR_FUTURE = datetime.date(2999, 12, 31)


def _strip_dates(text: str) -> str:
    out = text
    for phrase in reversed(relative_dates(text, _FAR_FUTURE)):
        out = out[: phrase.start] + out[phrase.end :]
    return one_line(out)


# --- finding the attribution of a sentence --------------------------------------------------

_TAIL = r"(?P<tail>(?:\s+(?!that\b)[^,\"“”]{0,70}?)?)"
_TRAILING = re.compile(
    r",\s*(?P<who>[^,\"“”]{1,80}?)\s+(?P<verb>said|says|reported|reports|told|tells|wrote|"
    r"writes|added|adds|noted|stated|confirmed|announced|warned|estimated)\b"
    + _TAIL
    + r"(?:,\s*(?P<how>citing|according\s+to)\s+(?P<basis>[^\"“”]+?))?\s*$"
)
_MIDDLE = re.compile(
    r",\s*(?P<who>[^,\"“”]{1,50}?)\s+(?P<verb>said|says|reported|reports|added|noted|wrote)"
    r"(?:\s+(?:on|in|at|last|earlier|this)\b[^,\"“”]{0,30})?\s*,\s+(?=\S)"
)
_CLAUSE_VERB = re.compile(
    r"\b(?:would|will|had|has|have|was|were|is|are|could|can|may|might|should|did|does)\b"
)
_TRAILING_INVERTED = re.compile(
    r",\s*(?P<verb>said|says|added|adds|wrote|noted)\s+(?P<who>[^\"“”]{2,120}?)\s*$"
)
_ACCORDING_END = re.compile(
    r",\s*according\s+to\s+(?P<who>[^\"“”]+?)(?:,\s*(?:citing|which\s+cited)\s+(?P<basis>[^\"“”]+?))?\s*$",
    re.IGNORECASE,
)
_ACCORDING_START = re.compile(
    r"^according\s+to\s+(?P<who>[^,]{2,120}),\s*(?P<rest>.+)$", re.IGNORECASE
)
_SUBORDINATE = re.compile(
    r"\b(?:after|before|when|while|as|since|because|although|though|that|which|who|whose|"
    r"where|if|unless|until)\b",
    re.IGNORECASE,
)
#: "Orion-9, a model that the startup said was trained on ...": said of the thing named first.
_EMBEDDED = re.compile(
    r"(?P<thing>[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*){0,3}),\s+(?:an?|the)\s+[^,\"“”]{0,80}?\s+"
    r"(?:that|which)\s+(?P<who>[^,\"“”]{2,60}?)\s+(?:said|says|claimed|claims)\s+"
    r"(?P<rest>(?:was|were|is|are|had|has|have|would|will|could|can)\b.+)$"
)
_CITING_END = re.compile(r",\s*citing\s+(?P<basis>[^\"“”]+?)\s*$")
_THAT = re.compile(r"^(?P<pre>(?:[^,\"“”]{0,90}?\s)?)that\s+(?P<rest>.+)$")
_BETWEEN = re.compile(
    r"^(?:(?:on|in|at|by|during|earlier|last|this|late|early)\b[^,\"“”]{0,40}?\s+|also\s+|"
    r"previously\s+|separately\s+)?$",
    re.IGNORECASE,
)


_ADVERBIAL = re.compile(
    r"^(?:on|in|at|during|earlier|late|early|last|this|yesterday|today|to|via|through|when|"
    r"after|before|from|over|by|with|while|recently|separately|also|previously|later)\b",
    re.IGNORECASE,
)


def _adverbial(verb: str, tail: str) -> bool:
    """Whether what follows a trailing "X said" is a circumstance ("on Tuesday", "in a
    statement"), not what was said; "told" is followed by whom it was told to."""
    tail = tail.strip()
    return not tail or verb in ("told", "tells") or _ADVERBIAL.match(tail) is not None


def _status(verb: str, sentence: str, content: str) -> str:
    status = STATUS_OF_VERB.get(verb)
    if status:
        return status
    if _DENIAL.search(sentence):
        return "denied"
    if _DISPUTE.search(sentence):
        return "disputed"
    return "reported"


def strip_lead(text: str) -> int:
    """Where a sentence's statement starts, past a lead such as "Last week," or "Meanwhile,"."""
    pos = 0
    for _ in range(2):
        rest = text[pos:]
        connective = CONNECTIVE.match(rest)
        if connective is not None:
            pos += connective.end()
            continue
        lead = _LEAD_PHRASE.match(rest)
        if lead is None:
            break
        phrase = lead["lead"]
        dates = relative_dates(phrase, _FAR_FUTURE)
        dated = dates and sum(d.end - d.start for d in dates) >= len(phrase.strip()) - 4
        prepositional = re.match(r"(?:In|On|At|During|After|Before|Since|For)\b", phrase)
        if (dated or prepositional) and len(phrase.split()) <= 7:
            pos += lead.end()
            continue
        break
    return pos


def attribution(
    discourse: Discourse, index: int, text: str, mentions: list[Mention]
) -> Attribution | None:
    """The attribution of sentence number ``index``, if it has one."""
    body = re.sub(r"[.!?]+[\"”’]?\s*$", lambda m: m.group().replace(".", "").strip(), text.rstrip())
    body = body.rstrip()

    def resolve(who: str, at: int, outlet: str | None = None) -> Speaker | None:
        return discourse.speaker(
            who, sentence=index, offset=at, text=text, mentions=mentions, outlet=outlet
        )

    # "..., X reported on Tuesday, citing two people familiar with the matter."
    trailing = _TRAILING.search(body)
    if trailing is not None and _SUBORDINATE.search(trailing["who"]):
        trailing = None  # ", a week after X first reported the milestone": not the speaker
    if trailing is not None and not _adverbial(trailing["verb"], trailing["tail"]):
        trailing = None  # "Last week, Lumisyn said it had raised ...": the lead, not a statement
    if trailing is not None and len(trailing["tail"].split()) <= 8:
        speaker = resolve(trailing["who"], trailing.start("who"))
        if speaker is not None and trailing["verb"] in ("told", "tells"):
            speaker = _told(discourse, speaker, trailing["tail"])
        if speaker is not None:
            basis = trailing["basis"]
            if basis and speaker.entity is not None and speaker.basis is None:
                if trailing["how"] == "citing":
                    discourse.remember_anonymous(basis, speaker.by)
                speaker = Speaker(speaker.by, speaker.entity, basis, speaker.role)
            if speaker.entity and discourse.registry.is_media(speaker.entity):
                discourse.relay(speaker.entity)
            content = body[: trailing.start()]
            verb = trailing["verb"]
            return Attribution(
                speaker, verb, content, _status(verb, text, content), trailing.start(), len(body)
            )
    # "Neither has abandoned Nvidia, the report said, with both ...": said mid-sentence.
    for middle in _MIDDLE.finditer(body):
        if _SUBORDINATE.search(middle["who"]) or middle.start() == 0:
            continue
        speaker = resolve(middle["who"], middle.start("who"))
        if speaker is None:
            continue
        if speaker.entity and discourse.registry.is_media(speaker.entity):
            discourse.relay(speaker.entity)
        content = body[: middle.start()] + ", " + body[middle.end() :]
        verb = middle["verb"]
        return Attribution(
            speaker, verb, content, _status(verb, text, content), middle.start(), middle.end()
        )
    inverted = _TRAILING_INVERTED.search(body)
    if inverted is not None and _CLAUSE_VERB.search(inverted["who"]):
        inverted = None  # ", said the company would hire ...": a statement, not a speaker
    if inverted is not None:
        speaker = resolve(inverted["who"], inverted.start("who"))
        if speaker is not None:
            content = body[: inverted.start()]
            return Attribution(
                speaker, inverted["verb"], content, _status("", text, content),
                inverted.start(), len(body),
            )  # fmt: skip
    according = _ACCORDING_END.search(body)
    if according is not None:
        speaker = resolve(according["who"], according.start("who"))
        if speaker is not None:
            if according["basis"] and speaker.basis is None:
                speaker = Speaker(speaker.by, speaker.entity, according["basis"], speaker.role)
            if speaker.entity and discourse.registry.is_media(speaker.entity):
                discourse.relay(speaker.entity)
            content = body[: according.start()]
            return Attribution(
                speaker, "according to", content, _status("", text, content),
                according.start(), len(body),
            )  # fmt: skip
    lead = strip_lead(body)
    start_match = _ACCORDING_START.match(body[lead:])
    if start_match is not None:
        speaker = resolve(start_match["who"], lead + start_match.start("who"))
        if speaker is not None:
            if speaker.entity and discourse.registry.is_media(speaker.entity):
                discourse.relay(speaker.entity)
            content = start_match["rest"]
            return Attribution(
                speaker, "according to", content, _status("", text, content),
                lead, lead + start_match.start("rest"),
            )  # fmt: skip
    front = _front(discourse, resolve, text, body, lead)
    if front is not None:
        return front
    embedded = _EMBEDDED.search(body)
    if embedded is not None:
        speaker = resolve(embedded["who"], embedded.start("who"))
        if speaker is not None:
            content = f"{embedded['thing']} {embedded['rest']}"
            return Attribution(
                speaker, "said", content, _status("", text, content),
                embedded.start("who"), embedded.start("rest"),
            )  # fmt: skip
    return None


#: Words that name a news outlet ("The Associated Press", "the Financial Times").
_OUTLET = re.compile(r"\b(?:Press|News|Times|Journal|Post|Wire|Herald|Daily|Reuters|Bloomberg)\b")


def _told(discourse: Discourse, speaker: Speaker, told: str) -> Speaker:
    """ "..., two U.S. officials told The Associated Press": anonymous sources are the basis
    of a claim by the outlet they told (docs/authoring.md), not of the outlet relaying it."""
    if speaker.basis is None or not discourse.registry.is_media(speaker.entity):
        return speaker  # a named speaker, or not anonymous: whom it was told to is no matter
    who = re.sub(r"^(?:to\s+)?", "", told.strip())
    outlet = discourse.registry.exactly(who)
    if outlet is None:
        found = [i for i in discourse.registry.ids_in(who) if discourse.registry.is_media(i)]
        outlet = found[0] if found else None
    if outlet is not None and discourse.registry.is_media(outlet):
        discourse.remember_anonymous(speaker.basis, outlet)
        discourse.relay(outlet)
        return Speaker(outlet, outlet, speaker.basis, speaker.role)
    if who[:1].isupper() and _OUTLET.search(who) and len(who.split()) <= 5:
        name = _free(re.sub(r"^the\s+", "", who))
        discourse.remember_anonymous(speaker.basis, name)
        return Speaker(name, None, speaker.basis, speaker.role)
    return speaker


def _front(
    discourse: Discourse,
    resolve: Callable[[str, int], Speaker | None],
    text: str,
    body: str,
    lead: int,
) -> Attribution | None:
    """ "X said (on Monday) (that) ...", "X told reporters that ...", "X denied a report that ..."."""
    quotes = [m.span() for m in re.finditer(r"\"[^\"]*\"|“[^”]*”", body)]
    for m in _SAY_RE.finditer(body, lead):
        if any(a < m.start() < b for a, b in quotes):
            continue
        before = body[lead : m.start()]
        # The subject, then at most a short phrase ("on Monday", "earlier this month").
        subject, between = _split_subject(before)
        if "," in subject and not before.rstrip().endswith(","):
            # "Neither has abandoned Nvidia, the report said": not "X, role, said"
            continue
        if not subject or not _BETWEEN.match(between):
            continue
        if re.search(r"[;:]", subject) or len(subject.split()) > 14:
            return None
        # "Tessaro Systems, which sells servers, said ...": the aside is not the subject.
        subject = re.sub(r",\s+(?:which|who|whose)\b[^,]*,?$", "", subject).strip()
        if _SUBORDINATE.search(subject):
            continue
        speaker = resolve(subject, lead + before.find(subject))
        if speaker is None:
            return None
        verb = m["verb"]
        after = body[m.end() :]
        content = _content_after(verb, after)
        if content is None:
            return None
        if speaker.entity and discourse.registry.is_media(speaker.entity):
            discourse.relay(speaker.entity)
        citing = _CITING_END.search(content)
        if citing is not None:
            content = content[: citing.start()]
            if speaker.basis is None:
                speaker = Speaker(speaker.by, speaker.entity, citing["basis"], speaker.role)
        return Attribution(speaker, verb, content, _status(verb, text, content), lead, m.end())
    return None


def _split_subject(before: str) -> tuple[str, str]:
    """``(subject, phrase between it and the verb)``: "Corvane on Tuesday" → ("Corvane", "on Tuesday ")."""
    stripped = before.rstrip()
    m = re.search(
        r"\s+(?P<between>(?:on|in|at|during|earlier|last|this|late|early)\b[^,\"“”]{0,40}|also|"
        r"previously|separately)$",
        stripped,
        re.IGNORECASE,
    )
    if m is not None and m.start() > 0:
        return stripped[: m.start()].strip(), m["between"] + " "
    return stripped.strip(), ""


def _content_after(verb: str, after: str) -> str | None:
    """What was said, from the words after the verb."""
    rest = after.strip()
    if verb in ("told", "tells", "added", "adds", "announced", "noted", "expects", "expect"):
        # "added three providers to its blacklist", "announced the Atlas X1": an act, not words
        if verb in ("expects", "expect"):
            return None
        that = _THAT.match(rest)
        return that["rest"] if that else None
    if verb in ("denied", "denies", "rejected", "rejects", "disputed", "disputes"):
        report = re.match(
            r"^(?:[^,\"“”]{0,40}?\s)?(?:reports?|claims?|suggestions?|allegations?|speculation)"
            r"\s+that\s+(?P<rest>.+)$",
            rest,
        )
        if report is not None:
            rest = report["rest"]
        return re.split(r",\s*(?:calling|saying|describing)\b", rest)[0] or None
    that = _THAT.match(rest)
    if that is not None and len(that["pre"].split()) <= 12:
        return that["rest"]
    # "said on its February earnings call" with nothing said: no claim.
    rest = re.sub(
        r"^(?:on|in|at)\s+(?:[\w’'-]+\s+){0,3}?(?:\w+day|statement|interview)\b\s*", "", rest
    )
    if not rest or re.match(r"^(?:in|on|at|to|for|with|by)\b", rest):
        return None
    return rest
