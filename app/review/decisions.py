"""Decisions, each with a confirmation step: approve, request changes, reject, reject as a duplicate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms.review import DecisionForm, RejectForm
from app.permissions import is_reviewer, requires
from app.review import bp
from app.review.views import submission_or_404
from app.services.errors import DomainError
from app.services.find.overview import notable
from app.services.review import conflicts, duplicates
from app.services.review import decisions as reviews
from app.services.submissions import answers
from app.services.submissions import lifecycle as submissions


def _me():
    return current_user._get_current_object()


def _refused(item, problem: DomainError):
    flash(str(problem), "error")
    return redirect(url_for("review.submission", submission_id=item.id))


def _check_can_decide(item):
    if not reviews.can_decide(_me(), item):
        if conflicts.conflict_of_interest(_me(), item):
            flash(conflicts.CONFLICT, "error")
        else:
            flash(f"This submission is {item.status.label.lower()}: there is nothing to decide", "error")
        return redirect(url_for("review.submission", submission_id=item.id))
    return None


@bp.route("/<int:submission_id>/approve", methods=["GET", "POST"])
@requires(is_reviewer)
def approve(submission_id: int):
    item = submission_or_404(submission_id)
    form = DecisionForm()
    if request.method == "GET" and (refused := _check_can_decide(item)):
        return refused
    themes = request.form.getlist("notable_themes")[:50]
    reason = request.form.get("notable_reason", "")[:5000]
    problem = None
    if form.validate_on_submit():
        try:
            notable.check(item, themes, reason)
        except DomainError as error:
            problem = str(error)
        else:
            try:
                reviews.approve(item, by=_me(), expected_version=form.version())
                notable.choose(item, themes, reason, by=_me())
            except DomainError as error:
                return _refused(item, error)
            flash(f"{item.name} has been approved and published in the collaboration database", "success")
            return redirect(url_for("review.queue"))
    questionnaire = submissions.questionnaire_of(item)
    return render_template(
        "review/approve.html",
        submission=item,
        form=form,
        sharing=questionnaire.answer(item.answers or {}, "sharing"),
        problem=problem,
        theme_items=notable.theme_items(item, questionnaire, chosen=themes),
        reason=reason,
        unconfirmed_partners=conflicts.unconfirmed_partners(item),
    )


@bp.route("/<int:submission_id>/request-changes", methods=["GET", "POST"])
@requires(is_reviewer)
def request_changes(submission_id: int):
    item = submission_or_404(submission_id)
    form = DecisionForm()
    if request.method == "GET" and (refused := _check_can_decide(item)):
        return refused
    questionnaire = submissions.questionnaire_of(item)
    revision = item.revisions[-1]
    comments = (
        {q.id: request.form.get(f"comment-{q.id}", "")[:5000] for q in questionnaire.questions}
        if request.method == "POST"
        else {}
    )
    overall = request.form.get("overall", "")[:10000]
    problem = None
    if form.validate_on_submit():
        if not any(c.strip() for c in comments.values()) and not overall.strip():
            problem = "Enter a comment on at least one answer, or an overall comment"
        elif form.confirmed.data == "yes":
            try:
                reviews.request_changes(
                    item, by=_me(), expected_version=form.version(), comments=comments, overall=overall
                )
            except DomainError as error:
                return _refused(item, error)
            flash(f"Your comments have been sent to {item.organisation.name}", "success")
            return redirect(url_for("review.queue"))
        else:
            return render_template(
                "review/request_changes_check.html",
                submission=item,
                form=form,
                comments={k: v for k, v in comments.items() if v.strip()},
                all_comments=comments,
                overall=overall,
                questionnaire=questionnaire,
            )
    return render_template(
        "review/request_changes.html",
        submission=item,
        form=form,
        sections=answers.answer_sections(questionnaire, revision.answers),
        comments=comments,
        overall=overall,
        problem=problem,
    )


@bp.route("/<int:submission_id>/reject", methods=["GET", "POST"])
@requires(is_reviewer)
def reject(submission_id: int):
    item = submission_or_404(submission_id)
    form = RejectForm()
    if request.method == "GET" and (refused := _check_can_decide(item)):
        return refused
    if form.validate_on_submit():
        if form.confirmed.data == "yes":
            try:
                reviews.reject(item, by=_me(), expected_version=form.version(), reason=form.reason.data)
            except DomainError as problem:
                return _refused(item, problem)
            flash(f"{item.name} has been rejected and {item.organisation.name} told why", "success")
            return redirect(url_for("review.queue"))
        return render_template("review/reject_check.html", submission=item, form=form)
    return render_template("review/reject.html", submission=item, form=form)


@bp.route("/<int:submission_id>/compare/<other_key>", methods=["GET", "POST"])
@requires(is_reviewer)
def compare(submission_id: int, other_key: str):
    item = submission_or_404(submission_id)
    other = duplicates.resolve(other_key) or abort(404)
    if other.id == item.id or other.round_id != item.round_id:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        reason = (
            f'This project is already in the collaboration database as "{other.name}" from '
            f"{other.organisation.name} (reference {other.reference}). Ask them to add anything missing."
        )
        try:
            reviews.reject(
                item, by=_me(), expected_version=form.version(), reason=reason, duplicate_of=other_key
            )
        except DomainError as problem:
            return _refused(item, problem)
        flash(f"{item.name} has been rejected as a duplicate of {other.name}", "success")
        return redirect(url_for("review.queue"))
    questionnaire = submissions.questionnaire_of(item)
    left = answers.answer_sections(questionnaire, item.revisions[-1].answers)
    right = answers.answer_sections(
        questionnaire, (other.revisions[-1] if other.revisions else other).answers
    )
    return render_template(
        "review/compare.html",
        submission=item,
        other=other,
        other_key=other_key,
        rows=_side_by_side(left, right),
        form=form,
        can_decide=reviews.can_decide(_me(), item),
    )


def _side_by_side(left, right):
    right_rows = {row.question.id: row.text for section in right for row in section.rows}
    return [
        (
            section.section.title,
            [
                (row.question.short_label, row.text, right_rows.get(row.question.id, ""))
                for row in section.rows
            ],
        )
        for section in left
    ]
