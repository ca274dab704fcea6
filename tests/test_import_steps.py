"""Each step of the import pipeline on its own, table-driven: input → expected output.

read (pages, feeds) → sentences → dates → entities → attributions → claims and quotes.
The whole pipeline is tested in test_import.py, test_import_cli.py and, for how often it
is right, test_import_quality.py.
"""

from __future__ import annotations

import datetime

import pytest

from generator.importer.attributions import Discourse, attribution, strip_lead
from generator.importer.dates import find_dateline, relative_dates
from generator.importer.entities import Entity, Registry, candidates
from generator.importer.proposals import Sentence, analyse, claims, quotes, short_clause
from generator.importer.read import feed_articles, fragment_paragraphs, html_article
from generator.importer.sentences import split_sentences
from tests.test_import_quality import INTAKE

# --- sentences ------------------------------------------------------------------------------

SENTENCES = [
    ("Sales fell after U.S. rivals cut prices. Shares rose.",
     ["Sales fell after U.S. rivals cut prices.", "Shares rose."]),
    ("Corvane Inc. said it would grow. It did.", ["Corvane Inc. said it would grow.", "It did."]),
    ("It was bought by Acme Corp. The deal closed.",
     ["It was bought by Acme Corp.", "The deal closed."]),
    ("Brightline Corp. and Pinecrest Labs Inc. will build it.",
     ["Brightline Corp. and Pinecrest Labs Inc. will build it."]),
    ("The deal, signed on Oct. 16, closed. Next.", ["The deal, signed on Oct. 16, closed.", "Next."]),
    ("See notice No. 4471 for details.", ["See notice No. 4471 for details."]),
    ("He moved to St. Louis. She stayed.", ["He moved to St. Louis.", "She stayed."]),
    ('"It works. It ships," he said. Then more.', ['"It works. It ships," he said.', "Then more."]),
    ("Dr. Chen Yiming spoke. Mr. Hale left.", ["Dr. Chen Yiming spoke.", "Mr. Hale left."]),
    ("Is it real? Yes! Fine.", ["Is it real?", "Yes!", "Fine."]),
]  # fmt: skip


@pytest.mark.parametrize(("paragraph", "expected"), SENTENCES)
def test_sentences(paragraph: str, expected: list[str]) -> None:
    assert [s for _, s in split_sentences(paragraph)] == expected


# --- dates ----------------------------------------------------------------------------------

TUE = datetime.date(2026, 6, 2)
DATES = [
    ("Tessaro today announced the server.", TUE, ["2026-06-02"]),
    ("They deployed it since the start of the year.", TUE, ["early 2026"]),
    ("It aimed to ship 100,000 units this year.", TUE, []),
    ("Sales rose this year.", TUE, ["2026"]),
    ("It will be available in the third quarter.", TUE, []),
]


@pytest.mark.parametrize(("text", "published", "expected"), DATES)
def test_more_relative_dates(text: str, published: datetime.date, expected: list[str]) -> None:
    assert [p.date for p in relative_dates(text, published)] == expected


DATELINES = [
    ("SAN JOSE, Calif., June 2, 2026 -- Tessaro today ...", "", "SAN JOSE, Calif., June 2, 2026"),
    ("SHENZHEN, China, Aug. 18, 2026 (Meridian Wire) - Huayu ...", "Meridian Wire",
     "SHENZHEN, China, Aug. 18, 2026"),
    ("NEW YORK, March 3, 2026 /PRNewswire/ -- Acme ...", "PRNewswire", "NEW YORK, March 3, 2026"),
    ("In 2026 - a year of change - sales rose.", None, ""),
]  # fmt: skip


@pytest.mark.parametrize(("paragraph", "agency", "lead"), DATELINES)
def test_press_release_datelines(paragraph: str, agency: str | None, lead: str) -> None:
    found = find_dateline(paragraph)
    if agency is None:
        assert found is None
        return
    assert found is not None
    assert (found.agency, found.lead) == (agency, lead)


# --- entities -------------------------------------------------------------------------------

