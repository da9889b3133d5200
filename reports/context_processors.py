from django.conf import settings
from django.http import HttpRequest

from reports.filters import KEYWORD_MAX_LENGTH
from reports.hotlines import hotline_list


def site_safety(request: HttpRequest) -> dict[str, object]:
    """What every page's quick exit and footer need."""
    return {
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "hotlines": hotline_list(settings.HOTLINES_FILE),
        "keyword_max_length": KEYWORD_MAX_LENGTH,
    }
