"""The core stages one at a time, without a site build: load, model, the page kinds, keys.

Whole builds exercise every stage together (test_build, test_incremental); these
pin each stage's own contract so that a change to one shows up here first, in
milliseconds (``make test-fast``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator import incremental, pages, settings
from generator.load import Sources, load, split_front_matter
from generator.model import Corpus, build_corpus
from generator.pages import Context, Reads
from generator.problems import Problems
from generator.settings import SiteInfo

ENTITIES = {
    "reuters": "name: Reuters\ntype: media\n",
    "nvidia": "name: Nvidia\ntype: company\naliases: [NVIDIA Corp.]\n",
    "huawei": "name: Huawei\ntype: company\nrelations:\n  - {type: competes-with, target: nvidia}\n",
    "alibaba": "name: Alibaba\ntype: company\n",
}


def seed(
    title: str,
    date: str,
    *,
    entities: str = "[nvidia, huawei]",
    extra: str = "",
    body: str = "Nvidia and Huawei were named.\n\nA second paragraph.\n",
) -> str:
    front = f"title: {title}\ndate: {date}\nsource: reuters\nentities: {entities}\n"
    return f"---\n{front}{textwrap.dedent(extra)}---\n{body}"


SEEDS = {
    "2025/first.md": seed(
        "First report",
        "2025-08-01",
        extra="""\
        tags: [chips]
        events:
          - {id: ban, date: 2025-08, title: A ban is reported, entities: [nvidia]}
        claims:
          - {id: ban-claim, text: Nvidia is banned., by: reuters}
        """,
    ),
    "2025/second.md": seed(
        "Second report",
        "2025-09-11",
        extra="""\
        tags: [chips, exports]
        events:
          - {id: ban, date: 2025-08-15, title: "The ban, later", entities: [nvidia]}
        claims:
          - {text: The ban is confirmed., by: nvidia, status: confirmed, updates: ban-claim}
        """,
    ),
    "2024/draft.md": seed("A draft", "2024-05-01", extra="draft: true\n"),
}


def write(root: Path, seeds: dict[str, str] = SEEDS) -> Path:
    for eid, text in ENTITIES.items():
        (root / "seeds/entities").mkdir(parents=True, exist_ok=True)
        (root / f"seeds/entities/{eid}.yml").write_text(text, encoding="utf-8")
    for rel, text in seeds.items():
        (root / "seeds" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "seeds" / rel).write_text(text, encoding="utf-8")
    return root


def loaded(root: Path) -> tuple[Sources, Problems]:
    problems = Problems()
    return load(root, root / "seeds", problems), problems


def corpus_of(root: Path, *, drafts: bool = False) -> Corpus:
    sources, problems = loaded(root)
    corpus = build_corpus(sources, problems, drafts=drafts)
    assert not problems.errors, [str(p) for p in problems.errors]
    return corpus


# --- load -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: x\n---\nbody\n", ("title: x", "body\n", 4)),
        ("---\ntitle: x\n---\n", ("title: x", "", 4)),
        ("no front-matter\n", None),
        ("---\ntitle: x\n", None),
    ],
)
def test_split_front_matter(text: str, expected: tuple[str, str, int] | None) -> None:
    assert split_front_matter(text) == expected


def test_load_reads_every_seed_and_entity_in_name_order(tmp_path: Path) -> None:
    sources, problems = loaded(write(tmp_path))
    assert not problems.errors
    assert sorted(s.slug for s in sources.seeds) == ["draft", "first", "second"]
    assert sorted(e.id for e in sources.entities) == sorted(ENTITIES)
    first = next(s for s in sources.seeds if s.slug == "first")
    assert first.body.startswith("Nvidia and Huawei were named.\n") and first.body_line == 12
    assert first.data.tags == ["chips"]


def test_load_names_a_bad_file_at_its_line_and_keeps_the_others(tmp_path: Path) -> None:
    root = write(tmp_path, {**SEEDS, "2025/bad.md": "---\ntitle: [unclosed\n---\nbody\n"})
    sources, problems = loaded(root)
    assert [p.path for p in problems.errors] == ["seeds/2025/bad.md"]
    assert problems.errors[0].line == 3, "where YAML finds the bracket missing"
    assert len(sources.seeds) == 3


def test_load_without_a_seeds_folder_is_one_problem(tmp_path: Path) -> None:
    sources, problems = loaded(tmp_path)
    assert [(p.path, p.field) for p in problems.errors] == [("seeds", "seeds")]
    assert sources.seeds == [] and sources.entities == []


# --- model ----------------------------------------------------------------------------


def test_the_model_merges_events_and_threads_claims(tmp_path: Path) -> None:
    corpus = corpus_of(write(tmp_path))
    assert [b.slug for b in corpus.briefings] == ["second", "first"], "newest first"
    (ban,) = corpus.events
    assert [r.briefing for r in ban.reports] == ["first", "second"]
    assert ban.title == "A ban is reported", "an event shared by briefings takes the first title"
    (thread,) = [t for t in corpus.threads if len(t.claims) > 1]
    assert thread.status == "confirmed" and thread.root.id == "ban-claim"
    assert corpus.thread_of["second#claim-1"] is thread


def test_the_model_indexes_what_pages_list(tmp_path: Path) -> None:
    corpus = corpus_of(write(tmp_path))
    assert corpus.mentions["nvidia"] == ["second", "first"]
    assert corpus.tags == {"chips": ["second", "first"], "exports": ["second"]}
    assert corpus.events_of["nvidia"] == ["ban"]
    relation = next(r for r in corpus.entities["nvidia"].relations)
    assert (relation.other, relation.inverse) == ("huawei", True), "relations get their inverse"
    assert corpus.co_mentions["nvidia"]["huawei"] == 2


def test_drafts_are_checked_but_kept_only_when_asked(tmp_path: Path) -> None:
    root = write(tmp_path)
    assert "draft" not in corpus_of(root).by_slug
    assert corpus_of(root, drafts=True).by_slug["draft"].draft


# --- the page kinds -------------------------------------------------------------------


def context(root: Path) -> Context:
    return Context(corpus_of(root), SiteInfo(name="Stages", directory_urls=True))


def test_every_unit_renders_its_page(tmp_path: Path) -> None:
    ctx = context(write(tmp_path))
    assert pages.units(ctx.corpus) == [
        ("briefing", "second"),
        ("briefing", "first"),
        *(("entity", e) for e in sorted(ENTITIES)),
        ("tag", "chips"),
        ("tag", "exports"),
    ]
    page = pages.render_unit(ctx, ("briefing", "first"))["briefings/first.md"]
    assert page.startswith('---\ntitle: "First report"\n')
    assert 'id="claim-1"' in page and "Later: " in page and "confirmed" in page
    card = pages.render_unit(ctx, ("entity", "nvidia"))["entities/nvidia.md"]
    assert "# Nvidia" in card and "A ban is reported" in card and "Second report" in card


def test_a_long_list_gets_numbered_pages_from_its_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "LIST_LIMIT", 1)
    ctx = context(write(tmp_path))
    made = pages.render_unit(ctx, ("tag", "chips"))
    assert sorted(made) == [
        "tags/chips.md",
        "tags/chips/briefings/2.md",
        "tags/chips/briefings/index.md",
    ]
    assert "The first 1 of 2" in made["tags/chips.md"]


def test_rendering_is_pure(tmp_path: Path) -> None:
    """Rendering a unit twice, or after others, gives the same pages."""
    ctx = context(write(tmp_path))
    first = pages.render_unit(ctx, ("entity", "nvidia"))
    pages.render_all(ctx)
    assert pages.render_unit(ctx, ("entity", "nvidia")) == first


def test_the_whole_project_steps_put_the_largest_at_both_ends(tmp_path: Path) -> None:
    steps = pages.steps(context(write(tmp_path)))
    weights = [s.weight for s in steps]
    assert weights[0] == weights[-1] == max(weights)
    assert min(weights) in weights[1:-1]
    assert len(steps) <= pages.MAX_STEPS


def test_render_all_is_every_unit_and_every_step(tmp_path: Path) -> None:
    ctx = context(write(tmp_path))
    made = pages.render_all(ctx)
    for unit in pages.units(ctx.corpus):
        assert pages.render_unit(ctx, unit).items() <= made.items()
    for doc in ("index.md", "timeline/index.md", "claims/index.md", "data/briefings.json"):
        assert doc in made


# --- keys -----------------------------------------------------------------------------


def _keys(root: Path) -> dict[pages.Unit, str]:
    ctx = context(root)
    reads = Reads(ctx)
    return {u: incremental.unit_key(reads, u) for u in pages.units(ctx.corpus)}


@pytest.mark.parametrize(
    ("edit", "touched"),
    [
        # a briefing's title shows on its page and in every list of it
        (
            ("Second report", "Second report, edited"),
            {
                "briefing second",
                "entity nvidia",
                "entity huawei",
                "entity reuters",
                "tag chips",
                "tag exports",
                "briefing first",
            },
        ),
        # a body's second paragraph shows only on its own page (lists show the first)
        ("A second paragraph.\n", {"briefing second", "briefing first"}),
    ],
    ids=["title", "body"],
)
def test_a_key_changes_exactly_when_what_its_unit_shows_changes(
    tmp_path: Path, edit: tuple[str, str] | str, touched: set[str]
) -> None:
    before = _keys(write(tmp_path / "a"))
    seeds = dict(SEEDS)
    if isinstance(edit, tuple):
        seeds["2025/second.md"] = seeds["2025/second.md"].replace(*edit)
    else:
        for rel in seeds:
            seeds[rel] = seeds[rel].replace(edit, "A second paragraph, edited.\n")
    after = _keys(write(tmp_path / "b", seeds))
    changed = {f"{k} {n}" for (k, n), key in after.items() if before.get((k, n)) != key}
    assert changed == touched
