"""The plan, its structure, and the yearly status of each project."""

from django.db import models


class Municipality(models.Model):
    """自治体: a city, ward, town, village or prefecture; it owns its plans and its
    departments (担当課), so two cities' sections of the same name stay apart."""

    name = models.CharField("名称", max_length=80, unique=True, blank=True)
    slug = models.SlugField("識別子", max_length=80, unique=True)
    code = models.CharField("地方公共団体コード", max_length=6, blank=True)
    """The six-digit code of Japan's local governments (e.g. 111007), when known."""

    class Meta:
        verbose_name = "自治体"
        verbose_name_plural = "自治体"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or "自治体名なし"


class Plan(models.Model):
    """計画: a city's basic plan, e.g. a five-year plan against spousal violence."""

    slug = models.SlugField("識別子", max_length=80, unique=True)
    title = models.TextField("計画名")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="plans", verbose_name="自治体"
    )
    aim = models.TextField("計画の目標", blank=True)
    first_fiscal_year = models.PositiveSmallIntegerField(
        "計画期間（初年度）", null=True, blank=True
    )
    last_fiscal_year = models.PositiveSmallIntegerField(
        "計画期間（最終年度）", null=True, blank=True
    )
    # A database default too: a plan may be created by the importer's own writes.
    city_url = models.URLField(
        "自治体の計画のページ", max_length=500, blank=True, default="", db_default=""
    )
    """Where the municipality publishes the plan (fixtures/plans.toml), when known."""

    class Meta:
        verbose_name = "計画"
        verbose_name_plural = "計画"
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> range:
        """The plan's fiscal years, first to last (empty when the data file gives none)."""
        if self.first_fiscal_year is None or self.last_fiscal_year is None:
            return range(0)
        return range(self.first_fiscal_year, self.last_fiscal_year + 1)


class SourceDocument(models.Model):
    """公表資料: the municipality's own publication of a plan's status table for one
    fiscal year, which the pages cite as the source (fixtures/plans.toml).

    The imported file may be a copy or a conversion of it; the import's file
    name and date stay on the data page. ``url`` and ``published_on`` are
    empty where they are not known: never guessed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="source_documents")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    """The year whose statuses it reports."""
    title = models.TextField("資料名")
    url = models.URLField("アドレス", max_length=500, blank=True)
    published_on = models.DateField("公表日", null=True, blank=True)

    class Meta:
        verbose_name = "公表資料"
        verbose_name_plural = "公表資料"
        ordering = ["plan", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year"], name="source_document_one_per_plan_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.fiscal_year})"


class BasicGoal(models.Model):
    """基本目標: the top level of a plan, numbered Ⅰ, Ⅱ, … within it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField("番号")
    title = models.TextField("基本目標")

    class Meta:
        verbose_name = "基本目標"
        verbose_name_plural = "基本目標"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="basic_goal_unique_number"),
        ]

    def __str__(self) -> str:
        return self.title


