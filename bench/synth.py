"""Deterministic synthetic briefing projects for the benchmark.

``make_project(root, n_seeds)`` writes a complete briefing project (``mkdocs.yml``,
``docs/about.md``, ``docs/stylesheets/``, ``seeds/**/*.md`` and
``seeds/entities/*.yml``) that exercises every part of the seed format (SPEC §2):
bodies of 4–8 paragraphs (~400 words) that name their entities by name and alias
(some aliases are CJK), 2–6 listed entities, 0–3 events with every form of fuzzy
date (some event ids shared across briefings), 1–4 claims, 0–2 quotes, 1–3 tags
from a pool of 60, and a mix of publish modes (every ``publish: summary`` seed has a
summary, so ``briefing build --strict`` passes but for the intended date
conflicts between reports of a shared event).  About one entity per five seeds.

Everything comes from one ``random.Random`` seeded with a fixed string, and no
set or dict is iterated in hash order, so the same arguments give byte-identical
files on every run and machine.  Entity and tag popularity is skewed (Zipf-like):
a few entities appear in a large share of the articles, as in real news.
"""

from __future__ import annotations

import datetime
import itertools
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = "briefing-bench-v1"

# Seeds are spread over these four years whatever their number: a larger project is a denser one.
FIRST_DAY = datetime.date(2022, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)

TAGS = [
    "ai-chips", "export-controls", "semiconductors", "gpus", "foundries", "hbm", "advanced-packaging",
    "data-centres", "cloud", "llms", "model-training", "inference", "subsidies", "sanctions",
    "supply-chain", "lithography", "euv", "memory", "smartphones", "automotive", "robotics", "telecom",
    "5g", "quantum", "startups", "ipo", "funding", "mergers", "antitrust", "talent", "research",
    "open-source", "regulation", "trade", "tariffs", "earnings", "guidance", "capex", "energy",
    "water", "rare-earths", "gallium", "germanium", "taiwan", "japan", "korea", "europe", "india",
    "middle-east", "us-china-relations", "china", "policy", "security", "cybersecurity", "edge-ai",
    "risc-v", "chiplets", "photonics", "benchmarks", "smuggling",
]

_ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "z",
           "br", "cr", "dr", "gl", "kr", "pr", "tr", "st", "zh", "sh", "qu", "vr"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ao", "ei", "ia", "ou", "y"]
_CODAS = ["", "", "n", "r", "x", "l", "s", "ng", "m", "k", "th"]
# Common CJK characters for company / person / place aliases.
_CJK = list("华芯智能科技数据云海星光龙天长江中国信通达芯源微电子半导体集成创新未来明德安泰鸿远"
            "博瑞晶圆算力盛兴和新盈恒宏康嘉泽浩宇航凯辰昊阳明月清风山川林森梓涵欣怡思")

_COMPANY_SUFFIXES = ["Semiconductor", "Technologies", "Microelectronics", "Cloud", "Systems", "Computing",
                     "Robotics", "Networks", "Labs", "Electronics", "Intelligence", "Devices"]
_ORG_FORMS = ["{s} Institute", "{s} Alliance", "{s} Industry Association", "{s} Consortium",
              "{s} Foundation", "{s} Standards Body", "{s} Research Centre"]
_GOV_FORMS = ["{s} Trade Commission", "{s} Regulatory Authority", "{s} Ministry of Industry",
              "Government of {s}", "{s} Export Control Bureau", "{s} Customs Administration"]
_MEDIA_FORMS = ["{s} News", "The {s} Times", "{s} Wire", "{s} Daily", "{s} Tech Review", "{s} Post"]
_PLACE_FORMS = ["{s} City", "{s} Province", "{s} Valley", "{s} Economic Zone"]
_OTHER_FORMS = ["Project {s}", "{s} Initiative", "{s} Programme", "{s} Benchmark"]
_FIRST_NAMES = ["Mara", "Lin", "Wei", "Anna", "Tomas", "Priya", "Kenji", "Sofia", "David", "Mei",
                "Olu", "Hana", "Ivan", "Lucia", "Omar", "Yuki", "Jun", "Elena", "Ravi", "Chloe",
                "Noah", "Ming", "Sara", "Pavel", "Aiko", "Diego", "Fatima", "Hugo", "Ines", "Jonas"]
_ROLES = ["chief executive", "spokesperson", "chief technology officer", "analyst", "minister",
          "founder", "head of research", "senior engineer", "board chair", "trade official"]
