"""The seed, read and normalised without a database: every project asserted."""

from importers.normaliser import normalise
from importers.problems import Place
from importers.readers import read_table

GOALS = [
    (1, "I", "教育・啓発の推進", 10),
    (2, "II", "被害者の早期発見と相談体制の充実", 17),
    # Goal III's label was drawn mid-block (row 38); its block starts at row 33,
    # where direction numbers start again at 1.
    (3, "III", "被害者の保護と自立支援の充実", 33),
    (4, "IV", "子どもへの支援", 52),
    (5, "V", "関係機関等との連携協力", 60),
]

DIRECTIONS = [
    (1, 1, "市民への意識啓発"),
    (1, 2, "学校等における人権教育の推進"),
    (1, 3, "若年層に対する予防啓発の推進と相談体制の周知"),
    (2, 1, "早期発見・通報体制の整備・充実"),
    (2, 2, "配偶者暴力相談支援センター機能の充実"),
    (2, 3, "相談体制の強化と周知"),
    (2, 4, "多様な被害者への配慮"),
    (3, 1, "安全な保護体制の整備"),
    (3, 2, "被害者及びその関係者に係る情報の保護"),
    (3, 3, "自立に向けた各種支援"),
    (3, 4, "心身の健康回復への支援"),
    (4, 1, "保育・就学支援"),
    (4, 2, "子どもの心のケア"),
    (5, 1, "関係機関・民間団体との連携協力体制の強化"),
    (5, 2, "職務関係者による配慮"),
]

# (number, goal, direction, name, departments); a department with a
# reorganisation note is (name, predecessor, fiscal year from which).
PROJECTS = [
    (1, 1, 1, "DVの防止・啓発", ["男女共同参画課"]),
    (2, 1, 1, "女性に対する暴力をなくす運動の周知", ["男女共同参画課"]),
    (3, 1, 2, "人権教育の推進", ["人権教育推進室"]),
    (4, 1, 2, "学校人権教育研修会の支援", ["人権教育推進室"]),
    (5, 1, 2, "男女平等の視点からの生活指導・進路指導", ["高等看護学院"]),
    (6, 1, 2, "学校保健事業・健康教育の推進", ["高等看護学院"]),
    (7, 1, 3, "データDVの防止・啓発", ["男女共同参画課", "人権教育推進室"]),
    (8, 2, 1, "通報体制の周知", ["男女共同参画課"]),
    (9, 2, 1, "通報体制の整備", ["男女共同参画課"]),
    (10, 2, 1, "24時間児童虐待通告電話の充実", ["児童相談所"]),
    (11, 2, 1, "要保護児童対策地域協議会の開催", ["子育て支援政策課"]),
    (12, 2, 2, "DV相談事業", ["男女共同参画課"]),
    (13, 2, 2, "ワンストップサービスの実施", ["男女共同参画課"]),
    (14, 2, 3, "婦人相談員研修の実施", ["男女共同参画課"]),
    (15, 2, 3, "若年層が相談しやすい環境の整備", ["男女共同参画課"]),
    (16, 2, 3, "男性DV被害者のための相談体制の整備", ["男女共同参画課"]),
    (17, 2, 3, "人権相談事業", ["人権政策推進課"]),
    (18, 2, 3, "住民相談事業", [("市民生活安全課", "市民総務課", 2016)]),
    (19, 2, 4, "多様な被害者への配慮", ["男女共同参画課"]),
    (20, 2, 4, "外国人のための生活相談", [("市民生活安全課", "市民総務課", 2016), "観光国際課"]),
    (21, 2, 4, "外国人のための情報提供", ["観光国際課"]),
    (22, 3, 1, "被害者の緊急時における一時保護事業", ["男女共同参画課"]),
    (23, 3, 1, "民間団体への支援", ["男女共同参画課"]),
    (24, 3, 1, "母子緊急一時保護事業", ["子育て支援政策課"]),
    (25, 3, 2, "住民基本台帳の閲覧等の制限", ["区政推進部"]),
    (26, 3, 2, "情報管理の徹底", ["男女共同参画課", "全庁"]),
    (27, 3, 3, "子育て相談の実施", ["子育て支援政策課"]),
    (28, 3, 3, "ひとり親家庭等相談", ["子育て支援政策課"]),
    (29, 3, 3, "さいたま市多重債務者生活再建安心プログラムの実施", ["消費生活総合センター"]),
    (30, 3, 3, "母子父子寡婦福祉資金貸付事業", ["子育て支援政策課"]),
    (31, 3, 3, "ひとり親家庭等就業・自立支援センター等事業", ["子育て支援政策課"]),
    (32, 3, 3, "DV被害者に対する民間賃貸住宅への入居支援", [("住宅政策課", "住宅課", 2016)]),
    (33, 3, 3, "DV被害者に対する市営住宅の提供", [("住宅政策課", "住宅課", 2016)]),
    (34, 3, 3, "生活保護（被害者の生活の支援）", ["生活福祉課"]),
    (35, 3, 3, "DV被害者への情報提供", ["男女共同参画課"]),
    (36, 3, 4, "自助グループ等支援", ["男女共同参画課"]),
    (37, 3, 4, "精神保健に関する支援", ["男女共同参画課"]),
    (38, 3, 4, "精神保健相談事業", ["精神保健課"]),
    (39, 4, 1, "児童生徒の就学支援", ["学事課"]),
    (40, 4, 1, "子どもショートステイ事業", ["子育て支援政策課"]),
    (41, 4, 1, "放課後児童健全育成事業", ["青少年育成課"]),
    (42, 4, 1, "保育施設利用における優先入所", ["保育課"]),
    (43, 4, 1, "婦人相談員への情報の周知", ["男女共同参画課"]),
    (44, 4, 2, "志春期の精神保健相談の実施", ["こころの健康センター"]),
    (45, 4, 2, "教育相談推進事業", [("総合教育相談室", "指導2課", 2017)]),
    (
        46,
        4,
        2,
        "(仮称)さいたま市子ども総合センター整備事業",
        [("子ども家庭総合センター総務課", "子育て支援政策課", 2018)],
    ),
    (47, 5, 1, "DV防止対策関係機関との連携（連携会議の開催）", ["男女共同参画課"]),
    (48, 5, 1, "警察との連携", ["男女共同参画課"]),
    (49, 5, 1, "教育機関や保育園等との連携", ["男女共同参画課"]),
    (50, 5, 1, "福祉・保健機関との連携", ["男女共同参画課"]),
    (51, 5, 1, "専門家（弁護士、精神科医師等）との連携", ["男女共同参画課"]),
    (
        52,
        5,
        1,
        "さいたま市妊娠期からの虐待予防強化事業（妊娠期からの養育支援ネットワーク）",
        ["地域保健支援課"],
    ),
    (53, 5, 1, "セーフコミュニティ認証取得事業", [("危機管理課", "安心安全課", 2018)]),
    (54, 5, 2, "DV被害者支援団体との連携", ["男女共同参画課"]),
    (55, 5, 2, "職務関係者研修の実施", ["男女共同参画課"]),
    (56, 5, 2, "DVに関する実態調査・研究", ["男女共同参画課"]),
    (57, 5, 2, "苦情処理の取組", ["男女共同参画課", "全庁"]),
]


