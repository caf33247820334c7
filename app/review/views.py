"""The review queue and the review page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.forms.review import DecisionForm
from app.ids import parse_id
from app.models import Region, Sector, Submission, User
from app.permissions import is_administrator, is_reviewer, requires
from app.questionnaires.loader import default_questionnaire
from app.review import bp
from app.services.errors import DomainError
from app.services.review import conflicts, duplicates
from app.services.review import decisions as reviews
from app.services.review import queue as review_queue
from app.services.review.revision_diff import changes_between
from app.services.submissions import answers, history, partners
from app.services.submissions import lifecycle as submissions


def _me() -> User:
    return current_user._get_current_object()


def submission_or_404(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    # Reviewers see a submission once it has been submitted at least once.
    if submission is None or not submission.revisions:
        abort(404)
    return submission


@bp.route("")
@requires(is_reviewer)
def queue():
    filters = review_queue.parse_filters(
        request.args.to_dict(),
        valid_sectors={s.value for s in Sector},
        valid_regions={r.value for r in Region},
    )
    return render_template(
        "review/queue.html",
        page=review_queue.queue(filters, me=_me()),
        filters=filters,
        options=review_queue.filter_options(),
        sectors=list(Sector),
        regions=list(Region),
        themes=default_questionnaire().role_question("themes").choices,
        partner_summary=partners.summary,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.route("/<int:submission_id>")
@requires(is_reviewer)
def submission(submission_id: int):
    item = submission_or_404(submission_id)
    questionnaire = submissions.questionnaire_of(item)
    revisions = item.revisions
    latest = revisions[-1] if revisions else None
    changes = []
    if latest is not None and len(revisions) > 1:
        names = answers.organisation_names({**revisions[-2].answers, **latest.answers}, questionnaire)
        changes = changes_between(questionnaire, revisions[-2].answers, latest.answers, names)
    return render_template(
        "review/submission.html",
        submission=item,
        sections=answers.answer_sections(questionnaire, latest.answers if latest else item.answers),
        timeline=history.timeline(item),
        changes=changes,
        duplicates=duplicates.for_submission(item),
        conflict_of_interest=conflicts.conflict_of_interest(_me(), item),
        unconfirmed_partners=conflicts.unconfirmed_partners(item),
        can_decide=reviews.can_decide(_me(), item),
        reviewers=review_queue.filter_options()["reviewers"] if is_administrator(_me()) else [],
        form=DecisionForm(),
    )


@bp.route("/<int:submission_id>/claim", methods=["POST"])
@requires(is_reviewer)
def claim(submission_id: int):
    item = submission_or_404(submission_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            reviews.claim(item, by=_me(), expected_version=form.version())
        except DomainError as problem:
            flash(str(problem), "error")
        else:
            flash("You are reviewing this submission", "success")
    return redirect(url_for("review.submission", submission_id=item.id))


@bp.route("/<int:submission_id>/assign", methods=["POST"])
@requires(is_administrator)
def assign(submission_id: int):
    item = submission_or_404(submission_id)
    form = DecisionForm()
    reviewer_id = parse_id(request.form.get("reviewer"))
    reviewer = db.session.get(User, reviewer_id) if reviewer_id is not None else None
    if form.validate_on_submit():
        try:
            if reviewer is None:
                raise DomainError("Choose a reviewer")
            reviews.assign(item, reviewer, by=_me(), expected_version=form.version())
        except DomainError as problem:
            flash(str(problem), "error")
        else:
            flash(f"Assigned to {reviewer.name}", "success")
    return redirect(url_for("review.submission", submission_id=item.id))
