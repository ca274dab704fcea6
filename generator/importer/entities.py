"""Entities: the registry's names and aliases found in the text, and candidates for new ones.

Registry entities are found by name and alias (never guessed); names the registry does
not know are proposed as comments with a guessed type, so that the analyst can add them
with one ``briefing new entity`` command. The article's main subject is always proposed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..markup import MentionFinder
from ..paths import suggest_slug
from .text import fold, unique, words


@dataclass(frozen=True)
class Entity:
    """A registry entity as the importer needs it."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A registry name or alias at ``start:end`` of a text."""

    start: int
    end: int
    id: str


def _host(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.").casefold()


class Registry:
    """The project's entities, searchable by name, alias and the domains of their links."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = {e.id: e for e in entities}
        names = [(e.name, e.id) for e in self.entities.values()]
        names += [(a, e.id) for e in self.entities.values() for a in e.aliases]
        # The same names reordered ("China's Cyberspace Administration" for "Cyberspace
        # Administration of China"), unless another entity already has that name.
        taken = {fold(name) for name, _ in names}
        self.reordered: list[tuple[str, str]] = []
        for name, eid in list(names):
            for variant in reorderings(name):
                if fold(variant) not in taken:
                    taken.add(fold(variant))
                    self.reordered.append((variant, eid))
        self.finder = MentionFinder(names + self.reordered)
        # Media first, so that a dateline's "(Reuters)" means the agency, not a namesake.
        ordered = sorted(self.entities.values(), key=lambda e: (e.type != "media", e.id))
        self._by_name: dict[str, str] = {}
        self._by_host: dict[str, str] = {}
        for e in ordered:
            for surface in (e.name, *e.aliases):
                self._by_name.setdefault(fold(surface), e.id)
            for link in e.links:
                host = _host(link)
                if host:
                    self._by_host.setdefault(host, e.id)
        for surface, eid in self.reordered:
            self._by_name.setdefault(fold(surface), eid)

    def mentions(self, text: str) -> list[Mention]:
        return [Mention(s, e, i) for s, e, i in self.finder.find(text)]

    def ids_in(self, text: str) -> list[str]:
        return unique(m.id for m in self.mentions(text))

    def type_of(self, entity_id: str | None) -> str | None:
        entity = self.entities.get(entity_id or "")
        return entity.type if entity else None

    def is_media(self, entity_id: str | None) -> bool:
        return self.type_of(entity_id) == "media"

    def exactly(self, text: str) -> str | None:
        """The entity whose name or alias is ``text`` (case-insensitive; media first)."""
        return self._by_name.get(fold(text))

    def named(self, text: str) -> str | None:
        """The entity whose name or alias is exactly ``text`` (media first), or one named in it."""
        exact = self.exactly(text)
        if exact is not None:
            return exact
        found = self.ids_in(text)
        media = [i for i in found if self.is_media(i)]
        return next(iter(media or found), None)

    def by_url(self, url: str) -> str | None:
        """The entity one of whose ``links`` is on the same site as ``url`` (or a parent domain)."""
        host = _host(url) if "//" in url else url.removeprefix("www.").casefold()
        while host:
            if host in self._by_host:
                return self._by_host[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
            if "." not in host:  # never a bare top-level domain
                return None
        return None


#: "<head> of <owner>", the owner a name of at most four words with a capital letter.
_OF = re.compile(
    r"^(?P<head>.+?)\s+of\s+(?:the\s+)?(?P<owner>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})$"
)
#: "<owner>'s <head>" (straight or curly apostrophe).
_POSSESSIVE = re.compile(r"^(?P<owner>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})['’]s\s+(?P<head>.+)$")


def reorderings(name: str) -> list[str]:
    """Other ways a report writes a registry name: "Cyberspace Administration of China" is
    also "China's Cyberspace Administration" and "China Cyberspace Administration"; "Taiwan's
    Economy Ministry" is also "Economy Ministry of Taiwan".  Only names whose head is a
    name of its own (capitalised, and of two words at least when the owner follows it)."""
    found = []
    of = _OF.match(name)
    # A head of two words at least: "Bank of America" is no "America's Bank".
    if of is not None and of["head"][:1].isupper() and len(of["head"].split()) > 1:
        head, owner = of["head"], of["owner"]
        found += [f"{owner}'s {head}", f"{owner}’s {head}", f"{owner} {head}"]
    possessive = _POSSESSIVE.match(name)
    if possessive is not None and possessive["head"][:1].isupper():
        head, owner = possessive["head"], possessive["owner"]
        found += [f"{head} of {owner}", f"{owner} {head}", f"{owner}’s {head}", f"{owner}'s {head}"]
    return [v for v in found if v != name]


# --- names not in the registry -------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A name the registry misses, with a guessed type and how often the article uses it."""

    name: str
    type: str
    count: int
    subject: bool = False  # the article's main subject

    @property
    def command(self) -> str:
        slug = suggest_slug(re.sub(r"['’.]", "", self.name)) or "ID"
        return f"briefing new entity {slug} --type {self.type}"


_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[\w][\w&'’.-]*[\w]|\w")
_CONNECTORS = frozenset({"of", "de", "van", "von", "bin", "al", "&", "der", "la", "and"})
COMMON_ACRONYMS = words(
    "AI CEO CFO CTO COO US U.S. UK U.K. EU E.U. UN U.N. GPU GPUS CPU CPUS IPO AM PM GMT EST "
    "UTC USD TV IT PC OK I II III R&D AI's HQ Q1 Q2 Q3 Q4 ID FY LLM LLMS API APIS EV EVS "
    "NEW YORK"
)
TITLES = words(
    "CEO President Chairman Chairwoman Minister Secretary Chief Executive Senator Sen. Mr Mr. "
    "Ms Ms. Mrs Mrs. Dr Dr. Premier Vice Director Founder Governor Gov. Representative Rep. "
    "Professor Prof. Spokesperson Spokesman Spokeswoman Analyst Officer Head Rotating"
)
_MONTH_NAMES = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_CALENDAR = words(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday " + _MONTH_NAMES
) | frozenset(w + "." for w in _MONTH_NAMES.split())
#: Capitalised words that are not names of entities an analyst tracks.
_NOT_NAMES = words(
    "The A An This That These Those It Its He She They We Our I You His Her Their "
    "Chinese American European Japanese Korean Taiwanese Indian British German French "
    "Russian Asian Western Eastern Northern Southern Internet Advertisement Neutral Buy Sell "
    "Hold Overweight Underweight Outperform Underperform About For More Related Read Also "
    "Reporting Writing Editing Additional Shares Analysts Industry Sources Officials"
)
#: Countries, regions and cities an article names in passing; the registry can still list them.
PLACES = words(
    "China Beijing Shanghai Shenzhen Guangzhou Hangzhou Hong Kong Macau Taiwan Taipei Hsinchu "
    "Japan Tokyo Korea Seoul India Singapore Malaysia Vietnam Indonesia Thailand Philippines "
    "Europe Germany France Britain England London Paris Berlin Netherlands Brussels "
    "America United States Washington California Texas Arizona Oregon New York Silicon Valley "
    "San Francisco Jose Santa Clara Seattle Boston Chicago Louis Canada Mexico Brazil "
    "Russia Moscow Ukraine Israel Dubai Saudi Arabia Asia Africa Australia Southeast East West "
    "North South Middle Pacific Atlantic Mainland Kingdom Republic Calif"
)
_COMPANY = re.compile(
    r"\b(?:Inc|Corp|Corporation|Ltd|Co|LLC|PLC|Group|Holdings|Technologies|Technology|Tech|"
    r"Systems|Labs|Semiconductor|Semiconductors|Microelectronics|Electronics|Securities|Capital|"
    r"Partners|Research|Bank|Ventures|Motors|Networks|Software|Robotics|Cloud|Industries|"
    r"Pharmaceuticals|Energy|Telecom|Airlines|Investments|Management)\b\.?$"
)
_ORGANIZATION = re.compile(
    r"\b(?:Institute|University|Association|Council|Foundation|Academy|Alliance|Federation|"
    r"Society|Forum|Exchange|Consortium)\b"
)
_GOVERNMENT = re.compile(
    r"\b(?:Ministry|Department|Commission|Bureau|Administration|Agency|Government|Parliament|"
    r"Congress|Senate|Cabinet|Council|Office|Authority|Regulator)\b"
)
_MEDIA = re.compile(r"\b(?:Times|Post|Journal|News|Daily|Weekly|Herald|Tribune|Gazette|Review)$")
_PRODUCT = re.compile(r"\d|^[A-Z]{1,4}-\w+$")
_PERSON_BEFORE = re.compile(
    r"(?:\b(?:chief executive|executive|officer|CEO|CFO|CTO|founder|chairman|chairwoman|chair|"
    r"president|director|head|spokesperson|spokesman|spokeswoman|analyst|minister|secretary|"
    r"senator|professor|economist|engineer|partner|Mr\.?|Ms\.?|Mrs\.?|Dr\.?))\s+$",
    re.IGNORECASE,
)
_PERSON_AFTER = re.compile(
    r"^(?:'s|’s)?\s*(?:,\s*(?:the\s+|an?\s+|its\s+|\w+'s\s+|\w+’s\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:chief|executive|founder|chairman|chairwoman|president|director|head|spokesperson|"
    r"analyst|minister|secretary|CEO|partner|economist|professor)|\s+(?:said|says|told|added|"
    r"wrote)\b)",
    re.IGNORECASE,
)
_MEDIA_BEFORE = re.compile(r"\b(?:broadcaster|newspaper|agency|magazine|outlet|tabloid)\s+$")
_COMPANY_BEFORE = re.compile(
    r"\b(?:startup|start-up|company|firm|chipmaker|rival|group|maker|developer|provider|"
    r"investor|lender|bank|brokerage|lab|operator|giant)\s+$",
    re.IGNORECASE,
)
_PRODUCT_AFTER = re.compile(
    r"^\s+(?:model|models|chip|chips|accelerator|accelerators|processor|server|servers|phone|"
    r"app|platform|system|software)\b",
    re.IGNORECASE,
)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    tokens = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if word.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.){2,}", word):
            keep = word.rstrip(".")
            # "Corp." and "Inc." keep their full stop: it is part of the name.
            word = word if keep in ("Inc", "Corp", "Co", "Ltd", "St") else keep
        tokens.append((m.start(), m.start() + len(word), word))
    return tokens


def is_acronym(word: str) -> bool:
    base = re.sub(r"(?:'s|’s)$", "", word)
    return bool(
        re.fullmatch(r"(?:[A-Z]\.){2,}", base)
        or (re.fullmatch(r"[A-Z0-9&-]{2,}", base) and sum(c.isupper() for c in base) >= 2)
        or re.fullmatch(r"[A-Z][A-Za-z]*\d[\w-]*", base)
    )


def _camel(word: str) -> bool:
    """ByteDance, DeepSeek, OpenAI: a capital inside the word marks a brand name."""
    return bool(re.fullmatch(r"[A-Z][a-z]+[A-Z][A-Za-z]*", word))


def _guess_type(name: str, before: str, after: str) -> str:
    last = name.split()[-1]
    if _GOVERNMENT.search(name):
        return "government"
    if _COMPANY.search(name):
        return "company"
    if _ORGANIZATION.search(name):
        return "organization"
    if _MEDIA.search(name) or _MEDIA_BEFORE.search(before):
        return "media"
    if _PRODUCT.search(name) or _PRODUCT_AFTER.match(after):
        return "product"
    if _COMPANY_BEFORE.search(before):
        return "company"
    if (
        last not in PLACES
        and 2 <= len(name.split()) <= 3
        and all(re.fullmatch(r"[A-Z][a-z’'-]+", w) for w in name.split())
    ) and (_PERSON_BEFORE.search(before) or _PERSON_AFTER.match(after)):
        return "person"
    if is_acronym(name) or _camel(name):
        return "company"
    if len(name.split()) in (2, 3) and all(re.fullmatch(r"[A-Z][a-z]+", w) for w in name.split()):
        return "person"
    return "other"


@dataclass
class _Seen:
    name: str
    count: int
    first_at: int
    before: str
    after: str
    in_title: bool


def candidates(
    title: str, sentences: list[tuple[str, list[Mention]]], registry: Registry
) -> list[Candidate]:
    """Names the registry misses: capitalised runs (not a sentence's first word alone),
    brand names (CamelCase, with a digit) and acronyms, each with a guessed type.

    ``sentences`` are the body's sentences with their registry mentions; the title counts
    towards the main subject but proposes no name of its own.
    """
    known = {fold(n) for e in registry.entities.values() for n in (e.name, *e.aliases)}
    capitalised_inside: set[str] = set()
    for text, _ in sentences:
        for i, (_, _, word) in enumerate(_tokens(text)):
            if i and word[:1].isupper():
                capitalised_inside.add(re.sub(r"(?:'s|’s)$", "", word))
    seen: dict[str, _Seen] = {}
    order = 0
    for text, mentions in sentences:
        for start, end, name in _runs(text, mentions, capitalised_inside):
            key = fold(name)
            if key in known:
                continue
            order += 1
            if key in seen:
                seen[key].count += 1
                continue
            seen[key] = _Seen(name, 1, order, text[max(0, start - 40) : start], text[end:], False)
    # A single word that is part of a longer name ("Hale" of "Victor Hale") is that name.
    names = list(seen.values())
    for s in names:
        if len(s.name.split()) == 1:
            longer = [
                o
                for o in names
                if o is not s and s.name in o.name.split() and len(o.name.split()) > 1
            ]
            if longer:
                longer[0].count += s.count
                s.count = 0
    kept = [s for s in names if s.count and _worth_proposing(s, title)]
    title_fold = fold(title)
    for s in kept:
        s.in_title = fold(s.name) in title_fold
    # The main subject: in the title, else the name the article uses most.
    ranked = sorted(kept, key=lambda s: (not s.in_title, -s.count, s.first_at))
    subject = ranked[0] if ranked and (ranked[0].in_title or ranked[0].count >= 2) else None
    registry_subject = _registry_subject(title, sentences, registry)
    if registry_subject is not None and subject is not None and not subject.in_title:
        subject = None
    out = []
    for s in sorted(kept, key=lambda s: s.first_at):
        out.append(Candidate(s.name, _guess_type(s.name, s.before, s.after), s.count, s is subject))
    out.sort(key=lambda c: not c.subject)
    return out


def _registry_subject(
    title: str, sentences: list[tuple[str, list[Mention]]], registry: Registry
) -> str | None:
    in_title = [m.id for m in registry.mentions(title) if not registry.is_media(m.id)]
    return in_title[0] if in_title else None


def _worth_proposing(seen: _Seen, title: str) -> bool:
    parts = seen.name.split()
    if len(parts) > 1:
        return True
    word = parts[0]
    if is_acronym(word) or _camel(word) or re.search(r"\d", word):
        return True
    # A plain capitalised word: a name if the article uses it twice, or the title does.
    return seen.count >= 2 or fold(word) in fold(title).split()


def _runs(
    text: str, mentions: list[Mention], capitalised_inside: set[str]
) -> list[tuple[int, int, str]]:
    """Runs of capitalised words (with "of", "&" inside) that no registry mention covers."""
    covered = [(m.start, m.end) for m in mentions]
    runs: list[list[tuple[int, int, str]]] = [[]]
    tokens = _tokens(text)
    next_mention = 0
    for i, (start, end, word) in enumerate(tokens):
        gap = text[tokens[i - 1][1] : start] if i else ""
        first = i == 0 or text[max(0, start - 8) : start].rstrip()[-1:] in ('"', "“", "(")
        base = re.sub(r"(?:'s|’s)$", "", word)
        is_name = word[:1].isupper() and (
            not first
            or is_acronym(word)
            or _camel(base)
            or base in capitalised_inside
            or (i + 1 < len(tokens) and tokens[i + 1][2][:1].isupper())
        )
        while next_mention < len(covered) and covered[next_mention][1] <= start:
            next_mention += 1
        in_registry = next_mention < len(covered) and covered[next_mention][0] < end
        run = runs[-1]
        if run and (gap.strip() not in ("", "&") or in_registry or "(" in gap):
            runs.append([])
            run = runs[-1]
        if in_registry:
            continue
        if is_name:
            run.append((start, end, base))
            if base != word:  # a possessive ends the name
                runs.append([])
        elif word in _CONNECTORS and word != "and" and run:
            run.append((start, end, word))
        elif run:
            runs.append([])
    out: list[tuple[int, int, str]] = []
    for run in runs:
        while run and (
            run[0][2] in TITLES
            or run[0][2] in _CONNECTORS
            or (run[0][2] in COMMON_ACRONYMS and not _government_after(run))
            or run[0][2] in _NOT_NAMES
            or run[0][2] in _CALENDAR
        ):
            run = run[1:]
        while run and (
            run[-1][2] in _CONNECTORS
            or run[-1][2] in _CALENDAR
            or run[-1][2] in COMMON_ACRONYMS
            or run[-1][2] in TITLES
        ):
            run = run[:-1]
        names = [w for _, _, w in run if w not in _CONNECTORS]
        if not names or all(w in _CALENDAR or w in _NOT_NAMES for w in names):
            continue
        if all(w in PLACES or w in _NOT_NAMES for w in names):
            continue
        if len(names) == 1 and names[0] in COMMON_ACRONYMS:
            continue
        if all(w in COMMON_ACRONYMS or w in TITLES for w in names):
            continue
        name = text[run[0][0] : run[-1][1]]
        out.append((run[0][0], run[-1][1], name))
    return out


def _government_after(run: list[tuple[int, int, str]]) -> bool:
    """ "U.S. Department of Defense": the country belongs to the name of a government body."""
    return len(run) > 1 and _GOVERNMENT.search(run[1][2]) is not None
