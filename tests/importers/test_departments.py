from importers.departments import DepartmentEntry, parse_departments


def test_names_split_on_spaces_and_japanese_separators():
    entries, problems = parse_departments(
        "男女共同参画課 人権教育推進室、保育課・学事課\n青少年育成課"
    )
    assert [e.name for e in entries] == [
        "男女共同参画課",
        "人権教育推進室",
        "保育課",
        "学事課",
        "青少年育成課",
    ]
    assert problems == []


def test_reorganisation_note_becomes_a_predecessor_of_the_name_before_it():
    entries, problems = parse_departments(
        "市民生活安全課 (平成28年度より市民総務課から組織変更) 観光国際課"
    )
    assert entries == [
        DepartmentEntry(
            "市民生活安全課",
            False,
            predecessor="市民総務課",
            effective_fiscal_year=2016,
            note="(平成28年度より市民総務課から組織変更)",
        ),
        DepartmentEntry("観光国際課", False),
    ]
    assert problems == []


def test_full_width_brackets_and_reiwa_gannen():
    entries, _ = parse_departments("子ども家庭支援課（令和元年度より子育て支援課から組織変更）")
    assert entries[0].predecessor == "子育て支援課"
    assert entries[0].effective_fiscal_year == 2019
    assert entries[0].note == "（令和元年度より子育て支援課から組織変更）"


def test_whole_government_stays_distinguishable():
    entries, _ = parse_departments("男女共同参画課 全庁")
    assert [(e.name, e.is_whole_government) for e in entries] == [
        ("男女共同参画課", False),
        ("全庁", True),
    ]


def test_other_brackets_stay_part_of_the_name():
    entries, _ = parse_departments("男女共同参画課（男女共同参画推進センター） 保育課")
    assert [e.name for e in entries] == ["男女共同参画課（男女共同参画推進センター）", "保育課"]


def test_note_before_any_name_is_a_problem():
    entries, problems = parse_departments("(平成28年度より市民総務課から組織変更)")
    assert entries == []
    assert [p.message_en for p in problems] == [
        "a reorganisation note comes before any department name"
    ]
