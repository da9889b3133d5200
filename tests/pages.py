"""One URL per page type of the site, for the seeded data (fixtures/plans.toml).

Browser tests and query-count tests walk this list; add a page type here when
the site gains one.
"""

PLAN = "saitama-dv-2"
MUNICIPALITY = "saitama-city"

PAGE_URLS: dict[str, str] = {
    "home": "/",
    "plan": f"/plans/{PLAN}/",
    "goal": f"/plans/{PLAN}/goals/2/",
    "direction": f"/plans/{PLAN}/goals/2/directions/4/",
    "project": f"/plans/{PLAN}/projects/20/",
    "fiscal_year": f"/plans/{PLAN}/years/2017/",
    "fiscal_year_unpublished": f"/plans/{PLAN}/years/2016/",
    "filter": f"/plans/{PLAN}/statuses/",
    "filter_combined": f"/plans/{PLAN}/statuses/?goal=2&department=%E7%94%B7%E5%A5%B3%E5%85%B1%E5%90%8C%E5%8F%82%E7%94%BB%E8%AA%B2&year=2017&q=DV",
    "filter_bad_parameter": f"/plans/{PLAN}/statuses/?goal=99",
    "filter_unpublished_year": f"/plans/{PLAN}/statuses/?year=2016",
    "department_index": "/departments/",
    "municipality_departments": f"/m/{MUNICIPALITY}/departments/",
    "department": f"/m/{MUNICIPALITY}/departments/%E5%B8%82%E6%B0%91%E7%94%9F%E6%B4%BB%E5%AE%89%E5%85%A8%E8%AA%B2/",
    "about": "/about/",
    "help": "/help/",
    "data": "/data/",
}
"""``filter_combined`` is goal Ⅱ + 男女共同参画課 + 2017 + keyword DV;
``department`` is 市民生活安全課, which has a predecessor (市民総務課);
``fiscal_year_unpublished`` and ``filter_unpublished_year`` name a year of the
plan's period (2016–2020) before its first published year (2017), so
that it stays unpublished with later years loaded."""

# Each page type's <title>: the page's own short name and the site's neutral name,
# never the plan's title or words such as 暴力 or DV (the tab bar and the browser's
# history show it).
PAGE_TITLES: dict[str, str] = {
    name: f"{title}｜計画の実施状況"
    for name, title in {
        "home": "計画の概要",
        "plan": "計画の概要",
        "goal": "基本目標Ⅱ",
        "direction": "施策の方向Ⅱ-4",
        "project": "事業20",
        "fiscal_year": "平成29年度（2017年度）の実施状況",
        "fiscal_year_unpublished": "平成28年度（2016年度）の実施状況",
        "filter": "絞り込み（57件・1ページ目）",
        "filter_combined": "絞り込み（8件）",
        "filter_bad_parameter": "絞り込み",
        "filter_unpublished_year": "絞り込み",
        "department_index": "担当課の一覧",
        "municipality_departments": "さいたま市の担当課の一覧",
        "department": "担当課のページ",
        "about": "このサイトについて",
        "help": "相談窓口",
        "data": "オープンデータ",
    }.items()
}
WORDS_NEVER_IN_TITLES = ("暴力", "DV", "ＤＶ", "配偶者", "虐待", "被害")

# Page types answered with 400 on purpose, to show how a bad parameter is explained.
BAD_REQUEST_PAGES = {"filter_bad_parameter", "filter_unpublished_year"}

# The JSON API and the downloads: one URL per endpoint, for the query-count test.
API_URLS: dict[str, str] = {
    "api_plans": "/api/v1/plans/",
    "api_plan": f"/api/v1/plans/{PLAN}/",
    "api_goals": f"/api/v1/plans/{PLAN}/goals/",
    "api_directions": f"/api/v1/plans/{PLAN}/directions/",
    "api_projects": f"/api/v1/plans/{PLAN}/projects/",
    "api_statuses": f"/api/v1/plans/{PLAN}/statuses/?year=2017&goal=2",
    "api_departments": "/api/v1/departments/",
    "export_csv": f"/plans/{PLAN}/statuses.csv?goal=2",
    "export_xlsx": f"/plans/{PLAN}/statuses.xlsx?goal=2",
    "export_json": "/data/statuses.json",
}
