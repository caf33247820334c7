"""The lead's list of projects, the task list, check your answers, submitting, withdrawing and nil returns."""

from __future__ import annotations

from flask import abort, flash, get_flashed_messages, redirect, render_template, url_for
from flask_login import current_user

from app.forms.attention import answers_needing_attention
from app.forms.submit import ConfirmForm, DeclarationForm, PartnerForm
from app.permissions import is_lead, requires
from app.services.errors import DomainError
from app.services.organisations import directory
from app.services.review import decisions as reviews
from app.services.rounds import deadlines as rounds
from app.services.submissions import answers as answer_display
from app.services.submissions import lifecycle as submissions
from app.services.submissions import nil_returns, partners, progress
from app.submit import bp


def _lead():
    return current_user._get_current_object()


def _own(submission_id: int):
    return submissions.find_for_lead(submission_id, _lead()) or abort(404)


@bp.route("")
@requires(is_lead)
def projects():
    round_ = rounds.current_round()
    if round_ is None:
        return render_template("submit/no_round.html")
    organisation_id = _lead().organisation_id
    return render_template(
        "submit/projects.html",
        round=round_,
        listing=submissions.listing(round_, organisation_id),
        deadline=rounds.deadline_for(round_, organisation_id),
        closed_reason=rounds.why_not_accepting(round_, organisation_id),
        form=ConfirmForm(),
        progress=progress,
    )


@bp.route("/start", methods=["POST"])
@requires(is_lead)
def start():
    round_ = rounds.current_round() or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        submission = submissions.start(round_, by=_lead())
    except DomainError as problem:
        flash(str(problem), "error")
        return redirect(url_for("submit.projects"))
    return redirect(url_for("submit.task_list", submission_id=submission.id))


@bp.route("/<int:submission_id>")
@requires(is_lead)
def task_list(submission_id: int):
    submission = _own(submission_id)
    questionnaire = submissions.questionnaire_of(submission)
    sections = progress.task_list(questionnaire, submission.answers, submission.page_states)
    per_question, _ = reviews.latest_comments(submission)
    comments = [
        (questionnaire.question(qid), _page_of(questionnaire, qid), text)
        for qid, text in per_question.items()
        if questionnaire.question(qid) is not None
    ]
    saved_with_problems = bool(get_flashed_messages(category_filter=["saved_with_problems"]))
    return render_template(
        "submit/task_list.html",
        submission=submission,
        sections=sections,
        attention=_attention(submission, questionnaire) if saved_with_problems else None,
        comments=comments,
        update_form=ConfirmForm(),
        editable=submissions.is_editable(submission),
        can_delete=submissions.can_delete(submission),
        closed_reason=rounds.why_not_accepting(submission.round, submission.organisation_id),
        incomplete=progress.incomplete_pages(questionnaire, submission.answers, submission.page_states),
    )


def _attention(submission, questionnaire):
    return answers_needing_attention(
        questionnaire,
        submission.answers,
        submission.page_states,
        organisations=directory.organisation_options(keep=_organisation_answers(submission.answers)),
        own_organisation_id=submission.organisation_id,
    )


def _organisation_answers(answers: dict) -> list[int]:
    ids = []
    for value in answers.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.isdigit():
                ids.append(int(item))
    return ids


def _page_of(questionnaire, question_id: str):
    return next(p for p in questionnaire.pages if any(q.id == question_id for q in p.questions))


@bp.route("/<int:submission_id>/propose-update", methods=["POST"])
@requires(is_lead)
def propose_update(submission_id: int):
    submission = _own(submission_id)
    if ConfirmForm().validate_on_submit():
        try:
            submissions.start_update(submission, by=_lead())
        except DomainError as problem:
            flash(str(problem), "error")
        else:
            flash("Make your changes, then check your answers and submit the update for review.", "success")
    return redirect(url_for("submit.task_list", submission_id=submission.id))


