"""Every page type the browser tests visit, taken from the site's one list
(tests/pages.py), plus the 404 page."""

from dataclasses import dataclass

from tests import pages


@dataclass(frozen=True)
class PageType:
    name: str  # names the test case and the screenshot files
    path: str
    status: int = 200


PAGE_URLS = (
    *(
        PageType(name, path, 400 if name in pages.BAD_REQUEST_PAGES else 200)
        for name, path in pages.PAGE_URLS.items()
    ),
    PageType("not_found", f"/plans/{pages.PLAN}/projects/999/", status=404),
)


def each_page_type():
    """`@pytest.mark.parametrize("page_type", **each_page_type())`."""
    return {"argvalues": PAGE_URLS, "ids": [page_type.name for page_type in PAGE_URLS]}
