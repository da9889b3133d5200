"""WCAG 2.1 A and AA (JIS X 8341-3:2016 AA) as axe-core checks it, and a keyboard-only walk."""

import pytest

from tests.browser.conftest import ROOT, open_visit
from tests.browser.pages import each_page_type

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {
    violations: results.violations.map((rule) => ({
      rule: rule.id,
      impact: rule.impact,
      help: rule.help,
      nodes: rule.nodes.map((node) => node.target.join(" ") + ": " + node.failureSummary),
    })),
    passes: results.passes.map((rule) => rule.id),
  };
}"""


def _readable(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['rule']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"])
    return "\n".join(lines)


WIDTHS = [375, 1280]


@pytest.mark.parametrize("page_type", **each_page_type())
def test_axe_finds_no_wcag_21_aa_violations_at_either_width(chromium, site, page_type):
    """axe-core is given to the page by Playwright before the page's own
    scripts (an init script, which the Content-Security-Policy does not
    govern), so it checks the page as readers get it, policy and all; the
    page is loaded once and checked at each width."""
    visit = open_visit(chromium, viewport={"width": WIDTHS[0], "height": 800})
    visit.context.add_init_script(path=AXE)
    try:
        page = visit.page
        assert page.goto(site + page_type.path).status == page_type.status
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            results = page.evaluate(RUN_AXE, WCAG_21_AA)

            assert results["violations"] == [], f"{width}px\n" + _readable(results["violations"])
            # The rules ran on this very document.
            assert {"html-has-lang", "html-lang-valid", "document-title", "color-contrast"} <= set(
                results["passes"]
            )
    finally:
        visit.context.close()


FOCUSABLE = (
    "a[href], area[href], button:not([disabled]), input:not([disabled]):not([type=hidden]),"
    " select:not([disabled]), textarea:not([disabled]), summary, iframe,"
    " [contenteditable]:not([contenteditable=false]), [tabindex]:not([tabindex='-1'])"
)

# Every element within `root` that can take focus, in document order, described for a reader.
FOCUSABLE_ELEMENTS = """([root, selector]) => Array.from(document.querySelector(root).querySelectorAll(selector))
  .filter((element) => element.checkVisibility({visibilityProperty: true}))
  .map((element) => element.outerHTML.split(">")[0] + ">" + element.textContent.trim().slice(0, 40))"""

# The focused element: its description, whether its focus is drawn and on screen.
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) {
    return {element: null, indicator: false, on_screen: false};
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  const box = element.getBoundingClientRect();
  const on_screen = box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
    && box.left < window.innerWidth && box.top < window.innerHeight;
  return {
    element: element.outerHTML.split(">")[0] + ">" + element.textContent.trim().slice(0, 40),
    indicator: outline || shadow,
    on_screen: on_screen,
  };
}"""


@pytest.mark.parametrize("page_type", **each_page_type())
def test_keyboard_reaches_every_control_in_order_with_visible_focus(site, visit, page_type):
    page = visit.page
    assert page.goto(site + page_type.path).status == page_type.status
    focusable = page.evaluate(FOCUSABLE_ELEMENTS, ["body", FOCUSABLE])

    walk = []
    for _ in focusable:
        page.keyboard.press("Tab")
        walk.append(page.evaluate(FOCUSED))

    assert [step["element"] for step in walk] == focusable
    assert focusable[0].startswith('<a class="quick-exit" ')
    assert focusable[1].startswith('<a class="help-link" href="/help/">')
    assert focusable[2].startswith('<a class="skip-link" href="#main">')
    assert [step for step in walk if not (step["indicator"] and step["on_screen"])] == []


@pytest.mark.parametrize("page_type", **each_page_type())
def test_skip_link_moves_the_keyboard_to_the_main_content(site, visit, page_type):
    page = visit.page
    assert page.goto(site + page_type.path).status == page_type.status
    first_in_main = page.evaluate(FOCUSABLE_ELEMENTS, ["main", FOCUSABLE])[0]

    for _ in range(3):  # the quick exit, the help link, the skip link
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["element"].startswith('<a class="skip-link" href="#main">')
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")

    assert page.evaluate(FOCUSED)["element"] == first_in_main
