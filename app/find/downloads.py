"""Downloads of exactly the filtered view (CSV, XLSX, JSON) and the JSON API (the overview: overview.py).

A download of more records than its format's FIND_DOWNLOAD_WORKER_ABOVE is made by the worker instead of in
the request: its link shows a page that asks for it, then a progress page, then a link to the file, which only
the person who asked can fetch (app/services/find/download_jobs.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.extensions import limiter
from app.find import bp
from app.find.views import _signed_in, _viewer, current_query, describe
from app.models import User
from app.models.download_job import FAILED, READY
from app.permissions import database_reader
from app.questionnaires.loader import default_questionnaire
from app.services.find import download_files, download_jobs, facets
from app.services.find import download_streams as streams
from app.services.find import search as find

SESSION_TOKENS = "download_tokens"  # the jobs asked for by someone not signed in


def _user() -> User | None:
    return current_user._get_current_object() if _signed_in() else None


def _attachment(response: Response, name: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/download.<fmt>")
@database_reader
def download(fmt: str):
    viewer = _viewer()
    if fmt == "dictionary.csv":
        text = streams.data_dictionary_csv(default_questionnaire(), contacts=viewer.contacts)
        return _attachment(Response(text, mimetype="text/csv"), "collaboration-projects-data-dictionary.csv")
    if fmt not in download_files.FILES:
        abort(404)
    query, labels = current_query()
    if download_jobs.worker_threshold(fmt) is not None:
        total = find.count(query, signed_in=_signed_in())
        if download_jobs.made_by_worker(fmt, total):
            return render_template(
                "find/download_request.html",
                fmt=fmt,
                query=query,
                total=total,
                description=describe(query, labels),
            )
    records = find.export_records(query, sharing=viewer.readable)
    mimetype, name = download_files.FILES[fmt]
    body: Iterator[Any] = download_files.stream(fmt, records, viewer)  # text or bytes, as the format is
    return _attachment(Response(stream_with_context(body), mimetype=mimetype), name)


@bp.route("/downloads", methods=["POST"])
@limiter.limit(lambda: current_app.config["DOWNLOAD_JOBS_LIMIT"], methods=["POST"], scope="download-jobs")
@database_reader
def request_download():
    fmt = request.form.get("format", "")
    if fmt not in download_files.FILES:
        abort(404)
    _, known = facets.current_labels()
    query = find.parse(request.form, known)
    tokens = session.get(SESSION_TOKENS, [])
    job = download_jobs.request(
        fmt,
        query,
        _viewer(),
        by=_user(),
        total=find.count(query, signed_in=_signed_in()),
        tokens=tokens,
        ip_address=request.remote_addr,
    )
    if _user() is None and job.token not in tokens:
        session[SESSION_TOKENS] = [*tokens[-(download_jobs.KEPT_TOKENS - 1) :], job.token]
    return redirect(url_for("find.download_job", job_id=job.id))


def _owned(job_id: int):
    job = download_jobs.owned_job(job_id, user=_user(), tokens=session.get(SESSION_TOKENS, []))
    return job or abort(404)


@bp.route("/downloads/<int:job_id>")
@database_reader
def download_job(job_id: int):
    job = _owned(job_id)
    ready = job.status == READY and download_jobs.ready_file(job) is not None
    return render_template(
        "find/download_job.html",
        job=job,
        ready=ready,
        failed=job.status == FAILED or (job.status == READY and not ready),
        file_name=download_files.FILES[job.format][1],
    )


@bp.route("/downloads/<int:job_id>/file")
@database_reader
def download_job_file(job_id: int):
    job = _owned(job_id)
    path = download_jobs.ready_file(job) or abort(404)
    mimetype, name = download_files.FILES[job.format]
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