REGISTRY = Registry(
    [
        Entity(
            "meridian-wire", "Meridian Wire", "media", (), ("https://www.meridianwire.example",)
        ),
        Entity("lantern-post", "The Lantern Post", "media", ("Lantern Post",)),
        Entity("harbor-ledger", "Harbor Ledger", "media", (), ("https://harborledger.example/",)),
        Entity("corvane", "Corvane Semiconductor", "company", ("Corvane",)),
        Entity("lumisyn", "Lumisyn", "company"),
        Entity("mara-ellison", "Mara Ellison", "person"),
        Entity("us-government", "U.S. government", "government", ("Commerce Department",)),
    ]
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.harborledger.example/tech/x", "harbor-ledger"),
        ("https://news.meridianwire.example/a", "meridian-wire"),
        ("https://example.com/", None),
        ("harborledger.example", "harbor-ledger"),
    ],
)
def test_publisher_by_the_domain_of_its_links(url: str, expected: str | None) -> None:
    assert REGISTRY.by_url(url) == expected


CANDIDATES = [
    # title, body, expected (name, type), main subject
    ("DeepTide raises $600 million",
     "Chinese startup DeepTide has raised money from NovaByte. NovaByte declined to comment.",
     [("DeepTide", "company"), ("NovaByte", "company")], "DeepTide"),
    ("Chips", "Founder Chen Yiming said sales rose. Lena Ortiz, an analyst, agreed.",
     [("Chen Yiming", "person"), ("Lena Ortiz", "person")], None),
    ("Chips", "Brightline Corp. and Pinecrest Labs Inc. will build the U.S. Department of Defense servers.",
     [("Brightline Corp", "company"), ("Pinecrest Labs Inc", "company"),
      ("U.S. Department of Defense", "government")], None),
    ("Chips", "Its Tidal-3 model and the QX-500 chip beat the Atlas X1 server.",
     [("Tidal-3", "product"), ("QX-500", "product"), ("Atlas X1", "product")], None),
    ("Chips", "Corvane said in Beijing and Shanghai on Monday that China, Taiwan and AI matter.",
     [], None),
    ("Chips", "Analysts at Kessler Research said so. Hale said more, Victor Hale added.",
     [("Kessler Research", "company"), ("Victor Hale", "person")], "Victor Hale"),
]  # fmt: skip


@pytest.mark.parametrize(("title", "body", "expected", "subject"), CANDIDATES)
def test_new_entity_candidates(
    title: str, body: str, expected: list[tuple[str, str]], subject: str | None
) -> None:
    sentences = [(s, REGISTRY.mentions(s)) for _, s in split_sentences(body)]
    found = candidates(title, sentences, REGISTRY)
    assert sorted((c.name, c.type) for c in found) == sorted(expected)
    main = [c.name for c in found if c.subject]
    assert main == ([subject] if subject else [])
    if subject:
        assert found[0].name == subject  # the main subject is proposed first


# --- attributions ---------------------------------------------------------------------------

