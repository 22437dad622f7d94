"""One headless-Chromium pass over every page of `streamlit run`, with a screenshot each."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.dashboard.conftest import APP, PAGES

SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
BUSY = ", ".join(
    [
        '[data-testid="stStatusWidget"]',
        '[data-testid="stSkeleton"]',
        '[data-testid="stAppSkeleton"]',
        '[data-stale="true"]',
    ]
)

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url}")


@pytest.fixture(scope="module")
def dashboard_url(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run` on a free localhost port, stopped (by its own pid) afterwards."""
    port = free_port()
    env = os.environ | {"FINSAM_WAREHOUSE": str(published)}
    log = (tmp_path_factory.mktemp("streamlit") / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("streamlit")),
            "run",
            str(APP),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
            "--client.toolbarMode=viewer",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser_page(dashboard_url: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


def wait_for_render(page: Page, title: str) -> None:
    """The page's heading is up, the script has finished, and nothing is a placeholder."""
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
    for _ in range(2):  # twice: charts may start a last redraw just after the script ends
        page.wait_for_function("s => !document.querySelector(s)", arg=BUSY, timeout=60_000)
        page.wait_for_timeout(1000)


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
