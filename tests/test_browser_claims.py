"""Claim threads in a real headless Chromium: the fictional project of
``tests/data/claims-project/`` built with ``briefing build --strict`` and served on
127.0.0.1.  A reader opens ``/claims/`` and sees a thread with its history, follows a
word of it to the briefing it was made in, and opens a source's card to see its record
and the list behind it.  (Browser and page fixtures: ``tests/test_browser.py``.)
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests import test_browser  # skips this module too without Debian's chromium
from tests.golden import CLAIMS_PROJECT
from tests.helpers import build_and_serve
from tests.test_browser import Network, assert_offline, settle, shot

#: The browser and page fixtures of the example's browser tests.
browser = test_browser.browser
tab = test_browser.tab


@pytest.fixture(scope="module")
def claims_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("claims-browser") / "project"
    shutil.copytree(CLAIMS_PROJECT, root)
    with build_and_serve(root, "--strict") as url:
        yield url


def test_claims_page_shows_threads_by_status(claims_site: str, tab: tuple[Page, Network]) -> None:
    page, network = tab
    page.goto(f"{claims_site}claims/")
    settle(page)
    article = page.locator("article")
    expect(article.locator("h1").first).to_contain_text("Claims")
    for heading in (
        "Contested (the latest words disagree)",
        "Open — reported",
        "Settled — confirmed",
    ):
        expect(article.locator("h2", has_text=heading).first).to_be_visible()
    thread = article.locator("#thread-zentara-pauses-k7")
    expect(thread.locator(".bf-status").first).to_have_text("confirmed")
    expect(thread).to_contain_text(
        "Zentara asked its suppliers to pause work on the K7 accelerator"
    )
    history = thread.locator("ol.bf-history li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text(
        "Zentara confirmed that it asked suppliers to pause K7 work"
    )
    contested = article.locator("#thread-quillon-buys-vessa")
    expect(contested.locator(".bf-status").first).to_have_text("contested")
    expect(contested.locator("ol.bf-history li")).to_have_count(2)
    shot(page, "claims")
    # A word of the thread links to the claim on the briefing it was made in.
    history.first.locator("a", has_text="Zentara confirms K7 pause").click()
    page.wait_for_url(f"{claims_site}briefings/2025-03-20-zentara-confirms-pause/#claim-1")
    settle(page)
    expect(page.locator("#claim-1")).to_contain_text("Updates “Zentara asked its suppliers")
    assert_offline(network)


def test_briefing_page_shows_later_word(claims_site: str, tab: tuple[Page, Network]) -> None:
    page, network = tab
    page.goto(f"{claims_site}briefings/2025-03-03-zentara-pauses-k7/")
    settle(page)
    first = page.locator("#claim-1")
    expect(first.locator(".bf-later")).to_contain_text(
        "Later: confirmed by Zentara Semiconductor, citing a company statement, 20 March 2025, in"
    )
    expect(page.locator("#claim-2 .bf-contested")).to_contain_text(
        "the latest words on this claim disagree"
    )
    assert_offline(network)


def test_source_card_shows_its_track_record(claims_site: str, tab: tuple[Page, Network]) -> None:
    page, network = tab
    page.goto(f"{claims_site}entities/lantern-ledger/")
    settle(page)
    article = page.locator("article")
    expect(article.locator("h2", has_text="Track record")).to_be_visible()
    record = article.locator(".bf-record")
    expect(record).to_contain_text("1 of 3 later confirmed")
    expect(record).to_contain_text("1 of 3 contested")
    expect(record).to_contain_text("1 of 3 still open")
    shot(page, "source-record")
    record.locator("a", has_text="Each claim and what became of it").click()
    page.wait_for_url(f"{claims_site}entities/lantern-ledger/record/")
    settle(page)
    items = page.locator("article > ul > li")
    expect(items).to_have_count(3)
    expect(items.filter(has_text="Quillon Systems is in talks to buy Vessa Labs")).to_have_count(1)
    assert_offline(network)