class PolicyDirection(models.Model):
    """施策の方向: a policy direction, numbered within its basic goal."""

    goal = models.ForeignKey(BasicGoal, on_delete=models.CASCADE, related_name="directions")
    number = models.PositiveSmallIntegerField("番号")
    title = models.TextField("施策の方向")

    class Meta:
        verbose_name = "施策の方向"
        verbose_name_plural = "施策の方向"
        ordering = ["goal", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "number"], name="policy_direction_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Project(models.Model):
    """事業: a project, numbered within the whole plan, with its 事業内容."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="projects")
    direction = models.ForeignKey(
        PolicyDirection, on_delete=models.PROTECT, related_name="projects"
    )
    number = models.PositiveIntegerField("番号")
    name = models.TextField("事業名称")
    content = models.TextField("事業内容", blank=True)

    class Meta:
        verbose_name = "事業"
        verbose_name_plural = "事業"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="project_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Department(models.Model):
    """担当課: a section of a municipality's government, or its whole government (全庁).

    Named uniquely within its municipality: another city's 男女共同参画課 is
    another department."""

    class Kind(models.TextChoices):
        SECTION = "section", "課・室"
        WHOLE_GOVERNMENT = "whole_government", "全庁"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="departments", verbose_name="自治体"
    )
    name = models.CharField("名称", max_length=200)
    # A database default too: the importer writes new departments with COPY.
    reading = models.CharField("読み", max_length=400, blank=True, default="", db_default="")
    """The name in hiragana, for the index's reading order (fixtures/department_readings.toml);
    empty until someone has written it down."""
    kind = models.CharField("種別", max_length=20, choices=Kind, default=Kind.SECTION)
    predecessors = models.ManyToManyField(
        "self",
        through="DepartmentSuccession",
        through_fields=("successor", "predecessor"),
        symmetrical=False,
        related_name="successors",
    )

    class Meta:
        verbose_name = "担当課"
        verbose_name_plural = "担当課"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="department_unique_name_in_municipality"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentSuccession(models.Model):
    """組織変更: from a fiscal year on, ``successor`` took over ``predecessor``'s work.

    Made from a note such as (平成28年度より市民総務課から組織変更); ``note`` keeps
    the note exactly as published.
    """

    successor = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    predecessor = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="successor_links"
    )
    effective_fiscal_year = models.PositiveSmallIntegerField("組織変更の年度")
    note = models.TextField("注記（原文）")

    class Meta:
        verbose_name = "組織変更"
        verbose_name_plural = "組織変更"
        ordering = ["successor", "effective_fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["successor", "predecessor"], name="department_succession_unique_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("predecessor")),
                name="department_succession_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_fiscal_year})"


class DepartmentCoverage(models.Model):
    """Whose entries count as a department's, from which fiscal year: the one
    statement of the rule "a predecessor's entries count for its successor
    from the year it took over".

    Every department covers itself from the start (``first_fiscal_year`` 0),
    and a successor covers its predecessor from the reorganisation's year
    (``DepartmentSuccession``). A status counts as a department's when one of
    the departments listed on it is covered by that department in the
    status's year. The filter, its facet counts (in the database and in the
    search index) and the department page all read this.

    A view of ``Department`` and ``DepartmentSuccession`` (migration 0006),
    so it is in step with them in the very transaction that changes them,
    whoever writes them."""

    id = models.BigIntegerField(primary_key=True)
    """The succession's id; minus the department's own id for its row."""
    department = models.ForeignKey(Department, on_delete=models.DO_NOTHING, related_name="coverage")
    covered = models.ForeignKey(Department, on_delete=models.DO_NOTHING, related_name="covered_by")
    first_fiscal_year = models.PositiveSmallIntegerField("初年度")

    class Meta:
        managed = False
        db_table = "reports_departmentcoverage"
        verbose_name = "担当課の範囲"
        verbose_name_plural = "担当課の範囲"

    def __str__(self) -> str:
        return f"{self.department_id} ⊇ {self.covered_id} ({self.first_fiscal_year})"


class ImportRun(models.Model):
    """取り込み記録: one run of the importer over one file, and what it did."""

    class Outcome(models.TextChoices):
        LOADED = "loaded", "取り込み済み"
        UNCHANGED = "unchanged", "変更なし"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="import_runs")
    file_name = models.CharField("ファイル名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    file_format = models.CharField("形式", max_length=20)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    started_at = models.DateTimeField("開始")
    finished_at = models.DateTimeField("終了")
    outcome = models.CharField("結果", max_length=20, choices=Outcome)
    row_count = models.PositiveIntegerField("行数", default=0)
    created_count = models.PositiveIntegerField("追加", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("変更なし", default=0)
    changes = models.JSONField("変更点", default=list, blank=True)
    warnings = models.JSONField("警告", default=list, blank=True)
    partial = models.BooleanField("一部の事業のみ", default=False)
    """The file covered only some of the plan's projects (imported with ``--partial``)."""
    undo = models.JSONField("取り消し用の記録", default=dict, blank=True)
    """What the run replaced, for ``revert_import`` (``importers.undo``): each row
    it added, changed or removed, as it was before and a digest of what it wrote."""
    reverted_at = models.DateTimeField("取り消し", null=True, blank=True)
    """When ``revert_import`` undid this run; the run stays in the history, marked."""
    ocr = models.BooleanField(
        "画像から読み取り",
        default=False,
        help_text="the table was read from images of its pages (a scanned PDF) through OCR",
    )

    class Meta:
        verbose_name = "取り込み記録"
        verbose_name_plural = "取り込み記録"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class AnnualStatus(models.Model):
    """年度実施状況: what a project did in one fiscal year, as the city published it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="statuses")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    status_text = models.TextField("実施状況")
    departments_text = models.TextField("担当課（原文）", blank=True)
    departments = models.ManyToManyField(
        Department, through="StatusDepartment", related_name="statuses"
    )
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="statuses")
    source_row = models.PositiveIntegerField("取り込み元の行")
    source_page = models.PositiveIntegerField(
        "取り込み元のページ", null=True, blank=True, help_text="in a PDF: the page of the row"
    )

    class Meta:
        verbose_name = "年度実施状況"
        verbose_name_plural = "年度実施状況"
        ordering = ["project", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fiscal_year"], name="annual_status_one_per_project_year"
            ),
        ]
        indexes = [
            # Lets a plan's years be listed by skipping from year to year
            # (``reports.selectors.plans.plan_fiscal_years``) instead of reading every status.
            models.Index(fields=["fiscal_year"], name="annual_status_fiscal_year"),
        ]

    def __str__(self) -> str:
        return f"{self.project} ({self.fiscal_year})"


class StatusDepartment(models.Model):
    """A department listed on a status, in the order the city listed them."""

    status = models.ForeignKey(AnnualStatus, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField("順番")

    class Meta:
        ordering = ["status", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["status", "department"], name="status_department_unique"
            ),
            models.UniqueConstraint(
                fields=["status", "position"], name="status_department_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.position}: {self.department}"


class StatusSearchDocument(models.Model):
    """A status's texts folded for search (``reports.search.normalise``) and
    joined in the order of their weight (project name, 事業内容, 実施状況,
    department names).

    The first occurrence of a term in ``text`` is in the heaviest field that
    holds it; the ``*_end`` offsets say which field that is. Derived data: the
    loader rewrites a status's document whenever what it is made from changes.
    ``ordinal`` is the status's position in its plan's search index
    (``SearchBlock``, ``SearchPostings``): given once, kept while the status lasts."""

    status = models.OneToOneField(
        AnnualStatus,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    # The unique (plan, ordinal) index serves lookups by plan: no index of its own.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_index=False)
    ordinal = models.PositiveIntegerField()
    text = models.TextField()
    """The folded fields joined by line breaks; what matches are checked against."""
    length = models.PositiveIntegerField()
    """Characters in ``text``: the denominator of a match's coverage."""
    name_end = models.PositiveIntegerField()
    """The position (from 1) of the last character of the project name in ``text``."""
    content_end = models.PositiveIntegerField()
    status_end = models.PositiveIntegerField()

    class Meta:
        verbose_name = "検索用の文書"
        verbose_name_plural = "検索用の文書"
        constraints = [
            models.UniqueConstraint(fields=["plan", "ordinal"], name="search_document_ordinal")
        ]

    def __str__(self) -> str:
        return f"検索用: {self.status_id}"

    @property
    def name_text(self) -> str:
        return self.text[: self.name_end]

    @property
    def content_text(self) -> str:
        return self.text[self.name_end + 1 : self.content_end]

    @property
    def status_text(self) -> str:
        return self.text[self.content_end + 1 : self.status_end]

    @property
    def departments_text(self) -> str:
        return self.text[self.status_end + 1 :]