@bp.route("/<int:submission_id>/check-your-answers", methods=["GET", "POST"])
@requires(is_lead)
def check_answers(submission_id: int):
    submission = _own(submission_id)
    questionnaire = submissions.questionnaire_of(submission)
    form = DeclarationForm()
    incomplete = progress.incomplete_pages(questionnaire, submission.answers, submission.page_states)
    if form.validate_on_submit():
        try:
            submissions.submit(submission, by=_lead())
        except DomainError as problem:
            form.confirm.errors = [str(problem)]
        else:
            return redirect(url_for("submit.submitted", submission_id=submission.id))
    return render_template(
        "submit/check_answers.html",
        submission=submission,
        questionnaire=questionnaire,
        attention=_attention(submission, questionnaire) if submissions.is_editable(submission) else [],
        sections=answer_display.answer_sections(questionnaire, submission.answers),
        incomplete=incomplete,
        editable=submissions.is_editable(submission),
        form=form,
    )


@bp.route("/<int:submission_id>/submitted")
@requires(is_lead)
def submitted(submission_id: int):
    submission = _own(submission_id)
    if submission.submitted_at is None:
        return redirect(url_for("submit.task_list", submission_id=submission.id))
    return render_template("submit/submitted.html", submission=submission)


@bp.route("/<int:submission_id>/withdraw", methods=["GET", "POST"])
@requires(is_lead)
def withdraw(submission_id: int):
    submission = _own(submission_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            submissions.withdraw(submission, by=_lead())
        except DomainError as problem:
            flash(str(problem), "error")
        else:
            flash("Your project has been withdrawn. You can change it and submit it again.", "success")
        return redirect(url_for("submit.task_list", submission_id=submission.id))
    return render_template("submit/withdraw.html", submission=submission, form=form)


@bp.route("/<int:submission_id>/delete", methods=["GET", "POST"])
@requires(is_lead)
def delete_draft(submission_id: int):
    submission = _own(submission_id)
    if not submissions.can_delete(submission):
        flash("Only a draft that has never been submitted can be deleted", "error")
        return redirect(url_for("submit.task_list", submission_id=submission.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        name = submission.name or "Untitled project"
        submissions.delete_draft(submission, by=_lead())
        flash(f"{name} ({submission.reference}) has been deleted", "success")
        return redirect(url_for("submit.projects"))
    return render_template("submit/delete.html", submission=submission, form=form)


@bp.route("/partner/<int:submission_id>", methods=["GET", "POST"])
@requires(is_lead)
def partner_view(submission_id: int):
    lead = _lead()
    submission = submissions.find_as_partner(submission_id, lead) or abort(404)
    questionnaire = submissions.questionnaire_of(submission)
    revision = submission.revisions[-1]
    form = PartnerForm()
    if form.validate_on_submit():
        partners.answer(
            submission, by=lead, confirmed=form.answer.data == "yes", comment=form.comment.data or ""
        )
        flash("Thank you. The reviewers will see your answer.", "success")
        return redirect(url_for("submit.partner_view", submission_id=submission.id))
    mine = next(p for p in submission.partners if p.organisation_id == lead.organisation_id)
    return render_template(
        "submit/partner_view.html",
        submission=submission,
        sections=answer_display.answer_sections(questionnaire, revision.answers),
        form=form,
        mine=mine,
    )


@bp.route("/nothing-to-report", methods=["GET", "POST"])
@requires(is_lead)
def nil_return():
    round_ = rounds.current_round() or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            nil_returns.make_nil_return(round_, by=_lead())
        except DomainError as problem:
            flash(str(problem), "error")
        else:
            flash(
                f"You have told us you have no collaboration projects to report for {round_.title}",
                "success",
            )
        return redirect(url_for("submit.projects"))
    return render_template("submit/nil_return.html", round=round_, form=form)


@bp.route("/nothing-to-report/undo", methods=["POST"])
@requires(is_lead)
def undo_nil_return():
    round_ = rounds.current_round() or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            nil_returns.undo_nil_return(round_, by=_lead())
        except DomainError as problem:
            flash(str(problem), "error")
    return redirect(url_for("submit.projects"))
