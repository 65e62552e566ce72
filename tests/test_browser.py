"""The HTML pages in headless Chromium (Debian's `chromium`, driven by Playwright) over the live server.

Screenshots of every step are kept in tests/artifacts/<test name>/ (gitignored).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import require

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PLANNING_REPORT = "/id/dresden/planning-report/V2620-23"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:  # noqa: ANN001
    context = browser.new_context(locale="de-DE", viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pg.shots = []  # type: ignore[attr-defined]

    def shot(name: str) -> None:
        path = folder / f"{len(pg.shots) + 1:02d}-{name}.png"  # type: ignore[attr-defined]
        pg.screenshot(path=str(path), full_page=True)
        pg.shots.append(path)  # type: ignore[attr-defined]

    pg.shot = shot  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def follow(page, name: str | re.Pattern, path_part: str, scope: str = "main") -> None:  # noqa: ANN001
    """Click the first link in ``scope`` whose text is ``name`` and check where it went."""
    page.locator(scope).get_by_role("link", name=name).first.click()
    page.wait_for_load_state()
    assert path_part in page.url, (name, page.url)


def test_from_the_planning_report_to_point_4_its_office_and_status_report_and_back(
    live_server: str, page
) -> None:  # noqa: ANN001
    page.goto(live_server + PLANNING_REPORT)
    assert page.locator("h1").inner_text() == "Planungsbericht Frühe Hilfen 2023-2028"
    page.shot("planning-report")
    follow(
        page,
        "Teil IV – Spezifischer Teil",
        "/framework/planungsrahmen-kinder-und-jugendhilfe/teil-iv",
        "#planning-report",
    )
    page.shot("framework-part")
    follow(page, "V2620/23, Punkt 2", "/resolution/V2620-23/JHA-061-2024/point/2", "#incoming")
    follow(
        page, "Beschluss zu V2620/23 (JHA/061/2024)", "/resolution/V2620-23/JHA-061-2024", "#point"
    )
    page.shot("resolution")
    follow(page, "Punkt 4", "/resolution/V2620-23/JHA-061-2024/point/4", "#points")
    assert page.locator("h1").inner_text() == "V2620/23, Punkt 4"
    page.shot("point-4")
    follow(page, "Oberbürgermeister", "/office/oberbuergermeister", "#point")
    assert "fortlaufend (1)" in page.locator("#office").inner_text()
    page.shot("oberbuergermeister")
    follow(page, "V2620/23, Punkt 4", "/resolution/V2620-23/JHA-061-2024/point/4", "#office")
    follow(
        page,
        "Beschlusskontrolle V2620/23",
        "/document/V2620-23_Beschlusskontrolle_Hausmitteilung",
        "#status-history",
    )
    assert page.locator("h1").inner_text() == "Beschlusskontrolle V2620/23"
    page.shot("beschlusskontrolle")
    follow(page, "Planungsbericht Frühe Hilfen 2023-2028", PLANNING_REPORT, "#report")
    assert page.locator("h1").inner_text() == "Planungsbericht Frühe Hilfen 2023-2028"
    page.shot("back-at-the-planning-report")
    assert len(page.shots) == 7 and all(p.stat().st_size > 1000 for p in page.shots)


def test_home_page_then_a_view_from_its_form(live_server: str, page) -> None:  # noqa: ANN001
    page.goto(live_server + "/")
    assert page.locator("#count-points").inner_text() == "11"
    page.shot("home")
    follow(page, "Ansichten", "/views/", "header")
    page.get_by_role("link", name=re.compile("Offene Beschlusspunkte")).first.click()
    page.wait_for_load_state()
    page.fill("input[name=actor]", "Oberbürgermeister")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_load_state()
    assert "actor=Ober" in page.url
    cells = page.locator("table.results tbody tr td:first-child").all_inner_texts()
    assert cells == ["V1106/21", "V2620/23"]
    page.shot("open-points")


def test_query_editor_highlights_adds_prefixes_runs_and_offers_csv(live_server: str, page) -> None:  # noqa: ANN001
    page.goto(live_server + "/sparql")
    assert page.locator("#highlight .tok-keyword").first.inner_text() in ("PREFIX", "SELECT")
    page.fill(
        "#query",
        "SELECT ?point ?label WHERE { ?point a rb:ResolutionPoint ; rdfs:label ?label } ORDER BY ?label",
    )
    assert page.locator("#highlight .tok-pname").all_inner_texts()[:2] == [
        "rb:ResolutionPoint",
        "rdfs:label",
    ]
    page.get_by_role("button", name="Ausführen").click()
    page.wait_for_selector("table.results tbody tr")
    assert page.input_value("#query").startswith(
        "PREFIX rb: <https://w3id.org/ratsgraph/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 11
    assert rows.first.locator("td").nth(1).inner_text() == "V1106/21, Punkt 1"
    assert page.locator("#status").inner_text().startswith("11 Zeilen")
    page.wait_for_selector("#csv:not([hidden])")
    with page.expect_download() as download:
        page.click("#csv")
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0] == "point,label" and len(csv_text.splitlines()) == 12
    page.shot("editor-results")
    # a view of queries/ as a ready example
    page.select_option("#examples", "open-points")
    assert page.input_value("#query").startswith("# title: Offene Beschlusspunkte")
    page.get_by_role("button", name="Ausführen").click()
    page.wait_for_selector("table.results tbody tr")
    assert page.locator("table.results thead th").all_inner_texts()[:2] == ["vorlage", "session"]
    page.shot("editor-example")
    # a link in the results leads to the resource page
    page.locator("table.results tbody a[href^='/id/']").first.click()
    page.wait_for_load_state()
    assert "/id/dresden/" in page.url
