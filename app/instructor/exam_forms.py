"""Forms of the exam editor and of per-student accommodations.

The exam form carries every field of the exam definition (docs/exam-definition.md); rules are a
``FieldList`` of rows that the page's script can add to and remove from. ``definition_from_form``
turns a validated form into the plain definition dict the services take.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, DateTimeLocalField, FieldList, Form, FormField, IntegerField,
                     SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.exams.room import bad_networks
from ..domain.exams import EARLIEST_YEAR, LATEST_YEAR, time_in_range
from ..domain.questions import QUESTION_TYPES
from ..formfields import FiniteDecimalField, finite_decimal

# Each type's one label (app/domain/questions/), translated when the select is rendered.
TYPE_LABELS = {name: _l(question_type.label) for name, question_type in QUESTION_TYPES.items()}
GRADING_METHODS = [SelectChoice("highest", _l("取最高分")), SelectChoice("last", _l("取最后一次")),
                   SelectChoice("first", _l("取第一次"))]
REVIEW_POLICIES = [SelectChoice("immediately", _l("提交后立即公布成绩、答案与解析")),
                   SelectChoice("after_close", _l("考试关闭后公布")), SelectChoice("never", _l("不公布答案与解析"))]
# The editor's default for a new exam is a draft: students see nothing until the teacher publishes.
STATUSES = [SelectChoice("draft", _l("草稿（学生看不到，可预览样卷）")),
            SelectChoice("published", _l("已发布（所选班级的学生可见，开放时间内可作答）")),
            SelectChoice("closed", _l("已结束（学生仍可见并查看成绩，不能开始新的作答）"))]
PAPER_LAYOUTS = [SelectChoice("sections", _l("按题型分部分（一、单选题 二、多选题 …），题号连续")),
                 SelectChoice("mixed", _l("不分部分，各题型混排"))]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
_SPLIT = re.compile(r"[,,、;;\s]+")


class MultiCheckboxField(SelectMultipleField):
    """A multi-select shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _positive_points(form, field) -> None:
    if field.data is not None and not (Decimal(0) < field.data <= Decimal(100)):
        raise ValidationError(_l("分值必须大于 0 且不超过 100。"))


def _exam_time(form, field) -> None:
    # The definition's own rule (app/domain/exams/blueprint.py), shown next to the field.
    if field.data is not None and not time_in_range(field.data):
        raise ValidationError(_l("时间必须在 %(a)d 年至 %(b)d 年之间。", a=EARLIEST_YEAR, b=LATEST_YEAR))


class RuleForm(Form):
    """One drawing rule: filters, how many questions and the points of each."""

    chapters = SelectMultipleField(_l("章节"), choices=[], validate_choice=False)
    types = SelectMultipleField(_l("题型"), validate_choice=False,
                                choices=[SelectChoice(k, v) for k, v in TYPE_LABELS.items()])
    tags = StringField(_l("标签（任一）"), validators=[Length(max=300)])
    difficulty_min = IntegerField(_l("最低难度"), default=1, validators=[
        InputRequired(_l("请填写最低难度。")), NumberRange(1, 5, _l("难度为 1–5。"))])
    difficulty_max = IntegerField(_l("最高难度"), default=5, validators=[
        InputRequired(_l("请填写最高难度。")), NumberRange(1, 5, _l("难度为 1–5。"))])
    count = IntegerField(_l("题数"), default=5, validators=[
        InputRequired(_l("请填写题数。")), NumberRange(1, 200, _l("题数为 1–200。"))])
    points = FiniteDecimalField(_l("每题分值"), default=1, places=None, validators=[
        InputRequired(_l("请填写分值。")), _positive_points])

    def validate_chapters(self, field) -> None:
        """Only chapters the bank knows."""
        known = {c.value for c in field.choices}
        unknown = [c for c in field.data or [] if c not in known]
        if unknown:
            raise ValidationError(_l("未知章节：%(c)s", c="、".join(unknown)))

    def validate_types(self, field) -> None:
        """Only the eight question types."""
        unknown = [t for t in field.data or [] if t not in TYPE_LABELS]
        if unknown:
            raise ValidationError(_l("未知题型：%(t)s", t="、".join(unknown)))

    def validate_difficulty_max(self, field) -> None:
        """The range must not be empty."""
        low = self.difficulty_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("最高难度不能低于最低难度。"))


