"""The real page in a real browser: ``influence-sim teach`` on a free loopback port, driven by
Playwright in Debian's chromium (headless, never a Playwright browser download).

The test changes a control, presses Step several times, reads the adopted count the page shows
and checks it against a whole-replication engine run, and saves screenshots under its temporary
directory. With ``TEACH_DOCS_SCREENSHOTS=docs/figures`` it also writes the screenshots that
docs/teaching.md shows (taken once and committed).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("mesa")
pytest.importorskip("solara")
playwright_api = pytest.importorskip("playwright.sync_api")

from sim.model.streams import replication_keys  # noqa: E402
from sim.teach.model import InfluenceModel  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
DAYS = 5

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """``influence-sim teach`` on a free loopback port; yields its URL."""
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "sim", "teach", "--port", str(port), "--no-open"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("the page did not start:\n" + (tmp_path / "server.log").read_text())
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def header(page) -> str:
    return page.locator(".adopted-count").inner_text()


def wait_for_day(page, day: int) -> str:
    page.locator(".adopted-count", has_text=re.compile(rf"^Day {day} of")).wait_for(timeout=15000)
    return header(page)


def engine_adopters(strategy: str, days: int) -> int:
    model = InfluenceModel(strategy=strategy)
    simulation = model.setup.simulation(model.setup.plan(strategy))
    raw = simulation.run(replication_keys(model.root_seed, [0]))
    return int(raw.stat("new_adopters")[0, :days].sum())


def test_the_page_steps_the_engine_in_a_real_browser(served, tmp_path):
    shots = [tmp_path]
    if os.environ.get("TEACH_DOCS_SCREENSHOTS"):
        shots.append(ROOT / os.environ["TEACH_DOCS_SCREENSHOTS"])
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(served)
            assert wait_for_day(page, 0).startswith("Day 0 of 30 · Adopted: 0")
            # change a control: the seeding strategy
            page.get_by_label("Seeding strategy").click(force=True)
            page.get_by_role("option", name="random", exact=True).click()
            page.locator(".adopted-count", has_text="(random)").wait_for(timeout=15000)
            for day in range(1, DAYS + 1):
                page.get_by_role("button", name="Step").click()
                text = wait_for_day(page, day)
            shown = int(re.search(r"Adopted: (\d+)", text).group(1))
            assert shown == engine_adopters("random", DAYS)
            assert shown > 0
            page.locator(".network-figure canvas").first.wait_for(timeout=15000)
            page.wait_for_timeout(500)  # let ECharts paint the last option
            for folder in shots:
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / "teach_page.png"))
            # a classroom preset, played to its end
            page.get_by_label("Classroom preset").click(force=True)
            page.get_by_role("option", name="Complex contagion needs clustered ties").click()
            page.locator(".adopted-count", has_text="(four neighbours)").wait_for(timeout=15000)
            for day in range(1, 16):
                page.get_by_role("button", name="Step").click()
                wait_for_day(page, day)
            page.wait_for_timeout(500)
            for folder in shots:
                page.screenshot(path=str(folder / "teach_lesson.png"))
        finally:
            browser.close()
    assert (tmp_path / "teach_page.png").stat().st_size > 10_000
