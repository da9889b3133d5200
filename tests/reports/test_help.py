"""The help page: hotlines first, the municipality's own centre when the data file
lists one, and what the quick exit cannot hide."""

import pytest

from tests.pages import PAGE_URLS
from tests.reports.html import parse

NATIONAL = [
    "DV相談ナビ #8008",
    "DV相談＋（プラス） 0120-279-889",
    "警察（緊急のとき） 110",
    "警察相談専用電話 #9110",
]


def help_main(client):
    response = client.get(PAGE_URLS["help"])
    assert response.status_code == 200
    return parse(response).one("main")


@pytest.mark.django_db
def test_help_page_lists_the_national_lines_with_their_other_routes_first(client, seeded):
    main = help_main(client)
    assert main.texts("h1") == ["相談窓口"]
    assert main.texts("h2") == [
        "電話・チャット・メールで相談できます",
        "このサイトを見たことが残らないように",
    ]
    lines = main.one("ul", cls="hotline-list").all("li", cls="hotline")
    assert [line.one("p", cls="hotline-heading").text for line in lines] == NATIONAL
    assert [line.one("a", cls="hotline-number").attrs["href"] for line in lines] == [
        "tel:%238008",
        "tel:0120279889",
        "tel:110",
        "tel:%239110",
    ]
    assert lines[1].one("ul", cls="hotline-routes").links() == [
        ("チャット・メールで相談する（DV相談＋）", "https://soudanplus.jp/")
    ]
    # The sample's municipality has no centre in the data file: none is made up.
    assert "さいたま市の相談窓口" not in main.text
    assert ("プライベートの画面で見る方法と履歴の消し方", "/about/#safety") in main.links()
    assert "「戻る」や閲覧履歴に残ります" in main.text


@pytest.mark.django_db
def test_help_page_shows_the_centre_of_a_plans_municipality_from_the_data_file(
    client, seeded, settings, tmp_path
):
    path = tmp_path / "hotlines.toml"
    path.write_text(
        '[[hotline]]\nname = "全国の窓口"\nnumber = "0000"\ntel = "0000"\n\n'
        '[[local]]\nmunicipality = "さいたま市"\nname = "市の相談センター"\n'
        'number = "000-000-0000"\ntel = "0000000000"\nnote = "平日 9時〜17時"\n'
        'source = "https://example.org/centre"\n\n'
        '[[local]]\nmunicipality = "ほかの市"\nname = "ほかの市のセンター"\n'
        'number = "111"\ntel = "111"\n',
        encoding="utf-8",
    )
    settings.HOTLINES_FILE = path
    main = help_main(client)
    assert main.texts("h2") == [
        "電話・チャット・メールで相談できます",
        "さいたま市の相談窓口",
        "このサイトを見たことが残らないように",
    ]
    local = main.all("ul", cls="hotline-list")[1]
    assert local.texts("p") == [
        "市の相談センター 000-000-0000",
        "平日 9時〜17時",
        "掲載元: https://example.org/centre",
    ]
    assert "ほかの市のセンター" not in main.text


@pytest.mark.django_db
def test_a_search_with_no_results_offers_spelling_help_and_the_hotlines(client, seeded):
    response = client.get(PAGE_URLS["filter"] + "?q=存在しない語句")
    page = parse(response)
    results = page.one("section", cls="results")
    advice = results.one("div", cls="no-results")
    assert advice.texts("h3") == ["探し方のヒント", "相談したいときは"]
    assert advice.all("ul")[0].texts("li")[1] == (
        "ひらがな・カタカナ・漢字を書き換えてみてください"
        "（例:「でーと」を「デート」に、「こども」を「子ども」に）。"
    )
    assert advice.all("ul")[1].texts("li") == NATIONAL
    assert ("相談窓口をすべて見る（チャット・メールの窓口も）", "/help/") in advice.links()
    # With nothing found, the form stays open to change the words.
    assert "open" in page.one("details", cls="filter-panel").attrs


@pytest.mark.django_db
def test_the_filter_form_folds_away_once_results_are_shown(client, seeded):
    folded = parse(client.get(PAGE_URLS["filter_combined"])).one("details", cls="filter-panel")
    assert "open" not in folded.attrs
    assert folded.one("summary").text == "絞り込みの条件を変える"
    unfiltered_bad = parse(client.get(PAGE_URLS["filter_bad_parameter"]))
    assert "open" in unfiltered_bad.one("details", cls="filter-panel").attrs
