"""How often `briefing import` is right: precision and recall per field on the gold set.

The gold set (tests/data/intake/) is short fictional articles with hand-written
expectations, written before the importer was tuned on them. Every article is imported
into a project whose registry is tests/data/intake/entities/, and each field of the draft
is scored against the expectations. The test fails below the floors in ``FLOORS``;
``python -m tests.test_import_quality`` prints the table shown in docs/authoring.md.
"""

from __future__ import annotations

import difflib
import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import yamlsafe
from generator.importer import Importer
from generator.load import split_front_matter
from generator.project import Project

INTAKE = Path(__file__).resolve().parent / "data" / "intake"

#: The table must not fall below these (precision, recall) floors; None: not measured.
FLOORS: dict[str, tuple[float | None, float | None]] = {
    "claims": (0.8, 0.8),
    "claims.by": (0.9, None),
    "claims.status": (0.9, None),
    "quotes": (0.9, 0.8),
    "quotes.by": (0.9, None),
    "entities": (0.95, 0.95),
    "new entities": (0.6, 0.8),
    "events": (0.7, 0.8),
}


HELD_OUT = INTAKE / "held-out"
#: Floors for the held-out articles (written after the importer was tuned on the set
#: above, never tuned on): what it reached when a test first scored them, never above
#: it, so that a fall on unseen articles is reported without claiming more than was
#: measured.  Articles 21-23 were first scored at 89e0a0d (claims 10 of 13 found, all
#: right, 8 of 10 with the right ``by``); 24 and 25 were added with two general rules
#: (anonymous sources who told another outlet are the basis of a claim by that outlet;
#: a registry name written the other way round, "China's Cyberspace Administration"),
#: and the five score claims 17 of 20, all right, 15 of 17 with the right ``by``;
#: quotes 2 of 2, one speaker right; new entities 3 right of 6 proposed, of 4.  They
#: are not to be tuned on (tests/data/intake/README.md): a new floor needs new articles.
HELD_OUT_FLOORS: dict[str, tuple[float | None, float | None]] = {
    "claims": (1.0, 0.85),
    "claims.by": (0.88, None),
    "claims.status": (1.0, None),
    "quotes": (1.0, 1.0),
    "quotes.by": (0.5, None),
    "entities": (1.0, 1.0),
    "new entities": (0.5, 0.75),
    "events": (1.0, 1.0),
}


def articles(folder: Path = INTAKE) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html", ".xml"))


def gold_of(article: Path) -> dict[str, Any]:
    value = yaml.safe_load(article.with_suffix(".yml").read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def front_matter(path: Path) -> dict[str, Any]:
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    assert parts is not None
    value = yamlsafe.parse(parts[0], first_line=2).value
    assert isinstance(value, dict)
    return value


def make_project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Intake\ntheme:\n  name: material\n")
    shutil.copytree(INTAKE / "entities", root / "seeds" / "entities")
    return root


def import_all(root: Path, folder: Path = INTAKE) -> dict[str, list[Path]]:
    """Every gold article imported into the project at ``root``: ``{file name: [seeds]}``."""
    out: dict[str, list[Path]] = {}
    project = Project.open(root)
    for article in articles(folder):
        options = dict(gold_of(article).get("options") or {})
        importer = Importer(project, date=options.get("date"), source=options.get("source"))
        written = []
        for outcome in importer.run([article]):
            assert outcome.failed is None, f"{outcome.label}: {outcome.failed}"
            assert outcome.imported is not None, outcome
            written.append(outcome.imported.path)
        out[article.name] = written
    return out


# --- scoring ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[\w$%’'.-]+", text.casefold().replace("’", "'"))


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words(a), _words(b)).ratio()


def same_speaker(found: str, wanted: list[str]) -> bool:
    """An id must be the same id; free text the same words, or one within the other."""
    got = " ".join(_words(re.sub(r"^(?:the|a|an)\s+", "", found, flags=re.IGNORECASE)))
    for want in wanted:
        if found == want:
            return True
        w = " ".join(_words(re.sub(r"^(?:the|a|an)\s+", "", want, flags=re.IGNORECASE)))
        if re.fullmatch(r"[a-z0-9-]+", want) and re.fullmatch(r"[a-z0-9-]+", found):
            continue  # two ids: equal or not
        if got and w and (f" {got} " in f" {w} " or f" {w} " in f" {got} "):
            return True
    return False


def norm_name(name: str) -> str:
    return " ".join(_words(name.replace(".", ""))).replace(".", "")


@dataclass
class Score:
    """Counts for one field: found, wanted, and how many of each matched."""

    found: int = 0
    wanted: int = 0
    hits: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, found: int, wanted: int, hits: int) -> None:
        self.found += found
        self.wanted += wanted
        self.hits += hits

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.wanted if self.wanted else 1.0


