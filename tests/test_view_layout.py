"""View pages in headless Chromium (Debian's `chromium`, driven by Playwright) at a desktop width
(1,280 px) and a phone width (390 px): nothing runs wider than the window, so no page scrolls
sideways; tables stack their rows on a phone; axe-core (the npm package, run in the page) finds no
serious or critical accessibility violation. Screenshots go to tests/artifacts/<test name>/."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import require

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = (
    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    ".filter(v => ['serious', 'critical'].includes(v.impact))"
    ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.html)}))"
)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWS = [
    "/views/open-points?actor=Oberbürgermeister",
    "/views/open-points?actor=Jugendamt&lang=en",
    "/views/overdue?as_of=01.01.2024",
    "/views/resolution?vorlage=V2620-23",
    "/views/framework",
    "/views/actor-summary",
    "/views/",
    "/charts/points-by-status?as_of=01.01.2024",
    "/charts/status-over-time?actor=Oberbürgermeister",
    "/views/committee-years",
    "/charts/committee-years",
    "/views/status-reports?committee=jha",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_view_pages_fit_the_window_and_pass_axe(
    browser, live_server: str, width: int, request: pytest.FixtureRequest
) -> None:  # noqa: ANN001
    require(AXE.exists(), f"axe-core is not installed at {AXE} (npm ci; .ci/run does)")
    context = browser.new_context(
        locale="de-DE",
        viewport={"width": width, "height": 900},
        bypass_csp=True,  # axe is injected
    )
    page = context.new_page()
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    overflowing, violations = {}, {}
    for n, url in enumerate(VIEWS, start=1):
        response = page.goto(live_server + url)
        assert response is not None and response.status == 200, url
        page.screenshot(path=str(folder / f"{n:02d}.png"), full_page=True)
        wider = page.evaluate("document.documentElement.scrollWidth")
        if wider > width:
            overflowing[url] = wider
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(SERIOUS)
        if found:
            violations[url] = found
    context.close()
    assert overflowing == {}
    assert violations == {}, json.dumps(violations, ensure_ascii=False, indent=1)


def test_on_a_phone_each_cell_is_labelled_by_its_column(browser, live_server: str) -> None:  # noqa: ANN001
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/views/overdue?as_of=2024-01-01")
    deadline = page.locator("td.col-deadline").first
    shown = page.evaluate(
        "e => getComputedStyle(e, '::before').content + ' ' + e.textContent",
        deadline.element_handle(),
    )
    header_hidden = page.locator("thead").evaluate("e => e.getBoundingClientRect().width <= 1")
    context.close()
    assert (shown, header_hidden) == ('"Frist: " 30.06.2023 abgelaufen', True)
