"""Importing questions in the browser: upload → preview (with the chapter of each source category)
→ confirm → result. Registered on the instructor blueprint (instructors and admins only).

The preview form carries the upload as a signed token (app/services/interop.py: seal_upload):
the file is parsed again on confirm, so what is imported is exactly what was previewed, from
the file itself, and any app process can serve any step.
"""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.questions import answer_view
from ..question_types import type_label, web_type
from ..services import interop as svc
from ..services.courseware import chapter_labels
from .routes import bp

COURSE = "crm"
_OLD_FORMATS = {".doc": "Word 97-2003（.doc）", ".xls": "Excel 97-2003（.xls）"}


def _upload_page(error: str | None = None, fmt: str = "", status: int = 200, problems=None):
    return render_template("instructor/bank_import.html", formats=svc.available_formats(), labels=svc.FORMAT_LABELS,
                           error=error, fmt=fmt, problems=problems or [], max_mb=svc.UPLOAD_MAX_BYTES // (1024 * 1024),
                           template_url=_template_url()), status


def _template_url() -> str | None:
    """The Excel template's download link, once the Excel importer (with its template) is installed."""
    try:
        from ..domain.interop import xlsx_template  # noqa: F401  (written with the Excel importer)
    except ImportError:
        return None
    return url_for("instructor.bank_import_template")


def _key_text(data: dict) -> str:
    """The key as review shows it, by the type's own rule; the raw answer when the question is invalid."""
    try:
        view = answer_view(dict(data, id=data.get("id") or "preview"))  # no id yet: not in a chapter
    except Exception:  # noqa: BLE001 - an invalid question is shown as it was read
        view = {"error": True}
    if "error" in view:
        return str(data.get("answer", data.get("rubric", "")))
    web = web_type(data.get("type"))
    return web.answer_text(data, view) if web is not None else str(view.get("display", ""))


def _preview(upload: svc.Upload, token: str, mapping: dict[str, str] | None, *, notice: str | None = None,
             error: str | None = None, status: int = 200):
    plan = svc.plan_import(upload.data, upload.fmt, COURSE, mapping=mapping)
    rows = [{"item": item, "label": type_label(item.data.get("type")), "key": _key_text(item.data)}
            for item in plan.items]
    chapters = list(chapter_labels(COURSE).items())  # shown by label; categories still match titles
    return render_template("instructor/bank_import_preview.html", plan=plan, rows=rows, upload=upload, token=token,
                           chapters=chapters, titles=dict(chapters), labels=svc.FORMAT_LABELS,
                           notice=notice, error=error), status


def _read_mapping(plan_categories, form) -> dict[str, str]:
    """The chapter chosen for each source category (``map-<n>``, in the preview's order)."""
    return {row.key: form.get(f"map-{index}", "") for index, row in enumerate(plan_categories)}


@bp.route("/bank/import", methods=["GET", "POST"])
def bank_import():
    """Upload a question file (GET: the form; POST: read it and show the preview)."""
    if request.method == "GET":
        return _upload_page()
    fmt = request.form.get("format", "")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _upload_page(_("请选择要导入的文件。"), fmt, 400)
    try:
        data = upload.read(svc.UPLOAD_MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    if len(data) > svc.UPLOAD_MAX_BYTES:
        return _upload_page(_("文件太大：最多 %(n)d MB。Word 文件中的图片不会导入，可以删去图片后再上传。",
                              n=svc.UPLOAD_MAX_BYTES // (1024 * 1024)), fmt, 413)
    if not data:
        return _upload_page(_("文件是空的。"), fmt, 400)
    name = upload.filename.lower()
    old = next((label for ext, label in _OLD_FORMATS.items() if name.endswith(ext)), None)
    if old:
        return _upload_page(_("不支持 %(f)s 文件：请在 Word 或 Excel 中“另存为”新格式（.docx 或 .xlsx）后再上传。",
                              f=old), fmt, 400)
    if not fmt:
        fmt = svc.format_for(name, data) or ""
        if not fmt:
            return _upload_page(_("无法从文件名判断格式：请选择文件格式，或上传 .docx、.xlsx、.txt（Aiken）、"
                                  ".gift、.xml（Moodle XML）文件。"), "", 400)
    if fmt not in svc.available_formats():
        return _upload_page(_("此版本还不能导入该格式（%(f)s）。", f=svc.FORMAT_LABELS.get(fmt, fmt)), "", 400)
    sealed = svc.Upload(data, upload.filename, fmt)
    plan = svc.plan_import(data, fmt, COURSE)
    if not plan.items:
        return _upload_page(_("没有从文件中读出任何题目：请检查文件格式是否选对、内容是否按模板编排。"), fmt, 400,
                            problems=plan.problems)
    mapping = svc.remembered_mapping(current_user)
    return _preview(sealed, svc.seal_upload(sealed, current_user.id), mapping)


@bp.route("/bank/import/confirm", methods=["POST"])
def bank_import_confirm():
    """Re-preview with the chosen chapters, or import (all or nothing unless "只导入有效的题")."""
    token = request.form.get("token", "")
    upload = svc.open_upload(token, current_user.id)
    if upload is None or upload.fmt not in svc.available_formats():
        return _upload_page(_("预览已过期或无效（预览在 1 小时内有效）：请重新上传文件。"), "", 400)
    categories = svc.plan_import(upload.data, upload.fmt, COURSE).categories
    mapping = _read_mapping(categories, request.form)
    if request.form.get("action") != "import":
        return _preview(upload, token, mapping)
    previewed = {key: value for key, value in request.form.items() if key.startswith("seen-")}
    chosen = {f"seen-{index}": request.form.get(f"map-{index}", "") for index in range(len(categories))}
    if previewed != chosen:
        return _preview(upload, token, mapping, notice=_("章节对应已更改：请核对下面的预览，再确认导入。"))
    plan = svc.plan_import(upload.data, upload.fmt, COURSE, mapping=mapping)
    partial = request.form.get("partial") == "1"
    if plan.blocked and not partial:
        return _preview(upload, token, mapping, status=400, error=_(
            "文件中有问题，没有导入任何题目。请改正文件后重新上传，或勾选“只导入有效的题目”。"))
    if not plan.valid:
        return _preview(upload, token, mapping, status=400, error=_("没有可以导入的题目。"))
    try:
        svc.apply_import(plan, current_user, partial=partial, note=f"网页导入 {upload.filename}"[:200])
    except svc.ImportRefused as exc:
        return _preview(upload, token, mapping, status=409, error=str(exc))
    return render_template("instructor/bank_import_done.html", plan=plan, upload=upload, counts=plan.counts(),
                           titles=chapter_labels(COURSE))


@bp.route("/bank/import/template.xlsx")
def bank_import_template():
    """The Excel import template (written by the Excel importer's ``xlsx_template``)."""
    try:
        from ..domain.interop import xlsx_template
    except ImportError:
        from flask import abort

        abort(404)
    data = xlsx_template()
    data = data.getvalue() if hasattr(data, "getvalue") else data
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''%E9%A2%98%E5%BA%93%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"})