def _read(seed_path):
    return normalise(read_table(seed_path))


def test_seed_reads_without_problems(seed_path):
    table, problems = _read(seed_path)
    assert problems == []
    assert table.file_format == "tsv (utf-8)"
    assert table.fiscal_year == 2017


def test_title_and_aim_come_from_the_rows_above_the_header(seed_path):
    table, _ = _read(seed_path)
    assert table.title == (
        "第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画の実施状況について"
    )
    assert table.aim == "配偶者等からの暴力の根絶と被害者の自立支援をすすめるまちづくり"


def test_five_goals_from_their_numbering(seed_path):
    table, _ = _read(seed_path)
    assert [(g.number, g.label, g.title, g.place.row) for g in table.goals] == GOALS


def test_fifteen_directions_numbered_within_their_goals(seed_path):
    table, _ = _read(seed_path)
    assert [(d.goal_number, d.number, d.title) for d in table.directions] == DIRECTIONS


def test_every_project_under_its_goal_and_direction_with_its_departments(seed_path):
    table, _ = _read(seed_path)
    actual = []
    for project in table.projects:
        departments = [
            (d.name, d.predecessor, d.effective_fiscal_year) if d.predecessor else d.name
            for d in project.departments
        ]
        actual.append(
            (
                project.number,
                project.goal_number,
                project.direction_number,
                project.name,
                departments,
            )
        )
    assert actual == [tuple(p) for p in PROJECTS]


def test_whole_government_is_marked(seed_path):
    table, _ = _read(seed_path)
    whole = [
        (p.number, d.name) for p in table.projects for d in p.departments if d.is_whole_government
    ]
    assert whole == [(26, "全庁"), (57, "全庁")]


def test_reorganisation_notes_are_kept_as_published_and_never_in_a_name(seed_path):
    table, _ = _read(seed_path)
    notes = [(p.number, d.note) for p in table.projects for d in p.departments if d.note]
    assert notes == [
        (18, "(平成28年度より市民総務課から組織変更)"),
        (20, "(平成28年度より市民総務課から組織変更)"),
        (32, "(平成28年度より住宅課から組織変更)"),
        (33, "(平成28年度より住宅課から組織変更)"),
        (45, "(平成29年度より指導2課から組織変更)"),
        (46, "(平成30年度より子育て支援政策課から組織変更)"),
        (53, "(平成30年度より安心安全課から組織変更)"),
    ]
    names = {d.name for p in table.projects for d in p.departments}
    assert not any("組織変更" in name or "(" in name for name in names)


def test_cell_text_is_kept_exactly_as_published(seed_path):
    table, _ = _read(seed_path)
    lines = seed_path.read_text(encoding="utf-8").splitlines()
    for project in table.projects:
        cells = lines[project.place.row - 1].split("\t")
        assert project.content == cells[3]
        assert project.status_text == cells[4]
        assert project.departments_text == cells[5]
    assert table.projects[10].place == Place("saitama_dv2_H29_status.txt", None, 20)
    assert (
        table.projects[10].status_text
        == "要保護児童対策地域協議会を開催した（代表者会議1回、区会議12回）。"
    )
