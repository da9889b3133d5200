"""Every page type the browser tests visit: add a line here for a new one."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageType:
    name: str  # names the test case and the screenshot files
    path: str
    status: int = 200


PAGE_URLS = (
    PageType("plan-overview", "/plans/saitama-dv-2/"),
    PageType("project", "/plans/saitama-dv-2/projects/20/"),
    PageType("not-found", "/plans/saitama-dv-2/projects/999/", status=404),
)


def each_page_type():
    """`@pytest.mark.parametrize("page_type", **each_page_type())`."""
    return {"argvalues": PAGE_URLS, "ids": [page_type.name for page_type in PAGE_URLS]}