class ExamForm(FlaskForm):
    """Every field of an exam definition."""

    title = StringField(_l("标题"), validators=[InputRequired(_l("请输入考试标题。")), Length(max=200)])
    description = TextAreaField(_l("说明（学生可见）"), validators=[Length(max=5000)])
    status = SelectField(_l("状态"), choices=STATUSES, default="draft")
    course = SelectField(_l("课程"), choices=[SelectChoice("crm")], validate_choice=False)
    time_limit_minutes = IntegerField(_l("时间限制（分钟，留空为不限时）"), validators=[
        Optional(), NumberRange(1, 1440, _l("时间限制为 1–1440 分钟。"))])
    opens_at = DateTimeLocalField(_l("开放时间（北京时间，留空为立即开放）"), format=DATETIME_FORMATS,
                                  validators=[Optional(), _exam_time])
    closes_at = DateTimeLocalField(_l("关闭时间（北京时间，留空为不关闭）"), format=DATETIME_FORMATS,
                                   validators=[Optional(), _exam_time])
    max_attempts = IntegerField(_l("作答次数（0 为不限）"), default=1, validators=[
        InputRequired(_l("请填写作答次数。")), NumberRange(0, 100, _l("作答次数为 0–100。"))])
    grading_method = SelectField(_l("多次作答时计分"), choices=GRADING_METHODS)
    review_policy = SelectField(_l("答案与解析"), choices=REVIEW_POLICIES)
    shuffle_questions = BooleanField(_l("打乱题目顺序"), default=True)
    shuffle_options = BooleanField(_l("打乱选项顺序"), default=True)
    paper_layout = SelectField(_l("试卷结构"), choices=PAPER_LAYOUTS, default="sections")
    grace_seconds = IntegerField(_l("交卷宽限（秒）"), default=60, validators=[
        InputRequired(_l("请填写宽限秒数。")), NumberRange(0, 3600, _l("宽限为 0–3600 秒。"))])
    classes = MultiCheckboxField(_l("参加班级"), choices=[], validate_choice=False)
    rules = FieldList(FormField(RuleForm), label=_l("抽题规则"), min_entries=1, max_entries=50)
    fixed = TextAreaField(_l("指定题目（每行一个“题号:分值”，分值可省略，默认 1 分）"),
                          validators=[Length(max=5000)])
    cases = TextAreaField(_l("案例实训（每行一个“案例编号:分值”，分值可省略，默认 10 分）"),
                          validators=[Length(max=2000)])
    access_code = StringField(_l("考试访问码（留空为不需要）"), validators=[Length(max=64)])
    allowed_networks = TextAreaField(_l("允许的考场网络（每行一个网段，如 192.168.10.0/24；留空为不限）"),
                                     validators=[Length(max=5000)])
    single_device = BooleanField(_l("只允许在一台设备上作答"))
    closed_book = BooleanField(_l("闭卷（作答期间关闭课程内容、搜索、练习和案例）"))
    require_fullscreen = BooleanField(_l("要求全屏作答"))
    focus_warning_after = IntegerField(_l("离开页面多少次后提醒学生（0 为不提醒）"), default=0, validators=[
        Optional(), NumberRange(0, 1000, _l("提醒次数为 0–1000。"))])
    save = SubmitField(_l("保存考试"))
    check = SubmitField(_l("检查规则"))
    add_rule = SubmitField(_l("添加规则"))

    def validate_classes(self, field) -> None:
        """Only existing classes."""
        known = {c.value for c in field.choices}
        unknown = [c for c in field.data or [] if c not in known]
        if unknown:
            raise ValidationError(_l("班级不存在：%(c)s", c="、".join(unknown)))

    def validate_closes_at(self, field) -> None:
        """The window must not be empty."""
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("关闭时间必须晚于开放时间。"))

    def validate_allowed_networks(self, field) -> None:
        """Each line an address or CIDR range (``ipaddress.ip_network(strict=False)``)."""
        bad = bad_networks(split_networks(field.data))
        if bad:
            raise ValidationError(_l("不是有效的网段（CIDR，如 192.168.1.0/24）：%(n)s", n="、".join(bad)))

    def validate_fixed(self, field) -> None:
        """Each line is ``id`` or ``id:points``."""
        _items, errors = parse_fixed(field.data or "")
        if errors:
            raise ValidationError(";".join(errors))

    def validate_cases(self, field) -> None:
        """Each line is ``case-id`` or ``case-id:points``."""
        _items, errors = parse_fixed(field.data or "", CASE_POINTS)
        if errors:
            raise ValidationError(";".join(errors))


class ReopenForm(FlaskForm):
    """Reopening a closed exam: its new closing time (site time), or none."""

    closes_at = DateTimeLocalField(_l("新的关闭时间（北京时间，留空为不关闭）"), format=DATETIME_FORMATS,
                                   validators=[Optional(), _exam_time])
    submit = SubmitField(_l("确定重新开放"))


class YamlUploadForm(FlaskForm):
    """An exam definition file in the format of ``flask exam create``."""

    definition = FileField(_l("考试定义文件（YAML）"), validators=[
        FileRequired(_l("请选择文件。")), FileAllowed(["yaml", "yml"], _l("只支持 .yaml 或 .yml 文件。"))])
    upload = SubmitField(_l("上传并保存"))


class AccommodationForm(FlaskForm):
    """A student's extra time and attempts, applied to every exam."""

    extra_minutes = IntegerField(_l("额外时间（分钟）"), default=0, validators=[
        InputRequired(_l("请填写额外时间。")), NumberRange(0, 600, _l("额外时间为 0–600 分钟。"))])
    time_multiplier = FiniteDecimalField(_l("时间倍数"), default=Decimal("1.0"), places=None, validators=[
        InputRequired(_l("请填写时间倍数。")), NumberRange(1, 3, _l("时间倍数为 1.0–3.0。"))])
    extra_attempts = IntegerField(_l("额外作答次数"), default=0, validators=[
        InputRequired(_l("请填写额外作答次数。")), NumberRange(0, 10, _l("额外作答次数为 0–10。"))])
    submit = SubmitField(_l("保存"))