_FREE_SPEAKERS = ["people familiar with the matter", "two industry executives", "analysts at a brokerage",
                  "social media posts", "a company filing", "three employees who used the chip",
                  "customs data", "a government notice", "supply-chain sources"]
_BASES = ["four people with direct knowledge of the matter", "internal documents seen by the publisher",
          "a regulatory filing", "two former employees", "procurement records", "an investor presentation",
          "remarks at an industry conference", "customs records"]

TYPE_WEIGHTS = [("company", 36), ("person", 20), ("product", 20), ("organization", 7), ("government", 5),
                ("media", 7), ("place", 3), ("other", 2)]

RELATIONS_BY_TYPE = {
    "company": ["develops", "makes", "owns", "competes-with", "supplies", "customer-of", "partners-with",
                "invests-in", "based-in", "subsidiary-of", "uses"],
    "person": ["leads", "works-for", "member-of"],
    "product": ["successor-of", "part-of", "competes-with", "uses"],
    "organization": ["member-of", "partners-with", "based-in"],
    "government": ["regulates", "governs", "negotiates-with"],
    "media": ["reports-on", "publishes", "owns"],
    "place": ["part-of", "related-to"],
    "other": ["related-to", "part-of", "uses"],
}

_NOUNS = ["chips", "accelerators", "wafers", "servers", "clusters", "models", "data centres", "foundry capacity",
          "memory supply", "export licences", "procurement contracts", "training runs", "inference workloads",
          "packaging lines", "design teams", "subsidies", "software stacks", "interconnects", "shipments",
          "orders", "prototypes", "test results", "supply agreements", "research budgets"]
_ADJS = ["domestic", "advanced", "older", "smaller", "larger", "cheaper", "restricted", "next-generation",
         "home-grown", "mature-node", "high-bandwidth", "custom", "competing", "experimental", "scaled-down"]
_VERBS = ["expanded", "delayed", "cut", "doubled", "tested", "ordered", "redesigned", "paused", "accelerated",
          "announced", "reviewed", "finalised", "scrapped", "resumed", "quietly increased"]
_FILLER = [
    "The move comes as companies weigh the cost of switching away from established suppliers.",
    "Analysts said the shift would take years rather than months to complete.",
    "Demand for computing power has outstripped supply for most of the past two years.",
    "The figures could not be independently verified.",
    "Industry executives have warned that software support remains the hardest part of any transition.",
    "Shares in several suppliers rose on the news before closing slightly lower.",
    "Officials have repeatedly said that supply chains for critical technology must become more self-reliant.",
    "Engineers familiar with the designs said yields at advanced nodes remain well below industry norms.",
    "The rules have been revised several times, each round closing gaps that buyers had used.",
    "Smaller firms say they struggle to secure enough capacity at the leading foundries.",
    "Training the largest models still requires thousands of accelerators running for weeks.",
    "Several customers are said to be running both older and newer hardware side by side.",
    "Prices for high-bandwidth memory have risen sharply since the start of the year.",
    "A spokesperson declined to comment on specific customers or orders.",
    "The report did not say how many units had been delivered so far.",
]
_LOREM = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore "  # noqa: SIM905
          "et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ut "
          "aliquip ex ea commodo consequat duis aute irure dolor in reprehenderit in voluptate velit esse "
          "cillum dolore eu fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt in culpa "
          "qui officia deserunt mollit anim id est laborum").split()
# Upper-case tokens the text uses: never allowed as an acronym alias.
_RESERVED_UPPER = {"AI", "US", "EU", "CEO", "CFO", "CTO", "GPU", "CPU", "HBM", "USD", "EUV", "IPO", "NPU", "TSMC"}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


@dataclass
class Ent:
    id: str
    name: str
    type: str
    aliases: list[str]
    cjk: str | None = None
    data: dict = field(default_factory=dict)


