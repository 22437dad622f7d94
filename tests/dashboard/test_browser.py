"""One headless-Chromium pass over every page of `streamlit run`, with a screenshot each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from dashboards.components import fmt
from pipelines.bench.page_render import (
    BUSY,
    DRAWN,
    VIEWPORT,
    chromium,
    dashboard_server,
    wait_until_drawn,
)
from pipelines.disclosure import perturbed
from tests.dashboard.conftest import PAGES, query
from tests.dashboard.test_pages import figure_label as catalog_label

SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard_url(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run` on a free localhost port, stopped afterwards."""
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with dashboard_server(published, log) as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(dashboard_url: str) -> Iterator[Page]:
    with chromium() as browser:
        yield browser.new_page(viewport=VIEWPORT)


def wait_for_render(page: Page, title: str) -> None:
    """Drawn (the benchmark's wait), then once more: a chart may redraw just after."""
    wait_until_drawn(page, title)
    page.wait_for_timeout(1000)
    page.wait_for_function(DRAWN, arg=BUSY, timeout=60_000)


def screenshot_whole_page(page: Page, path: Path) -> None:
    """Streamlit scrolls inside its main pane, so grow the window to the pane's height first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, min(int(height), 8000))})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


@pytest.mark.parametrize("slug", list(PAGES))
def test_page_opens_in_chromium_without_errors(
    browser_page: Page, dashboard_url: str, slug: str
) -> None:
    path = "" if slug == "oversikt" else slug
    browser_page.goto(f"{dashboard_url}/{path}")
    wait_for_render(browser_page, PAGES[slug])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    screenshot_whole_page(browser_page, SCREENSHOTS / f"{slug}.png")
    assert browser_page.locator(ERRORS).count() == 0
    assert browser_page.locator('[data-testid="stDataFrame"], h1').count() > 0


def choose(page: Page, title: str, option: str) -> None:
    """Pick `option` in the sidebar filter `title`, and wait for the page to redraw.

    Scrolled into view first: scrolling the sidebar while the list is open closes it."""
    combo = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=title)
    combo.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    combo.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_timeout(500)
    for _ in range(2):
        page.wait_for_function("s => !document.querySelector(s)", arg=BUSY, timeout=60_000)
        page.wait_for_timeout(800)


def shown_metrics(page: Page) -> dict[str, str]:
    """The key figures as the browser shows them: label -> value."""
    return {
        metric.locator('[data-testid="stMetricLabel"]').inner_text().strip(): metric.locator(
            '[data-testid="stMetricValue"]'
        )
        .inner_text()
        .strip()
        for metric in page.locator('[data-testid="stMetric"]').all()
    }


def open_overview(page: Page, dashboard_url: str) -> str:
    """A fresh session on Översikt (every filter at its default); returns the period shown."""
    page.goto(dashboard_url)
    wait_for_render(page, PAGES["oversikt"])
    urval = page.get_by_text("Urval:", exact=False).first.inner_text()
    return urval.rsplit("Tertial ", 1)[1].strip()


def test_filters_in_chromium_reach_every_figure_or_say_so(
    browser_page: Page, dashboard_url: str, published: Path
) -> None:
    """Kommun, kön × åldersgrupp and insats, driven as a user does, against the marts."""
    page = browser_page
    period = open_overview(page, dashboard_url)
    [(municipality, mean)] = query(
        published,
        "select municipality_name, mean_months from marts.municipality_throughput_times "
        "where insats = 'Alla insatser' and period_type = 'tertial' and period_label = ? "
        "and municipality_name in (select municipality_name from marts.units) "
        "order by throughput_exits desc, 1 limit 1",
        [period],
    )
    choose(page, "Kommun", municipality)
    figures = shown_metrics(page)
    assert figures[catalog_label(published, "mean_months")] == fmt(mean, "months")
    assert figures[catalog_label(published, "cost_per_served")] == "–"
    info = " ".join(page.locator('[data-testid="stAlertContentInfo"]').all_inner_texts())
    assert catalog_label(published, "cost_per_served") in info

    open_overview(page, dashboard_url)
    everyone = shown_metrics(page)
    [(age_band,)] = query(
        published,
        "select min(dimension_value) from marts.outcomes where dimension = 'age_band'",
    )
    choose(page, "Kön", "Kvinnor")
    choose(page, "Åldersgrupp", age_band)
    assert shown_metrics(page) == everyone, "one panel, for everyone in the place"
    info = " ".join(page.locator('[data-testid="stAlertContentInfo"]').all_inner_texts())
    assert "Kön (Kvinnor)" in info and f"Åldersgrupp ({age_band})" in info
    assert "kön och åldersgrupp tillsammans" in info

    open_overview(page, dashboard_url)
    [(insats, active, key)] = query(
        published,
        "select insats, active_at_end, active_at_end_cell_key from marts.period_flows "
        "where insats <> 'Alla insatser' and unit = 'Alla enheter' and period_type = 'tertial' "
        "and period_label = ? order by active_at_end desc limit 1",
        [period],
    )
    choose(page, "Förbund / insats", insats)
    active_shown = shown_metrics(page)[catalog_label(published, "active_at_end")]
    assert active_shown.replace("\u202f", "") == str(round(perturbed(active, key)))
    assert page.get_by_text(f"{insats}", exact=False).count() > 0


def test_the_page_is_swedish(browser_page: Page, dashboard_url: str) -> None:
    open_overview(browser_page, dashboard_url)
    assert browser_page.evaluate("document.documentElement.lang") == "sv"


def test_print_view_hides_sidebar_header_and_buttons(
    browser_page: Page, dashboard_url: str
) -> None:
    page = browser_page
    open_overview(page, dashboard_url)
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.locator("button:visible").count() > 0
    page.emulate_media(media="print")
    try:
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert not page.locator('[data-testid="stHeader"]').is_visible()
        assert page.locator("button:visible").count() == 0
        assert page.locator('[data-testid="stMetric"]').first.is_visible()
    finally:
        page.emulate_media(media="screen")