CASE_POINTS = 10.0


def parse_fixed(text: str, default: float = 1.0) -> tuple[list[dict], list[str]]:
    """Lines of ``id`` or ``id:points`` (commas also separate) into items, or error texts."""
    items: list[dict] = []
    errors: list[str] = []
    tokens = [t.strip() for line in text.replace(",", ",").splitlines() for t in line.split(",")]
    for token in filter(None, tokens):
        qid, sep, points_text = token.replace(":", ":").partition(":")
        qid = qid.strip()
        points = default
        if sep:
            number = finite_decimal(points_text)
            points = float(number) if number is not None else -1.0
            if not 0 < points <= 100:
                errors.append(str(_l("“%(t)s”的分值必须是 0–100 之间的正数", t=token)))
                continue
        if not qid or any(ch.isspace() for ch in qid):
            errors.append(str(_l("“%(t)s”不是有效的题号", t=token)))
            continue
        items.append({"id": qid, "points": points})
    return items, errors


def format_fixed(items: list[dict]) -> str:
    """Fixed items back into the editor's text form."""
    return "\n".join(f"{i['id']}:{i['points']:g}" for i in items)


def split_networks(text: str | None) -> list[str]:
    """Network ranges, one a line (commas, semicolons and spaces also separate)."""
    return [t for t in _SPLIT.split(text or "") if t]


def split_tags(text: str) -> list[str]:
    """Tags separated by commas, 、, semicolons or spaces."""
    return [t for t in _SPLIT.split(text or "") if t]


def definition_from_form(form: ExamForm) -> dict:
    """The exam definition of a form (naive times are in the site's time zone).

    Tolerant of an unvalidated form: a value that did not parse is None, and the definition's own
    validation then names it.
    """
    rules = []
    for entry in form.rules:
        row = entry.form
        rules.append({"chapters": list(row.chapters.data or []), "types": list(row.types.data or []),
                      "tags": split_tags(row.tags.data), "difficulty_min": row.difficulty_min.data,
                      "difficulty_max": row.difficulty_max.data, "count": row.count.data,
                      "points": float(row.points.data) if row.points.data is not None else None})
    fixed, _errors = parse_fixed(form.fixed.data or "")
    cases, _errors = parse_fixed(form.cases.data or "", CASE_POINTS)
    return {
        "title": form.title.data, "description": form.description.data or "", "status": form.status.data,
        "course": form.course.data, "time_limit_minutes": form.time_limit_minutes.data, "opens_at": form.opens_at.data,
        "closes_at": form.closes_at.data, "max_attempts": form.max_attempts.data,
        "grading_method": form.grading_method.data, "review_policy": form.review_policy.data,
        "shuffle_questions": form.shuffle_questions.data, "shuffle_options": form.shuffle_options.data,
        "paper_layout": form.paper_layout.data, "grace_seconds": form.grace_seconds.data, "classes": list(form.classes.data or []),
        "rules": rules, "fixed": fixed, "cases": cases,
        "access_code": (form.access_code.data or "").strip(), "allowed_networks": split_networks(form.allowed_networks.data),
        "single_device": form.single_device.data, "closed_book": form.closed_book.data,
        "require_fullscreen": form.require_fullscreen.data, "focus_warning_after": form.focus_warning_after.data or 0,
    }


def form_data(definition: dict) -> dict:
    """Keyword data for ``ExamForm(data=...)`` from a definition dict."""
    data = {k: v for k, v in definition.items() if k not in ("rules", "fixed", "cases")}
    data["rules"] = [dict(r, tags="、".join(r.get("tags") or []), points=Decimal(f"{r.get('points', 1):g}"))
                     for r in definition.get("rules") or []]
    data["fixed"] = format_fixed(definition.get("fixed") or [])
    data["cases"] = format_fixed(definition.get("cases") or [])
    data["allowed_networks"] = "\n".join(definition.get("allowed_networks") or [])
    return data


def paper_formdata(definition: dict) -> list[tuple[str, str]]:
    """The paper settings of a stored definition as form fields (for a locked editor section)."""
    pairs = [("course", definition["course"]), ("fixed", format_fixed(definition.get("fixed") or [])),
             ("cases", format_fixed(definition.get("cases") or []))]
    for key in ("shuffle_questions", "shuffle_options"):
        if definition.get(key):
            pairs.append((key, "y"))
    for i, rule in enumerate(definition.get("rules") or []):
        prefix = f"rules-{i}-"
        pairs += [(prefix + "chapters", c) for c in rule.get("chapters") or []]
        pairs += [(prefix + "types", t) for t in rule.get("types") or []]
        pairs += [(prefix + "tags", "、".join(rule.get("tags") or [])),
                  (prefix + "difficulty_min", str(rule["difficulty_min"])),
                  (prefix + "difficulty_max", str(rule["difficulty_max"])),
                  (prefix + "count", str(rule["count"])), (prefix + "points", f"{rule['points']:g}")]
    return pairs
