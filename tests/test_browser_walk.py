"""A person's walk through the pages in headless Chromium, on a desktop and on a phone: planning
report → resolution → point → office → its open points → a search → a document with its evidence
highlighted → a query opened by its link. On every page: nothing wider than the window, and no
serious or critical accessibility violation (axe-core, the npm package, run in the page).

Screenshots of every step are kept in the test's temporary folder, ``artefacts/<width>/``."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import ROOT, require
from .test_browser import CHROMIUM, FLAGS

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PLANNING_REPORT = "/id/dresden/planning-report/V2620-23"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def chromium():  # noqa: ANN201
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (.ci/run installs it)")
    require(AXE.exists(), f"axe-core is not installed at {AXE} (npm ci; .ci/run does)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


class Walk:
    """One browser tab that checks every page it reaches and keeps a screenshot of it."""

    def __init__(self, page, base: str, folder: Path) -> None:  # noqa: ANN001
        self.page, self.base, self.folder = page, base, folder
        self.shots: list[Path] = []
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        """No sideways scrolling, no serious or critical axe violation; a screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{name}: {widths[0]} px wide in a {widths[1]} px window"
        # evaluated over the DevTools protocol, which the pages' Content-Security-Policy (scripts
        # from this server only) does not govern; a <script> tag injected would be blocked
        assert page.evaluate(AXE.read_text(encoding="utf-8") + "\n;typeof axe.run") == "function"
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.html)}))"
        )
        assert result == [], f"{name}: {json.dumps(result, ensure_ascii=False, indent=1)}"
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        self.checked.append(name)

    def follow(self, selector: str, name: str, path_part: str) -> None:
        """Click the first link matched by ``selector`` with text ``name``; where it went."""
        self.page.locator(selector).filter(has_text=name).first.click()
        self.page.wait_for_load_state()
        assert path_part in self.page.url, (name, self.page.url)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_walk_from_a_planning_report_to_the_evidence_of_a_fact(
    live_server: str,
    chromium,  # noqa: ANN001
    tmp_path: Path,
    width: int,
) -> None:
    folder = tmp_path / "artefacts" / str(width)
    folder.mkdir(parents=True)
    context = chromium.new_context(locale="de-DE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    walk = Walk(page, live_server, folder)

    page.goto(live_server + PLANNING_REPORT)
    assert page.locator("h1").inner_text() == "Planungsbericht Frühe Hilfen 2023-2028"
    walk.check("planning-report")
    walk.follow("#planning-report .adopted-by a", "Beschluss zu V2620/23", "/resolution/V2620-23")
    assert page.locator("#subtitle").inner_text() == "Beschluss zu V2620/23 (JHA/061/2024)"
    walk.check("resolution")
    walk.follow("#points a.point-link", "Punkt 4", "/resolution/V2620-23/JHA-061-2024/point/4")
    walk.check("point")
    walk.follow("#point a", "Oberbürgermeister", "/office/oberbuergermeister")
    walk.check("office")
    walk.follow("#office-views a", "offene Beschlusspunkte", "/views/open-points?actor=")
    assert "V1106/21" in page.locator("main").inner_text()
    walk.check("open-points")

    box = page.locator("header form.search-box input[name=q]")
    box.fill("Öffnungen")
    box.press("Enter")
    page.wait_for_load_state()
    assert "/search?q=" in page.url
    assert page.locator("#found").inner_text() == "4 Treffer"
    assert page.locator("ol.hits mark").first.inner_text() == "Öffnung"
    walk.check("search")
    walk.follow("ol.hits a", "Beschlussausfertigung V1106/21", "/document/JHA-042-2022")
    assert page.locator("h1").inner_text() == "Beschlussausfertigung V1106/21"
    walk.check("document")

    # a fact leads to its sentence, which is highlighted, and the sentence back to its fact
    page.locator('#facts a.to-text[href="#char=912,1220"]').first.click()
    assert page.url.endswith("#char=912,1220")
    mark = page.locator('#text .anchor[id="char=912,1220"] + a.evidence mark')
    assert mark.inner_text().startswith("Der Oberbürgermeister wird beauftragt")
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == "rgb(255, 179, 71)"
    assert mark.is_visible()
    walk.check("evidence-highlighted")
    mark.click()
    target = page.evaluate("location.hash")
    assert page.locator(f"li{target}").inner_text().endswith("V1106/21, Punkt 4")

    # an evidence link elsewhere opens the same place on this host
    page.goto(live_server + "/id/dresden/resolution/V1106-21/JHA-042-2022/point/4")
    page.locator("#outgoing .folded a", has_text="912–1220").first.click()
    page.wait_for_load_state()
    assert page.url == (
        live_server
        + "/id/dresden/document/JHA-042-2022_V1106-21_Beschlussausfertigung#char=912,1220"
    )

    # a shared query link opens the editor with its results
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/ratsgraph/ontology#Resolution> }"
    page.goto(f"{live_server}/sparql?query={quote(query)}")
    page.wait_for_selector("table.results tbody tr")
    assert page.locator("table.results tbody tr").count() == 2
    assert page.input_value("#query") == query
    walk.check("editor-permalink")
    page.goto(live_server + "/sparql")
    assert page.locator("#history option[data-query]").first.get_attribute("data-query") == query

    for name, path in (("home", "/"), ("views", "/views/"), ("dataset", "/dataset")):
        page.goto(live_server + path)  # the other page types: checked the same way
        walk.check(name)

    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert walk.checked == [
        "planning-report",
        "resolution",
        "point",
        "office",
        "open-points",
        "search",
        "document",
        "evidence-highlighted",
        "editor-permalink",
        "home",
        "views",
        "dataset",
    ]
    assert all(p.stat().st_size > 1000 for p in walk.shots)
