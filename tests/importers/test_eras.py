import pytest

from reports.eras import UnknownEraError, era_to_western, find_fiscal_year, fiscal_year_label


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("平成29年度実施状況", 2017),
        ("平成28年度", 2016),
        ("令和元年度の取組実績", 2019),
        ("令和2年度", 2020),
        ("平成31年度", 2019),
        ("平成32年度", 2020),
        ("平成２９年度実施状況", 2017),
        ("2019年度", 2019),
        ("２０２１年度 実施状況", 2021),
        ("H29年度", 2017),
        ("R3年度", 2021),
        ("実施状況", None),
    ],
)
def test_fiscal_year_is_read_from_headings(text, year):
    assert find_fiscal_year(text) == year


def test_unknown_era_is_refused_with_its_name():
    with pytest.raises(UnknownEraError) as raised:
        find_fiscal_year("光文3年度実施状況")
    assert raised.value.era == "光文"


def test_first_year_of_an_era_is_gannen():
    assert era_to_western("令和", "元") == 2019
    assert fiscal_year_label(2019) == "令和元年度（2019年度）"
    assert fiscal_year_label(2017) == "平成29年度（2017年度）"
    assert fiscal_year_label(2018) == "平成30年度（2018年度）"