ATTRIBUTIONS = [
    # sentence(s) (the last is analysed), by, basis, status, claim text starts with
    (["Corvane is weighing cuts, The Lantern Post reported on Tuesday, citing two people "
      "familiar with the matter."], "lantern-post", "two people familiar with the matter",
     "reported", "Corvane is weighing cuts"),
    (["The round values it at $4 billion, according to two people familiar with the matter."],
     "meridian-wire", "two people familiar with the matter", "reported", "The round values"),
    (["Regulators told firms to stop buying, Harbor Ledger reported.",
      "Chinese regulators earlier this month told companies to stop, the newspaper said."],
     "harbor-ledger", None, "reported", "Chinese regulators earlier this month told"),
    (["Corvane rose.", "Prices will rise, the company said in a statement."],
     "corvane", None, "reported", "Prices will rise"),
    (["Last week, Lumisyn said it had raised $250 million."], "lumisyn", None, "reported",
     "It had raised $250 million"),
    (["Demand will rise, according to analysts at Kessler Research."],
     "Analysts at Kessler Research", None, "reported", "Demand will rise"),
    (["Corvane on Tuesday denied a report that it planned to move packaging."],
     "corvane", None, "denied", "It planned to move packaging"),
    (["A Corvane spokesperson said the reports were inaccurate."],
     "corvane", None, "denied", "The reports were inaccurate"),
    (["Corvane confirmed on Monday that its chip had taped out."], "corvane", None, "confirmed",
     "Its chip had taped out"),
    (["Mara Ellison, Corvane's chief executive, said the company would hire 300 engineers."],
     "mara-ellison", None, "reported", "The company would hire"),
    (["Growth slowed in the second quarter, U.S. officials said."], "U.S. officials", None,
     "reported", "Growth slowed"),
    (["Packaging moved to Arizona, according to a statement by the Commerce Department."],
     "us-government", None, "reported", "Packaging moved"),
    (["We estimate that China accounted for 31% of revenue."], "meridian-wire", None,
     "reported", "China accounted for 31%"),
    (["The Lantern Post reported on Monday that Lumisyn trains on Corvane chips.",
      "Neither has abandoned Corvane, the report said, with both using its chips."],
     "lantern-post", None, "reported", "Neither has abandoned Corvane, with both"),
]  # fmt: skip


def _analysed(texts: list[str]) -> tuple[list[Sentence], Discourse]:
    sentences = [Sentence(i, i, 0, text, REGISTRY.mentions(text)) for i, text in enumerate(texts)]
    discourse = Discourse(REGISTRY, "meridian-wire", [])
    analyse(sentences, discourse)
    return sentences, discourse


@pytest.mark.parametrize(("texts", "by", "basis", "status", "text"), ATTRIBUTIONS)
def test_attribution(texts: list[str], by: str, basis: str | None, status: str, text: str) -> None:
    sentences, discourse = _analysed(texts)
    found = [c.fields for c in claims(sentences, discourse)]
    last = found[-1]
    assert (last["by"], last.get("basis"), last["status"]) == (by, basis, status), last
    assert last["text"].startswith(text), last["text"]


NOT_CLAIMS = [
    "The U.S. Commerce Department last month added three providers to its blacklist.",
    "Corvane today announced the Veltra M3, a new accelerator.",
    "Shares of Corvane fell 3% in early trading on Wednesday.",
    '"We will grow," Mara Ellison said.',  # a quote, not a claim
]


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_not_a_claim(text: str) -> None:
    sentences, discourse = _analysed([text])
    assert claims(sentences, discourse) == []


NO_COMMENT = [
    ("Corvane did not respond to a request for comment.", "corvane"),
    ("Corvane, whose chips were used, declined to comment.", "corvane"),
    ("Lumisyn and Corvane did not immediately respond to requests for comment.", "lumisyn"),
    ("Taiwan's economy ministry declined to comment.", "Taiwan's economy ministry"),
    ("Representatives could not be reached for comment.", "meridian-wire"),
]


@pytest.mark.parametrize(("text", "by"), NO_COMMENT)
def test_no_comment_is_by_the_party_that_declined(text: str, by: str) -> None:
    sentences, discourse = _analysed([text])
    [claim] = claims(sentences, discourse)
    assert (claim.fields["by"], claim.fields["status"]) == (by, "no-comment")
    assert "whose" not in claim.fields["text"]


QUOTES = [
    # paragraph, [(by, role, text)]
    ('"We will not be able to meet all demand," Victor Hale, Tessaro\'s rotating chairman, '
     'told a developer conference. "Customers are ordering a year ahead."',
     [("Victor Hale", "chairman", "We will not be able to meet all demand"),
      ("Victor Hale", "chairman", "Customers are ordering a year ahead.")]),
    ('"It works well enough now," said Mara Ellison, chief executive of Corvane.',
     [("mara-ellison", "CEO", "It works well enough now")]),
    ('"The report is not true," a Corvane spokesperson said.',
     [("corvane", "spokesperson", "The report is not true")]),
    ('Corvane called the report "inaccurate" and "not worth a reply".', []),
]  # fmt: skip


