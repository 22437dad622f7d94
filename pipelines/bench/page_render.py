"""Time until each dashboard page is fully drawn in headless Chromium, on a published warehouse.

`streamlit run` serves the dashboard on the warehouse; the app is opened once (its first
load timed on its own), then each page of the router is chosen in the sidebar, as a manager
does, `visits` times in turn. A page counts as drawn when its heading is up, its script has
finished (Streamlit's `data-test-script-state`), no placeholder or stale element is left and
every chart has drawn its canvas. The browser tests use the same server, browser and wait
(tests/dashboard/test_browser.py).
"""

from __future__ import annotations

import ast
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROUTER = Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
BUSY = ", ".join(
    [
        '[data-testid="stStatusWidget"]',
        '[data-testid="stSkeleton"]',
        '[data-testid="stAppSkeleton"]',
        '[data-stale="true"]',
    ]
)
# The script has run, nothing is a placeholder, and every chart has drawn.
DRAWN = """busy => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector(busy)) return false;
    return [...document.querySelectorAll('.vega-embed')]
        .every(chart => chart.querySelector('canvas, svg'));
}"""


def router_pages() -> dict[str, str]:
    """Page (file stem) -> title of every `st.Page` of the router, in its order."""
    pages = {}
    for node in ast.walk(ast.parse(ROUTER.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            title = next(word.value.value for word in node.keywords if word.arg == "title")
            pages[Path(node.args[0].value).stem] = title
    return pages


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


@contextmanager
def dashboard_server(warehouse: Path, log: Path) -> Iterator[str]:
    """`streamlit run` on `warehouse` at a free localhost port; its URL, stopped after."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("streamlit")),
                "run",
                str(ROUTER),
                "--server.headless=true",
                "--server.address=127.0.0.1",
                f"--server.port={port}",
                "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
                "--client.toolbarMode=viewer",
            ],
            env=os.environ | {"FINSAM_WAREHOUSE": str(warehouse)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_until_drawn(page: Page, title: str) -> None:
    """The page's heading is up and it is fully drawn (DRAWN)."""
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
    page.wait_for_function(DRAWN, arg=BUSY, timeout=60_000)


def _drawn_ms(page: Page, go: Callable[[], object], title: str) -> float:
    start = time.perf_counter()
    go()
    wait_until_drawn(page, title)
    return (time.perf_counter() - start) * 1000


def page_render_times(warehouse: Path, visits: int, log: Path) -> dict[str, object]:
    """The app's first load, and per page the milliseconds from choosing it in the sidebar
    until drawn: its first visit (figures read cold) and the median and worst of the later
    ones (figures from the server's cache, as for the next manager)."""
    pages = router_pages()
    times: dict[str, list[float]] = {name: [] for name in pages}
    with dashboard_server(warehouse, log) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        first, title = next(iter(pages.items()))
        app_start = _drawn_ms(page, lambda: page.goto(url), title)
        times[first].append(app_start)
        navigation = page.locator('[data-testid="stSidebarNav"]')
        for _ in range(max(visits, 2)):
            for name, title in pages.items():
                if len(times[name]) < max(visits, 2):
                    link = navigation.get_by_role("link", name=title, exact=True)
                    times[name].append(_drawn_ms(page, link.click, title))
    return {
        "app_start_ms": app_start,
        "pages": [
            {
                "page": name,
                "first_ms": measured[0],
                "median_ms": statistics.median(measured[1:]),
                "worst_ms": max(measured[1:]),
            }
            for name, measured in times.items()
        ],
    }