@dataclass
class SharedEvent:
    id: str
    date: datetime.date
    title: str
    entities: list[str]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Synth:
    """Builds one synthetic project in memory, then writes it."""

    def __init__(self, n_seeds: int, seed: str = DEFAULT_SEED) -> None:
        self.n = n_seeds
        self.r = random.Random(f"{seed}:{n_seeds}")
        self.n_entities = max(10, round(n_seeds / 5))
        self.used_stems: set[str] = set()
        self.used_surfaces: set[str] = set()
        self.used_cjk: list[str] = []
        self.entities: list[Ent] = []
        self.by_type: dict[str, list[Ent]] = {t: [] for t, _ in TYPE_WEIGHTS}
        self.slugs: list[str] = []

    # --- names -------------------------------------------------------------

    def stem(self) -> str:
        while True:
            parts = [self.r.choice(_ONSETS) + self.r.choice(_VOWELS) for _ in range(self.r.choice((2, 2, 3)))]
            word = ("".join(parts) + self.r.choice(_CODAS)).capitalize()
            if 4 <= len(word) <= 11 and word.casefold() not in self.used_stems:
                self.used_stems.add(word.casefold())
                return word

    def cjk(self) -> str:
        while True:
            alias = "".join(self.r.choice(_CJK) for _ in range(self.r.choice((2, 3, 3, 4))))
            if all(alias not in other and other not in alias for other in self.used_cjk):
                self.used_cjk.append(alias)
                return alias

    def acronym(self, words: list[str]) -> str | None:
        letters = "".join(w[0] for w in words if w[:1].isupper())
        if len(letters) < 3 or letters in _RESERVED_UPPER or letters in self.used_surfaces:
            return None
        return letters

    def claim_surface(self, surface: str) -> bool:
        key = surface.casefold() if not surface.isupper() else surface
        if key in self.used_surfaces:
            return False
        self.used_surfaces.add(key)
        return True

    # --- entities ----------------------------------------------------------

    def make_entities(self) -> None:
        types = [t for t, _ in TYPE_WEIGHTS]
        weights = [w for _, w in TYPE_WEIGHTS]
        kinds = ["media"] * max(3, self.n_entities // 40) + ["company"] * 3 + ["person"] * 2 + ["government"] * 2
        kinds += self.r.choices(types, weights, k=self.n_entities - len(kinds))
        for kind in kinds:
            self.entities.append(self.make_entity(kind))
        # Popularity: the order of self.entities is the popularity rank (shuffled across types).
        self.r.shuffle(self.entities)
        for e in self.entities:
            self.by_type[e.type].append(e)
        # cumulative weights, made once: random.choices with plain weights sums them on
        # every call, which made writing 100,000 seeds quadratic (the same draws either way)
        self.weights = list(
            itertools.accumulate(1 / (rank + 3) ** 0.9 for rank in range(len(self.entities)))
        )
        self.media = self.by_type["media"]
        self.media_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.media))))

    def make_entity(self, kind: str) -> Ent:
        r = self.r
        s = self.stem()
        aliases: list[str] = []
        cjk: str | None = None
        if kind == "company":
            name = f"{s} {r.choice(_COMPANY_SUFFIXES)}"
            aliases.append(s)
            if r.random() < 0.4:
                aliases.append(f"{name} Co., Ltd.")
        elif kind == "person":
            name = f"{r.choice(_FIRST_NAMES)} {s}"
        elif kind == "product":
            code = f"{s[0].upper()}{r.randrange(100, 990)}"
            name = f"{s} {code}"
            if self.claim_surface(code):
                aliases.append(code)
            if r.random() < 0.3:
                aliases.append(f"{name} chip")
        else:
            forms = {"organization": _ORG_FORMS, "government": _GOV_FORMS, "media": _MEDIA_FORMS,
                     "place": _PLACE_FORMS, "other": _OTHER_FORMS}[kind]
            name = r.choice(forms).format(s=s)
            acro = self.acronym(name.split())
            if acro and kind in ("organization", "government") and self.claim_surface(acro):
                aliases.append(acro)
        self.claim_surface(name)
        aliases = [a for a in aliases if a == name or a in self.used_surfaces or self.claim_surface(a)]
        aliases = [a for a in aliases if a != name]
        if kind in ("company", "person", "place", "government") and r.random() < 0.35:
            cjk = self.cjk()
            aliases.append(cjk)
        aliases = aliases[:3]
        entity_id = slugify(name)
        return Ent(entity_id, name, kind, aliases, cjk)

    def entity_files(self) -> dict[str, str]:
        out: dict[str, str] = {}
        r = self.r
        places = self.by_type["place"]
        companies = self.by_type["company"]
        for e in self.entities:
            data: dict = {"name": e.name, "type": e.type}
            if e.aliases:
                data["aliases"] = list(e.aliases)
            data["summary"] = self.entity_summary(e)
            facts: dict = {}
            if e.type == "company":
                facts["headquarters"] = r.choice(places).name if places and r.random() < 0.5 else f"{self.stem()} City"
                facts["founded"] = str(r.randrange(1985, 2023))
                if r.random() < 0.5:
                    facts["employees"] = f"about {r.randrange(2, 900) * 100:,}"
            elif e.type == "person":
                facts["role"] = r.choice(_ROLES)
                if companies:
                    facts["employer"] = r.choice(companies).name
            elif e.type == "product":
                facts["category"] = r.choice(["AI accelerator", "GPU", "memory chip", "AI model", "server",
                                              "lithography tool", "network switch"])
                if companies:
                    facts["maker"] = r.choice(companies).name
            else:
                facts["scope"] = r.choice(["national", "regional", "international", "industry-wide"])
            if self.slugs and r.random() < 0.3:
                facts["status"] = {"value": f"{r.choice(_ADJS)} {r.choice(_NOUNS)}", "source": r.choice(self.slugs)}
            data["facts"] = facts
            relations = []
            choices = RELATIONS_BY_TYPE[e.type]
            for _ in range(r.choice((0, 1, 1, 2, 2, 3))):
                target = self.pick_entity()
                if target.id == e.id:
                    continue
                rel: dict = {"type": r.choice(choices), "target": target.id}
                if r.random() < 0.3:
                    rel["since"] = str(r.randrange(2005, 2025))
                if r.random() < 0.25:
                    rel["note"] = f"{r.choice(_VERBS)} {r.choice(_ADJS)} {r.choice(_NOUNS)}"
                if self.slugs and r.random() < 0.2:
                    rel["source"] = r.choice(self.slugs)
                relations.append(rel)
            if relations:
                data["relations"] = relations
            if r.random() < 0.5:
                data["links"] = [f"https://www.{slugify(e.name.split()[0])}.example.com/"]
            out[e.id] = dump_yaml(data)
        return out

    def entity_summary(self, e: Ent) -> str:
        r = self.r
        return {
            "company": f"{r.choice(['Chinese', 'US', 'Taiwanese', 'Korean', 'Japanese', 'European'])} "
                       f"{r.choice(['chip designer', 'cloud provider', 'foundry', 'AI developer', 'equipment maker', 'memory maker'])}"
                       f" known for its {r.choice(_ADJS)} {r.choice(_NOUNS)}.",
            "person": f"{r.choice(_ROLES).capitalize()} in the semiconductor and AI industry.",
            "product": f"A {r.choice(_ADJS)} product line aimed at {r.choice(_NOUNS)}.",
            "organization": "Industry body that coordinates research, standards and lobbying.",
            "government": "Government body responsible for trade, industry or export policy.",
            "media": "News organisation covering technology and trade.",
            "place": "A hub of chip design and manufacturing.",
            "other": "A programme or benchmark referred to across the coverage.",
        }[e.type]

    def pick_entity(self) -> Ent:
        return self.r.choices(self.entities, cum_weights=self.weights)[0]

    def pick_entities(self, k: int) -> list[Ent]:
        chosen: list[Ent] = []
        while len(chosen) < k:
            e = self.pick_entity()
            if e not in chosen and e.type != "media":
                chosen.append(e)
        return chosen

    def surface(self, e: Ent, first: bool = False) -> str:
        r = self.r
        if first:
            if e.cjk and r.random() < 0.5:
                return f"{e.name} ({e.cjk})"
            return e.name
        options = [e.name] + [a for a in e.aliases if a != e.cjk]
        if e.cjk:
            options.append(e.cjk)
        return r.choice(options)

    # --- seeds ---------------------------------------------------------------

    def make_dates_and_slugs(self) -> list[tuple[datetime.date, str]]:
        span = (LAST_DAY - FIRST_DAY).days
        # Titles are decided later (they need entities); slugs only need to be unique and stable.
        out = []
        seen: set[str] = set()
        for i in range(self.n):
            day = FIRST_DAY + datetime.timedelta(days=self.r.randrange(span + 1))
            words = "-".join(self.r.choice(_NOUNS).split()[0] for _ in range(self.r.choice((2, 3, 4))))
            slug = slugify(f"{day.isoformat()}-{words}")
            if slug in seen:
                slug = f"{slug}-{i}"
            seen.add(slug)
            out.append((day, slug))
        self.slugs = [s for _, s in out]
        return out

    def fuzzy(self, day: datetime.date) -> str:
        """A fuzzy date containing ``day`` (so never after the article), in one of the SPEC §3 forms."""
        r = self.r
        y, m = day.year, day.month
        form = r.choices(
            ["day", "month", "year", "part-year", "part-month", "quarter", "approx", "uncertain",
             "interval", "open-end", "open-start"],
            [22, 20, 5, 10, 8, 10, 8, 4, 8, 3, 2],
        )[0]
        if form == "day":
            return day.isoformat()
        if form == "month":
            return f"{y:04d}-{m:02d}"
        if form == "year":
            return f"{y:04d}"
        if form == "part-year":
            part = "early" if m <= 4 else "mid" if m <= 8 else "late"
            return f"{part} {y:04d}"
        if form == "part-month":
            part = "early" if day.day <= 10 else "mid" if day.day <= 20 else "late"
            return f"{part} {y:04d}-{m:02d}"
        if form == "quarter":
            return f"{y:04d}-Q{(m - 1) // 3 + 1}"
        if form == "approx":
            return f"{y:04d}-{m:02d}~" if r.random() < 0.7 else f"{day.isoformat()}~"
        if form == "uncertain":
            return f"{y:04d}-{m:02d}?"
        if form == "interval":
            months = r.randrange(1, 5)
            ey, em = y + (m - 1 + months) // 12, (m - 1 + months) % 12 + 1
            return f"{y:04d}-{m:02d}/{ey:04d}-{em:02d}"
        if form == "open-end":
            return f"{y:04d}-{m:02d}/.."
        return f"../{y:04d}-{m:02d}"

    def make_shared_events(self) -> None:
        r = self.r
        span = (LAST_DAY - FIRST_DAY).days
        self.shared: list[SharedEvent] = []
        for i in range(max(5, self.n // 12)):
            day = FIRST_DAY + datetime.timedelta(days=r.randrange(span + 1))
            ents = self.pick_entities(r.choice((1, 2, 2, 3)))
            title = self.event_title(ents)
            eid = slugify(f"{ents[0].name.split()[0]}-{r.choice(_VERBS)}-{r.choice(_NOUNS)}")[:80] + f"-{i + 1}"
            self.shared.append(SharedEvent(eid, day, title, [e.id for e in ents]))
        self.shared.sort(key=lambda s: s.date)

    def event_title(self, ents: list[Ent]) -> str:
        r = self.r
        a = ents[0].name
        forms = [
            f"{a} {r.choice(_VERBS)} {r.choice(_ADJS)} {r.choice(_NOUNS)}",
            f"{a} starts using {r.choice(_ADJS)} {r.choice(_NOUNS)}",
            f"{a} receives {r.choice(_NOUNS)} approval",
        ]
        if len(ents) > 1:
            forms.append(f"{a} and {ents[1].name} sign a deal on {r.choice(_NOUNS)}")
            forms.append(f"{a} {r.choice(_VERBS)} {r.choice(_NOUNS)} for {ents[1].name}")
        return r.choice(forms)

    def seed_file(self, day: datetime.date, slug: str) -> tuple[str, str]:
        r = self.r
        k = r.choice((2, 3, 3, 4, 4, 5, 6))
        ents = self.pick_entities(k)
        source = r.choices(self.media, cum_weights=self.media_weights)[0]
        others = [m for m in self.media if m.id != source.id]
        title = self.title(ents)
        data: dict = {"title": title, "date": day.isoformat(), "source": source.id}
        if others and r.random() < 0.2:
            data["via"] = [m.id for m in r.sample(others, min(len(others), r.choice((1, 1, 2))))]
        if r.random() < 0.8:
            data["url"] = f"https://news.example.com/{day.year}/{slug}"
        if r.random() < 0.5:
            data["authors"] = [f"{r.choice(_FIRST_NAMES)} {self.stem()}" for _ in range(r.choice((1, 1, 2)))]
        body, _ = self.body(ents)
        if r.random() < 0.6:
            data["summary"] = f"{ents[0].name} {r.choice(_VERBS)} {r.choice(_ADJS)} {r.choice(_NOUNS)}, " \
                              f"{source.name} reported. {r.choice(_FILLER)}"
        if r.random() < 0.6:
            data["key_points"] = [self.sentence(ents) for _ in range(r.choice((2, 3, 4)))]
        data["tags"] = r.sample(TAGS[:20], 1) + [t for t in r.sample(TAGS, r.choice((0, 1, 2)))]
        data["tags"] = list(dict.fromkeys(data["tags"]))
        data["entities"] = [e.id for e in ents]
        events = []
        used_ids: list[str] = []
        for _ in range(r.choices((0, 1, 2, 3), (20, 35, 30, 15))[0]):
            if self.shared and r.random() < 0.35:
                ev = self.shared_before(day)
                if ev is not None and ev.id not in used_ids:
                    used_ids.append(ev.id)
                    # Most reports give the same (or a coarser) date; about 1 in 50 disagrees.
                    if r.random() < 0.02:
                        shown = (ev.date - datetime.timedelta(days=r.randrange(100, 300))).isoformat()
                    elif r.random() < 0.5:
                        shown = ev.date.isoformat()
                    else:
                        shown = f"{ev.date.year:04d}-{ev.date.month:02d}"
                    events.append({"id": ev.id, "date": shown, "title": ev.title, "entities": ev.entities})
                    continue
            when = day - datetime.timedelta(days=r.randrange(0, 400))
            ev_ents = r.sample(ents, min(len(ents), r.choice((1, 1, 2))))
            event: dict = {"date": self.fuzzy(when), "title": self.event_title(ev_ents),
                           "entities": [e.id for e in ev_ents]}
            if r.random() < 0.3:
                event["id"] = f"{slug}-{slugify(r.choice(_VERBS))}-{len(events) + 1}"
            if r.random() < 0.1:
                event["tags"] = [r.choice(TAGS)]
            events.append(event)
        if events:
            data["events"] = events
        claims = []
        for _ in range(r.choice((1, 1, 2, 2, 3, 4))):
            about = r.sample(ents, min(len(ents), r.choice((1, 2, 2, 3))))
            by_roll = r.random()
            by = source.id if by_roll < 0.4 else about[0].id if by_roll < 0.7 else r.choice(_FREE_SPEAKERS)
            claim: dict = {"text": self.sentence(about), "by": by}
            if r.random() < 0.4:
                claim["basis"] = r.choice(_BASES)
            claim["status"] = r.choices(["reported", "confirmed", "disputed", "denied", "no-comment"],
                                        [60, 15, 10, 8, 7])[0]
            claim["entities"] = [e.id for e in about]
            claims.append(claim)
        data["claims"] = claims
        quotes = []
        for _ in range(r.choices((0, 1, 2), (45, 40, 15))[0]):
            people = [e for e in ents if e.type == "person"]
            by = people[0].id if people and r.random() < 0.7 else r.choice([ents[0].id, "a company spokesperson"])
            quote: dict = {"by": by, "text": f"We {r.choice(_VERBS)} our {r.choice(_ADJS)} {r.choice(_NOUNS)} "
                                              f"because {r.choice(_FILLER)[0].lower()}{r.choice(_FILLER)[1:]}"}
            if r.random() < 0.5:
                quote["role"] = r.choice(_ROLES)
            quotes.append(quote)
        if quotes:
            data["quotes"] = quotes
        data["publish"] = r.choices(["full", "excerpt", "summary"], [30, 50, 20])[0]
        if data["publish"] == "summary" and "summary" not in data:
            data = with_summary(data, self.summary_for(slug, ents, source))
        if r.random() < 0.01:
            data["draft"] = True
        text = "---\n" + dump_yaml(data) + "---\n" + body
        return f"seeds/{day.year}/{slug}.md", text

    def summary_for(self, slug: str, ents: list[Ent], source: Ent) -> str:
        """A summary for a ``publish: summary`` seed that has none (the check warns about
        those), drawn from its own generator so that every other value stays as it was."""
        r = random.Random(f"summary:{slug}")
        return f"{ents[0].name} {r.choice(_VERBS)} {r.choice(_ADJS)} {r.choice(_NOUNS)}, " \
               f"{source.name} reported. {r.choice(_FILLER)}"

    def shared_before(self, day: datetime.date) -> SharedEvent | None:
        # A recent shared event (within about a year) before the article: news follows stories.
        # those of the year before: a slice of the list in date order (the same candidates
        # as filtering the whole list, found without walking it)
        first = self._upto(day - datetime.timedelta(days=365))
        candidates = self.shared[first : self._upto(day)]
        return self.r.choice(candidates) if candidates else None

    def _upto(self, day: datetime.date) -> int:
        lo, hi = 0, len(self.shared)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.shared[mid].date <= day:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def title(self, ents: list[Ent]) -> str:
        r = self.r
        a = ents[0].name
        b = ents[1].name if len(ents) > 1 else "rivals"
        return r.choice([
            f"{a} {r.choice(_VERBS)} {r.choice(_ADJS)} {r.choice(_NOUNS)} as {b} weighs its options",
            f"{a} and {b} begin using {r.choice(_ADJS)} {r.choice(_NOUNS)}",
            f"{a} {r.choice(_VERBS)} {r.choice(_NOUNS)} amid tighter export rules",
            f"Exclusive: {a} in talks with {b} over {r.choice(_NOUNS)}",
            f"{a} says {r.choice(_ADJS)} {r.choice(_NOUNS)} now compete with {b}",
        ])

    def sentence(self, ents: list[Ent]) -> str:
        r = self.r
        a = self.surface(ents[0])
        b = self.surface(ents[-1]) if len(ents) > 1 else "its rivals"
        return r.choice([
            f"{a} has {r.choice(_VERBS)} its {r.choice(_ADJS)} {r.choice(_NOUNS)} since {r.choice(_MONTHS)}.",
            f"{a} is testing {r.choice(_ADJS)} {r.choice(_NOUNS)} with {b}, according to the report.",
            f"{a} said it {r.choice(_VERBS)} {r.choice(_NOUNS)} worth {r.randrange(2, 900)} million dollars.",
            f"{b} still relies on {a} for {r.choice(_ADJS)} {r.choice(_NOUNS)}.",
            f"{a} expects {r.choice(_NOUNS)} to grow by {r.randrange(5, 60)}% this year.",
            f"Neither {a} nor {b} has fully abandoned {r.choice(_ADJS)} {r.choice(_NOUNS)}.",
        ])

    def body(self, ents: list[Ent]) -> tuple[str, str]:
        r = self.r
        paragraphs: list[str] = []
        n_par = r.choice((4, 5, 6, 6, 7, 8))
        mentioned: list[Ent] = []
        for p in range(n_par):
            sentences = []
            for _ in range(r.choice((4, 5, 5, 6, 6, 7))):
                roll = r.random()
                if roll < 0.55:
                    pick = r.sample(ents, 2) if len(ents) > 1 else [ents[0]]
                    for e in pick:
                        if e not in mentioned:
                            mentioned.append(e)
                    s = self.sentence(pick)
                else:
                    s = r.choice(_FILLER)
                sentences.append(s)
            text = " ".join(sentences)
            if p == 0:
                e = ents[0]
                text = f"{e.name}{f' ({e.cjk})' if e.cjk else ''} has {r.choice(_VERBS)} " \
                       f"{r.choice(_ADJS)} {r.choice(_NOUNS)}, the report said. {text}"
            elif r.random() < 0.12:
                e = ents[r.randrange(len(ents))]
                text = text.replace(e.name, f"**{e.name}**", 1)
            if p == n_par // 2 and r.random() < 0.1:
                text += " Details are in the [company statement](https://example.com/statement)."
            paragraphs.append(text)
            if p == 1 and r.random() < 0.15:
                paragraphs.append("## Background")
            if p == 2 and r.random() < 0.1:
                items = [f"- {r.choice(_ADJS).capitalize()} {r.choice(_NOUNS)}" for _ in range(3)]
                paragraphs.append("\n".join(items))
            if p == 3 and r.random() < 0.1:
                paragraphs.append("> " + r.choice(_FILLER))
        # Make sure every listed entity is named at least once.
        missing = [e for e in ents if e not in mentioned and e is not ents[0]]
        if missing:
            paragraphs.append(" ".join(f"{e.name} was also named in the report." for e in missing))
        return "\n\n".join(paragraphs) + "\n", paragraphs[0]

    # --- writing ---------------------------------------------------------------

    def files(self) -> dict[str, str]:
        self.make_entities()
        dated = self.make_dates_and_slugs()
        self.make_shared_events()
        out: dict[str, str] = {}
        for day, slug in dated:
            path, text = self.seed_file(day, slug)
            out[path] = text
        for eid, text in self.entity_files().items():
            out[f"seeds/entities/{eid}.yml"] = text
        return out


def with_summary(data: dict, summary: str) -> dict:
    """``data`` with ``summary`` in the place the other seeds have it (before key points and tags)."""
    out: dict = {}
    for key, value in data.items():
        if key in ("key_points", "tags") and "summary" not in out:
            out["summary"] = summary
        out[key] = value
    out.setdefault("summary", summary)
    return out


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None)


NAV_PAGES = ["index.md", "briefings/index.md", "entities/index.md", "timeline/index.md", "tags/index.md",
             "graph/index.md", "data/index.md", "about.md"]


def mkdocs_config(site_name: str, nav_pages: list[str] | None = None) -> str:
    """The example project's mkdocs.yml with a different site name; nav limited to ``nav_pages``."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    config["site_name"] = site_name
    keep = NAV_PAGES if nav_pages is None else nav_pages
    config["nav"] = [item for item in config.get("nav", []) if next(iter(item.values())) in keep]
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)


def copy_static_docs(root: Path) -> None:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "docs" / "about.md", root / "docs" / "about.md")
    shutil.copytree(REPO / "docs" / "stylesheets", root / "docs" / "stylesheets", dirs_exist_ok=True)


def make_project(root: Path, n_seeds: int, seed: str = DEFAULT_SEED) -> dict[str, int]:
    """Write a fresh synthetic project of ``n_seeds`` seeds at ``root`` (replacing any previous one)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    synth = Synth(n_seeds, seed)
    files = synth.files()
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(mkdocs_config(f"Synthetic briefing ({n_seeds:,} seeds)"), encoding="utf-8")
    copy_static_docs(root)
    seeds = sum(1 for p in files if not p.startswith("seeds/entities/"))
    return {"seeds": seeds, "entities": len(files) - seeds, "shared_events": len(synth.shared)}


def lorem_page(title: str, size: int, r: random.Random) -> str:
    """A plain Markdown page of exactly ``size`` bytes: a title, then lorem-ipsum paragraphs."""
    head = f"# {title}\n\n"
    parts = [head]
    length = len(head)
    while length < size:
        words = [r.choice(_LOREM) for _ in range(r.randrange(40, 90))]
        para = " ".join(words).capitalize() + ".\n\n"
        parts.append(para)
        length += len(para)
    text = "".join(parts)[:size]
    return text if text.endswith("\n") or len(text) < 2 else text[:-1] + "\n"


def make_plain_project(source_docs: Path, root: Path, site_name: str, nav_pages: list[str]) -> dict[str, int]:
    """A plain MkDocs project mirroring ``source_docs``: same Markdown paths and byte sizes, lorem
    text (the "equal bytes" anchor).

    Non-Markdown files (stylesheet, JSON data, feed, calendar) are copied as they are, so
    MkDocs copies the same static files in both builds.  Hidden files are skipped.
    """
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    docs.mkdir(parents=True)
    r = random.Random(f"lorem:{site_name}")
    pages = md_bytes = 0
    for path in sorted(source_docs.rglob("*")):
        rel = path.relative_to(source_docs)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".md":
            size = path.stat().st_size
            target.write_text(lorem_page(f"Page {pages + 1}", size, r), encoding="utf-8")
            pages += 1
            md_bytes += size
        else:
            shutil.copyfile(path, target)
    (root / "mkdocs.yml").write_text(mkdocs_config(site_name, nav_pages), encoding="utf-8")
    return {"pages": pages, "md_bytes_avg": md_bytes // max(1, pages)}


#: Words on each page of the page-count anchor: a typical hand-written MkDocs page.
PLAIN_PAGE_WORDS = 450


def lorem_words(title: str, words: int, r: random.Random) -> str:
    """A plain Markdown page of ``words`` lorem-ipsum words: a title, then paragraphs."""
    parts = [f"# {title}\n\n"]
    left = words
    while left > 0:
        count = min(left, r.randrange(40, 90))
        parts.append(" ".join(r.choice(_LOREM) for _ in range(count)).capitalize() + ".\n\n")
        left -= count
    return "".join(parts).rstrip("\n") + "\n"


def make_page_count_project(
    source_docs: Path, root: Path, site_name: str, nav_pages: list[str], words: int = PLAIN_PAGE_WORDS
) -> dict[str, int]:
    """A plain MkDocs project with as many Markdown pages as ``source_docs``, at the same
    paths, each a lorem page of ``words`` words: the anchor "plain MkDocs of the same page
    count".  Non-Markdown files are copied as they are (as :func:`make_plain_project` does),
    so the two anchors differ only in the pages' text.  Hidden files are skipped.
    """
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    docs.mkdir(parents=True)
    r = random.Random(f"lorem-pages:{site_name}")
    pages = md_bytes = 0
    for path in sorted(source_docs.rglob("*")):
        rel = path.relative_to(source_docs)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".md":
            text = lorem_words(f"Page {pages + 1}", words, r)
            target.write_text(text, encoding="utf-8")
            pages += 1
            md_bytes += len(text.encode("utf-8"))
        else:
            shutil.copyfile(path, target)
    (root / "mkdocs.yml").write_text(mkdocs_config(site_name, nav_pages), encoding="utf-8")
    return {"pages": pages, "md_bytes_avg": md_bytes // max(1, pages), "words": words}


if __name__ == "__main__":  # pragma: no cover - a quick manual check
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "bench" / "out" / f"synth-{n}"
    print(make_project(out, n))
