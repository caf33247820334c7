"""A questionnaire page: every post is saved, valid or not; nothing typed is lost."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.forms.questionnaire import page_form
from app.ids import parse_id
from app.permissions import is_lead, requires
from app.questionnaires.schema import is_page_visible
from app.services.errors import DomainError
from app.services.organisations import directory
from app.services.review import decisions as reviews
from app.services.rounds import deadlines as rounds
from app.services.submissions import answers, progress
from app.services.submissions import lifecycle as submissions
from app.sessions import take_kept_form
from app.submit import bp


@bp.route("/<int:submission_id>/<page_id>", methods=["GET", "POST"])
@requires(is_lead)
def page(submission_id: int, page_id: str):
    lead = current_user._get_current_object()
    submission = submissions.find_for_lead(submission_id, lead) or abort(404)
    questionnaire = submissions.questionnaire_of(submission)
    page = questionnaire.page(page_id) or abort(404)
    task_list = url_for("submit.task_list", submission_id=submission.id)
    section = questionnaire.section_of(page.id)
    assert section is not None  # every page is in a section
    if not is_page_visible(questionnaire, page, submission.answers) or not progress.can_start_section(
        questionnaire, section, submission.answers, submission.page_states
    ):
        return redirect(task_list)

    if request.method == "GET" and not submissions.is_editable(submission):
        # Submitted, decided or past the deadline: the answers as they are, and what to do to change them.
        return render_template(
            "submit/page_read_only.html",
            submission=submission,
            page=page,
            section=section,
            rows=answers.page_rows(questionnaire, page, submission.answers),
            closed_reason=rounds.why_not_accepting(submission.round, submission.organisation_id),
        )

    kept = take_kept_form(request.path) if request.method == "GET" else None
    form = page_form(
        page,
        questionnaire,
        answers=submission.answers,
        # Only the pages that ask for organisations need the list of them.
        organisations=directory.organisation_options(keep=_chosen_organisations(page, submission.answers))
        if any(q.type in ("organisation", "organisations") for q in page.questions)
        else (),
        own_organisation_id=submission.organisation_id,
        **({"formdata": MultiDict[str, str](kept)} if kept else {}),
    )
    review_comments = reviews.latest_comments(submission)[0]
    for question_id in review_comments:
        if question_id in form:  # the comment is read out with the answer it is about
            form[question_id].described_by = f"{question_id}-review-comment"
    changing = request.args.get("change") == "1"
    context = {
        "submission": submission,
        "questionnaire": questionnaire,
        "page": page,
        "section": section,
        "form": form,
        "opened_as": submissions.fingerprint(page, submission.answers),
        "changing": changing,
        "kept": bool(kept),
        "closed_reason": None,
        "conflict": None,
        "review_comments": review_comments,
    }
    if kept:
        form.check({**submission.answers, **form.collect()})
    elif request.method == "GET" and request.args.get("check") == "1":
        # Opened from a list of answers that need attention: show what needs putting right.
        form.check(submission.answers, posted=False)
    if request.method != "POST":
        return render_template("submit/page.html", **context)

    values = form.collect()
    merged = {**submission.answers, **values}
    valid = form.action is None and form.check(merged)
    try:
        submissions.save_page(
            submission, page, values, complete=valid, opened_as=request.form.get("opened_as"), by=lead
        )
    except submissions.StaleEdit as conflict:
        form.check(merged)
        context["conflict"] = conflict
        context["conflict_rows"] = answers.page_rows(questionnaire, page, conflict.theirs)
        context["opened_as"] = submissions.fingerprint(page, submission.answers)
        return render_template("submit/page.html", **context)
    except DomainError as problem:
        # After the deadline, or a submitted project: nothing is saved, and what was typed stays on screen.
        context["closed_reason"] = str(problem)
        return render_template("submit/page.html", **context), 409

    if form.action is not None:
        return redirect(request.full_path.rstrip("?") + "#" + form.action.split(":")[1])
    if not valid and "save_later" in request.form:
        flash("", "saved_with_problems")  # the task list lists what needs attention
        return redirect(task_list)
    if not valid:
        context["opened_as"] = submissions.fingerprint(page, submission.answers)
        return render_template("submit/page.html", **context)
    if "save_later" in request.form:
        flash(
            "Your answers have been saved. You can come back and finish at any time before the deadline.",
            "success",
        )
        return redirect(task_list)
    if changing:
        return redirect(url_for("submit.check_answers", submission_id=submission.id))
    following = progress.next_page(questionnaire, page, submission.answers)
    if following is not None:
        return redirect(url_for("submit.page", submission_id=submission.id, page_id=following.id))
    return redirect(task_list)


def _chosen_organisations(page, answers: dict) -> list[int]:
    """The organisations this page's saved answers name: still offered if deactivated since."""
    chosen = []
    for question in page.questions:
        if question.type not in ("organisation", "organisations"):
            continue
        value = answers.get(question.id)
        for item in value if isinstance(value, list) else [value]:
            # A saved answer keeps what was posted, as posted: only real ids are looked up.
            if (organisation_id := parse_id(item)) is not None:
                chosen.append(organisation_id)
    return chosen