def _match(
    found: list[dict[str, Any]], wanted: list[dict[str, Any]], threshold: float
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each wanted item paired with the most similar unpaired found item above ``threshold``."""
    free = list(found)
    pairs = []
    for want in wanted:
        best = max(free, key=lambda f: similar(f["text"], want["text"]), default=None)
        if best is not None and similar(best["text"], want["text"]) >= threshold:
            free.remove(best)
            pairs.append((best, want))
    return pairs


def score(seed: dict[str, Any], gold: dict[str, Any], scores: dict[str, Score], where: str) -> None:
    for key in ("title", "date", "source", "via", "url", "authors"):
        if key in gold:
            got = seed.get(key, [] if key in ("via", "authors") else None)
            scores[key].add(1, 1, int(str(got) == str(gold[key])))
            if str(got) != str(gold[key]):
                scores[key].misses.append(f"{where}: {got!r} != {gold[key]!r}")
    got_ids, want_ids = set(seed.get("entities", [])), set(gold.get("entities", []))
    scores["entities"].add(len(got_ids), len(want_ids), len(got_ids & want_ids))
    scores["entities"].misses += [f"{where}: {i}" for i in sorted(want_ids - got_ids)]
    scores["entities"].extras += [f"{where}: {i}" for i in sorted(got_ids - want_ids)]

    body = (seed.get("_body") or "").casefold()
    for words in gold.get("not_in_body", []):
        scores["page text"].add(1, 1, int(words.casefold() not in body))
        if words.casefold() in body:
            scores["page text"].misses.append(f"{where}: {words!r} is in the body")

    new = {norm_name(n) for n in seed.get("_candidates", [])}
    want_new = {norm_name(n) for n in gold.get("new_entities", [])}
    allowed = {norm_name(n) for n in gold.get("new_entities_ok", [])}
    counted = new - (allowed - want_new)
    scores["new entities"].add(len(counted), len(want_new), len(counted & want_new))
    scores["new entities"].misses += [f"{where}: {n}" for n in sorted(want_new - new)]
    scores["new entities"].extras += [f"{where}: {n}" for n in sorted(counted - want_new)]

    got_dates = Counter(str(e["date"]) for e in seed.get("events", []))
    want_dates = Counter(str(d) for d in gold.get("events", []))
    hits = sum((got_dates & want_dates).values())
    scores["events"].add(sum(got_dates.values()), sum(want_dates.values()), hits)
    scores["events"].misses += [
        f"{where}: {d}" for d in sorted((want_dates - got_dates).elements())
    ]
    scores["events"].extras += [
        f"{where}: {d}" for d in sorted((got_dates - want_dates).elements())
    ]

    for kind, threshold in (("claims", 0.5), ("quotes", 0.8)):
        found, wanted = seed.get(kind, []), gold.get(kind, []) or []
        pairs = _match(found, wanted, threshold)
        scores[kind].add(len(found), len(wanted), len(pairs))
        paired = [id(f) for f, _ in pairs]
        scores[kind].misses += [
            f"{where}: {w['text']!r}" for w in wanted if all(w is not p[1] for p in pairs)
        ]
        scores[kind].extras += [
            f"{where}: {f['text']!r} by {f['by']!r}" for f in found if id(f) not in paired
        ]
        right = 0
        for f, w in pairs:
            ok = same_speaker(str(f["by"]), [str(w["by"]), *map(str, w.get("by_ok", []))])
            right += ok
            if not ok:
                scores[f"{kind}.by"].misses.append(
                    f"{where}: {f['by']!r} != {w['by']!r}: {w['text']!r}"
                )
        scores[f"{kind}.by"].add(len(pairs), len(pairs), right)
        if kind == "claims":
            good = sum(f["status"] == w["status"] for f, w in pairs)
            scores["claims.status"].add(len(pairs), len(pairs), good)
            scores["claims.status"].misses += [
                f"{where}: {f['status']} != {w['status']}: {w['text']!r}"
                for f, w in pairs
                if f["status"] != w["status"]
            ]


def evaluate(root: Path, folder: Path = INTAKE) -> dict[str, Score]:
    written = import_all(root, folder)
    scores: dict[str, Score] = {}
    for name in (
        "title", "date", "source", "via", "url", "authors", "page text", "entities",
        "new entities", "events", "claims", "claims.by", "claims.status", "quotes", "quotes.by",
    ):  # fmt: skip
        scores[name] = Score()
    for article in articles(folder):
        gold = gold_of(article)["articles"]
        seeds = written[article.name]
        assert len(seeds) == len(gold), f"{article.name}: {len(seeds)} drafts for {len(gold)}"
        for number, (path, want) in enumerate(zip(seeds, gold, strict=True), start=1):
            seed = front_matter(path)
            text = path.read_text(encoding="utf-8")
            seed["_body"] = text.split("\n---\n", 1)[1]
            seed["_candidates"] = re.findall(r"^  #   (.+?): briefing new entity", text, re.M)
            where = article.name + (f" item {number}" if len(gold) > 1 else "")
            score(seed, want, scores, where)
    return scores


def table(scores: dict[str, Score]) -> str:
    lines = [
        "| field | precision | recall | found | expected | right |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in scores.items():
        if not s.wanted and not s.found:
            continue
        if name in ("claims.by", "claims.status", "quotes.by") or (
            s.found == s.wanted == s.hits + len(s.misses)
            and name in ("title", "date", "source", "via", "url", "authors", "page text")
        ):
            lines.append(f"| {name} | {s.precision:.2f} | – | {s.found} | {s.wanted} | {s.hits} |")
        else:
            lines.append(
                f"| {name} | {s.precision:.2f} | {s.recall:.2f} | {s.found} | {s.wanted} | {s.hits} |"
            )
    return "\n".join(lines)


def details(scores: dict[str, Score]) -> str:
    out = []
    for name, s in scores.items():
        for m in s.misses:
            out.append(f"missed {name}: {m}")
        for e in s.extras:
            out.append(f"extra  {name}: {e}")
    return "\n".join(out)


@pytest.fixture(scope="module")
def gold_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Score]]:
    root = make_project(tmp_path_factory.mktemp("intake") / "project")
    return root, evaluate(root)


@pytest.fixture(scope="module")
def scores(gold_project: tuple[Path, dict[str, Score]]) -> dict[str, Score]:
    return gold_project[1]


@pytest.fixture(scope="module")
def held_out_scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Score]:
    return evaluate(make_project(tmp_path_factory.mktemp("held-out") / "project"), HELD_OUT)


def test_every_gold_draft_passes_check(gold_project: tuple[Path, dict[str, Score]]) -> None:
    from tests.helpers import run

    code, out, err = run(gold_project[0], "check")
    assert code == 0, err
    assert "checked 13 briefings" in out and "0 errors" in out


def test_gold_set_is_large_enough() -> None:
    files = articles()
    assert len(files) >= 12
    assert {p.suffix for p in files} >= {".txt", ".html", ".xml"}
    assert sum(len(gold_of(p)["articles"]) for p in files) >= 12


def _assert_floor(
    s: Score, name: str, floors: tuple[float | None, float | None], shown: str = ""
) -> None:
    precision_floor, recall_floor = floors
    why = f"{name}: precision {s.precision:.2f}, recall {s.recall:.2f}\n" + "\n".join(
        [*s.misses, *s.extras, shown]
    )
    if precision_floor is not None:
        assert s.precision >= precision_floor, why
    if recall_floor is not None:
        assert s.recall >= recall_floor, why


@pytest.mark.parametrize("name", list(FLOORS))
def test_quality_floor(scores: dict[str, Score], name: str) -> None:
    _assert_floor(scores[name], name, FLOORS[name])


def test_held_out_set_is_the_one_described() -> None:
    """Five articles, none of them also in the training set (whose scores they check)."""
    files = articles(HELD_OUT)
    assert len(files) == 5
    assert not {p.name for p in files} & {p.name for p in articles()}


@pytest.mark.parametrize("name", list(HELD_OUT_FLOORS))
def test_held_out_quality_floor(held_out_scores: dict[str, Score], name: str) -> None:
    """The articles the importer was never tuned on, against floors of their own."""
    s = held_out_scores[name]
    assert s.wanted or s.found, f"{name}: the held-out set scores nothing"
    _assert_floor(s, name, HELD_OUT_FLOORS[name], table(held_out_scores))


def test_held_out_metadata_of_every_draft(held_out_scores: dict[str, Score]) -> None:
    for name in ("title", "date", "source", "via", "url", "authors", "page text"):
        assert not held_out_scores[name].misses, held_out_scores[name].misses


def test_metadata_of_every_draft(scores: dict[str, Score]) -> None:
    for name in ("title", "date", "source", "via", "url", "authors", "page text"):
        assert not scores[name].misses, scores[name].misses


def test_the_table_in_the_docs_is_current(scores: dict[str, Score]) -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(
        encoding="utf-8"
    )
    assert table(scores) in guide, "run `python -m tests.test_import_quality` and paste the table"


def tables(training: dict[str, Score], held_out: dict[str, Score]) -> str:
    """The two tables, one after the other, each under what it measures."""
    return (
        f"Training set ({INTAKE.relative_to(INTAKE.parents[2])}/, tuned on):\n\n"
        f"{table(training)}\n\n"
        f"Held-out set ({HELD_OUT.relative_to(INTAKE.parents[2])}/, never tuned on):\n\n"
        f"{table(held_out)}"
    )


def main() -> int:
    """Print the training table and the held-out table; ``-v`` adds every miss; a folder
    argument scores that set alone (``tests/data/intake/held-out``: articles written
    after tuning, never tuned on)."""
    chosen = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    with tempfile.TemporaryDirectory() as folder:
        if chosen:
            sets = [evaluate(make_project(Path(folder) / "project"), chosen[0])]
        else:
            sets = [
                evaluate(make_project(Path(folder) / "training")),
                evaluate(make_project(Path(folder) / "held-out"), HELD_OUT),
            ]
    if "-v" in sys.argv:
        print("\n".join(details(s) for s in sets))
    print(table(sets[0]) if chosen else tables(*sets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
