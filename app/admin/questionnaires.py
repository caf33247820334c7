"""Questionnaire versions: the list, adding a version, copying one as the start of the next, and a preview
of every page as a lead would see it."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.forms.common import error_summary
from app.forms.questionnaire import page_form
from app.forms.round_admin import QuestionnaireUploadForm
from app.ids import parse_id
from app.models import QuestionnaireVersion
from app.permissions import can_manage_rounds, requires
from app.questionnaires.display import YES_NO_LABELS
from app.questionnaires.loader import DefinitionError
from app.questionnaires.schema import Condition, Questionnaire
from app.services.errors import DomainError
from app.services.organisations import directory
from app.services.rounds import deadlines as rounds
from app.services.rounds import questionnaire_versions


def _version(version_id: int) -> QuestionnaireVersion:
    return questionnaire_versions.get(version_id) or abort(404)


@bp.route("/questionnaires")
@requires(can_manage_rounds, hide=False)
def questionnaires():
    return render_template("admin/questionnaires.html", rows=questionnaire_versions.listing())


def _lines(numbers: list[int]) -> str:
    words = [str(n) for n in dict.fromkeys(numbers)]
    if len(words) == 1:
        return f"line {words[0]}"
    return "lines " + ", ".join(words[:-1]) + " and " + words[-1]


@bp.route("/questionnaires/new", methods=["GET", "POST"])
@requires(can_manage_rounds, hide=False)
def new_questionnaire():
    form = QuestionnaireUploadForm()
    copying = None
    copy_id = parse_id(request.args.get("copy"))
    if request.method == "GET" and copy_id is not None:
        original = _version(copy_id)
        form.definition_text.data, bumped = questionnaire_versions.copy_text(original)
        copying = (original, bumped)
    errors: list[dict] = []
    if form.is_submitted():
        if form.validate():
            try:
                version = questionnaire_versions.add(form.text, by=current_user._get_current_object())
            except DefinitionError as refused:
                errors = [
                    {"text": f"Line {problem.line}: {problem.message}", "href": "#definition_text"}
                    for problem in refused.problems
                ]
                count = len(refused.problems)
                inline = (
                    f"The definition has {count} problem{'s' if count != 1 else ''}, on "
                    f"{_lines([problem.line for problem in refused.problems])}"
                )
            except DomainError as refused:
                inline = str(refused)
                errors = [{"text": inline, "href": "#definition_text"}]
            else:
                flash(f"Version {version.key} has been added", "success")
                return redirect(url_for("admin.questionnaires"))
            # What was loaded goes in the text box to be put right there: a chosen file cannot be shown again.
            form.definition_text.data = form.text
            form.definition_text.errors = [inline]
        else:
            errors = error_summary(form)["errorList"]
        g.rollback = True  # nothing is kept from a definition that was refused
    return render_template("admin/questionnaire_form.html", upload=form, errors=errors, copying=copying)


def _yaml(text: str, name: str) -> Response:
    response = Response(text, mimetype="application/yaml; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_name(key: str) -> str:
    return key.replace("/", "-") + ".yaml"


@bp.route("/questionnaires/<int:version_id>.yaml")
@requires(can_manage_rounds, hide=False)
def download_questionnaire(version_id: int):
    version = _version(version_id)
    return _yaml(version.definition, _file_name(version.key))


@bp.route("/questionnaires/<int:version_id>/copy.yaml")
@requires(can_manage_rounds, hide=False)
def download_questionnaire_copy(version_id: int):
    version = _version(version_id)
    text, bumped = questionnaire_versions.copy_text(version)
    questionnaire = rounds.questionnaire_for(version)
    return _yaml(text, _file_name(f"{questionnaire.id}/{bumped}"))


@bp.route("/questionnaires/<int:version_id>/preview", defaults={"page_id": None})
@bp.route("/questionnaires/<int:version_id>/preview/<page_id>")
@requires(can_manage_rounds, hide=False)
def preview_questionnaire(version_id: int, page_id: str | None):
    version = _version(version_id)
    questionnaire = rounds.questionnaire_for(version)
    pages = questionnaire.pages
    page = questionnaire.page(page_id) if page_id else pages[0]
    if page is None:
        abort(404)
    number = pages.index(page)
    answers = questionnaire_versions.preview_answers(questionnaire)
    on_page = {question.id for question in page.questions}
    form = page_form(
        page,
        questionnaire,
        # Empty on screen; earlier pages' answers make every question the page can ask show.
        answers={key: value for key, value in answers.items() if key not in on_page},
        organisations=directory.organisation_options()
        if any(q.type in ("organisation", "organisations") for q in page.questions)
        else (),
    )
    return render_template(
        "admin/questionnaire_preview.html",
        version=version,
        questionnaire=questionnaire,
        page=page,
        section=questionnaire.section_of(page.id),
        preview=form,
        answers=answers,
        number=number,
        previous=pages[number - 1] if number > 0 else None,
        following=pages[number + 1] if number + 1 < len(pages) else None,
        shown_when=_shown_when(questionnaire, page.show_when),
    )


def _shown_when(questionnaire: Questionnaire, condition: Condition | None) -> str | None:
    """'Leads see this page only when the answer to “Pilot” is Yes', for a page with a condition."""
    if condition is None:
        return None
    controller = questionnaire.question(condition.question)
    if controller is None:
        return None
    labels = [
        YES_NO_LABELS.get(value, value) if controller.type == "yes_no" else controller.choice_label(value)
        for value in condition.values
    ]
    return f"Leads see this page only when the answer to “{controller.short_label}” is {' or '.join(labels)}"