class SearchBlock(models.Model):
    """What each position of one block of a plan's search index stands for.

    A block holds ``reports.search.layout.BLOCK_SIZE`` consecutive ordinals. Its
    columns are packed arrays: per position the status, its fiscal year,
    project number, goal, direction and document length
    (``reports.search.layout.STATUS_COLUMNS``); per department link the
    position and the department (``DEPARTMENT_LINK``).
    Derived data, rewritten with the block's postings."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_index=False)
    number = models.PositiveIntegerField()
    version = models.BigIntegerField()
    """New with every rewrite: tells a process that its copy of the columns is old."""
    format = models.PositiveSmallIntegerField()
    """The layout's version it was written in (``reports.search.layout.FORMAT``)."""
    statuses = models.BinaryField()
    departments = models.BinaryField()

    class Meta:
        verbose_name = "検索索引のブロック"
        verbose_name_plural = "検索索引のブロック"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="search_block_number")
        ]

    def __str__(self) -> str:
        return f"検索索引のブロック: {self.plan_id}/{self.number}"


class SearchPostings(models.Model):
    """Where one gram (a character, or a pair of adjacent characters, of the
    folded documents) occurs in one block of a plan's search index: for each
    document holding it, the position in the block, how many times it occurs
    and the weight of the heaviest field holding it
    (``reports.search.layout.POSTING``)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_index=False)
    gram = models.TextField(db_collation="C")
    """Compared byte by byte: the index is only ever asked for equality, and
    the database's own collation makes every index insertion many times slower."""
    block = models.PositiveIntegerField()
    postings = models.BinaryField()

    class Meta:
        verbose_name = "検索索引の出現位置"
        verbose_name_plural = "検索索引の出現位置"
        constraints = [
            models.UniqueConstraint(fields=["plan", "gram", "block"], name="search_postings_gram")
        ]

    def __str__(self) -> str:
        return f"検索索引: {self.gram}"