@pytest.mark.parametrize(("paragraph", "expected"), QUOTES)
def test_quotes(paragraph: str, expected: list[tuple[str, str | None, str]]) -> None:
    names = [(s, REGISTRY.mentions(s)) for _, s in split_sentences(paragraph)]
    sentences = [
        Sentence(i, 0, off, s, REGISTRY.mentions(s))
        for i, (off, s) in enumerate(split_sentences(paragraph))
    ]
    discourse = Discourse(REGISTRY, "meridian-wire", candidates("Chips", names, REGISTRY))
    analyse(sentences, discourse)
    found = [
        (q.fields["by"], q.fields.get("role"), q.fields["text"])
        for q in quotes([paragraph], sentences, discourse)
    ]
    assert found == expected
    assert all(not b.islower() or b in REGISTRY.entities for b, _, _ in found)  # never id-shaped


# --- event titles and leads -----------------------------------------------------------------

CLAUSES = [
    ("Corvane Semiconductor is considering halting shipments of its Veltra M2 accelerator to "
     "Chinese customers in China and elsewhere across the region",
     "Corvane Semiconductor is considering halting shipments of its Veltra M2 accelerator"),
    ("Sales rose, while costs fell", "Sales rose"),
    ("Alibaba has been using its own chips, a move that surprised analysts",
     "Alibaba has been using its own chips"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CLAUSES)
def test_event_titles_are_a_clause(text: str, expected: str) -> None:
    title = short_clause(text)
    assert title == expected
    assert len(title) <= 90 and not title.endswith("…")


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Last week, OpenAI said it had raised money.", "OpenAI said"),
        ("On Monday, the company said so.", "the company"),
        ("Meanwhile, Baidu said so.", "Baidu said"),
        ("Corvane, the chipmaker, said so.", "Corvane, the"),
    ],
)
def test_lead_phrases(text: str, rest: str) -> None:
    assert text[strip_lead(text) :].startswith(rest)


def test_attribution_returns_none_without_a_speaker() -> None:
    text = "They said it was fine."
    assert attribution(Discourse(REGISTRY, "meridian-wire", []), 0, text, []) is None


# --- reading --------------------------------------------------------------------------------


def test_saved_page_metadata_and_text() -> None:
    raw = (INTAKE / "07-saved-page-lumisyn.html").read_bytes()
    article = html_article(raw, "page.html")
    assert article.title == "Lumisyn unveils Orion-9 model, says it needs no foreign chips"
    assert (article.date, article.publisher) == (datetime.date(2026, 7, 16), "Harbor Ledger")
    assert article.authors == ["Dana Whitlock"]
    assert article.url == (
        "https://www.harborledger.example/tech/2026/07/16/lumisyn-orion-9-domestic-chips"
    )
    assert article.paragraphs[0].startswith("Lumisyn on Thursday released Orion-9")
    assert not any("Related" in p or "©" in p or "Subscribe" in p for p in article.paragraphs)


def test_feed_items() -> None:
    raw = (INTAKE / "08-feed-circuit-weekly.xml").read_bytes()
    first, second = feed_articles(raw, "feed.xml")
    assert (first.title, first.date, first.publisher) == (
        "Corvane confirms Veltra M3 tape-out",
        datetime.date(2026, 9, 8),
        "Circuit Weekly",
    )
    assert first.authors == ["Ravi Menon"]
    assert len(first.paragraphs) == 3 and len(second.paragraphs) == 3
    assert second.origin == "feed.xml item 2"


@pytest.mark.parametrize(
    ("fragment", "paragraphs"),
    [
        ("<p>One.</p><p>Two &amp; three.</p>", ["One.", "Two & three."]),
        ("First.<br>Second.<script>x()</script>", ["First.", "Second."]),
        ("Plain text.\n\nMore.", ["Plain text.", "More."]),
    ],
)
def test_feed_item_content(fragment: str, paragraphs: list[str]) -> None:
    assert fragment_paragraphs(fragment) == paragraphs