class Correction(models.Model):
    """表記の補正: a reviewed correction of a misreading in a published text.

    Comes from the reviewed corrections file (``fixtures/corrections.toml``),
    never from a guess. The published text stays as it is; pages show the
    corrected reading with a marker, and search finds both. One correction
    replaces every occurrence of ``published`` in its field. ``name`` and
    ``content`` are the project's (one wording for every year), so their
    corrections apply to the project in every year; ``fiscal_year`` is the year
    whose table the misreading was seen in. A ``status`` correction applies to
    that year's status only.
    """

    class Field(models.TextChoices):
        NAME = "name", "事業名称"
        CONTENT = "content", "事業内容"
        STATUS = "status", "実施状況"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="corrections")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    field = models.CharField("欄", max_length=10, choices=Field)
    published = models.TextField("公表時の表記")
    corrected = models.TextField("補正後の表記")
    reason = models.TextField("理由")

    class Meta:
        verbose_name = "表記の補正"
        verbose_name_plural = "表記の補正"
        ordering = ["project", "field", "fiscal_year", "published"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "field", "published"],
                condition=models.Q(field__in=["name", "content"]),
                name="correction_unique_project_text",
            ),
            models.UniqueConstraint(
                fields=["project", "fiscal_year", "field", "published"],
                condition=models.Q(field="status"),
                name="correction_unique_status_text",
            ),
            models.CheckConstraint(
                condition=models.Q(field__in=["name", "content", "status"]),
                name="correction_known_field",
            ),
            models.CheckConstraint(
                condition=~models.Q(published="") & ~models.Q(published=models.F("corrected")),
                name="correction_changes_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.field}: {self.published} → {self.corrected}"


class DataVersion(models.Model):
    """データの版: one row whose ``version`` changes in the same transaction as any
    write to the public tables (a trigger on each, migration 0009), so every
    cached page, download and ETag is keyed by what the reader would see.

    Every writing statement takes a new number from a sequence, so a
    rolled-back write never hands its number to a later one; ``changed_at`` is
    the time of the last write (Last-Modified).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField("版")
    changed_at = models.DateTimeField("更新")

    class Meta:
        verbose_name = "データの版"
        verbose_name_plural = "データの版"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="data_version_one_row")
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
