"""GET /api/v1/records and its OpenAPI description."""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from app.api import bp
from app.extensions import csrf
from app.find.views import current_query
from app.permissions import database_reader, is_signed_in, public
from app.questionnaires.loader import default_questionnaire
from app.services.find import search as find
from app.services.find import visibility
from app.services.find.facets import FACET_TITLES
from app.services.submissions import answers


def record_json(record) -> dict:
    questionnaire = default_questionnaire()
    names = answers.organisation_names(record.answers, questionnaire)
    viewer = visibility.viewer(signed_in=is_signed_in(current_user))
    readable = viewer.shown_answers(questionnaire, record.answers)
    shown = {q.id: readable[q.id] for q in questionnaire.questions if q.id in readable}
    return {
        "id": record.id,
        "reference": record.submission.reference,
        "name": record.name,
        "summary": record.summary,
        "lead_organisation": record.organisation.name,
        "partners": [names[p] for p in questionnaire.answer(record.answers, "partners", []) if p in names],
        "round": record.submission.round.title,
        "approved_at": record.approved_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        "facets": record.facets,
        "answers": shown,
        "url": url_for("find.record", record_id=record.id, _external=True),
    }


@bp.route("/records")
@csrf.exempt
@database_reader
def records():
    query, _ = current_query()
    result = find.find(query, signed_in=is_signed_in(current_user), whole=True)
    links = {"self": url_for("api.records", **query.args(page=result.page), _external=True)}
    if result.page < result.pages:
        links["next"] = url_for("api.records", **query.args(page=result.page + 1), _external=True)
    if result.page > 1:
        links["prev"] = url_for("api.records", **query.args(page=result.page - 1), _external=True)
    return {
        "data": [record_json(r) for r in result.records],
        "meta": {
            "total": result.total,
            "page": result.page,
            "pages": result.pages,
            "ignored_filters": query.ignored,
        },
        "links": links,
    }


@bp.route("/openapi.json")
@public
def openapi():
    filter_parameters = [
        {
            "name": name,
            "in": "query",
            "description": f"{title}. Repeat the parameter for several values (any of them).",
            "schema": {"type": "array", "items": {"type": "string"}},
            "style": "form",
            "explode": True,
        }
        for name, title in FACET_TITLES.items()
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Collaboration database API",
            "version": "1.0.0",
            "description": (
                "Approved emergency services collaboration projects. Read only. Signed-in sessions see those "
                "shared with the sector; without signing in, only public records, and only where the service "
                "is configured to be public."
            ),
        },
        "servers": [{"url": request.host_url.rstrip("/")}],
        "paths": {
            "/api/v1/records": {
                "get": {
                    "summary": "Search and filter records",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "description": "Words to search for",
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["relevance", "newest", "name"]},
                        },
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        *filter_parameters,
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of records",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Page"}}
                            },
                        },
                        "302": {"description": "Sign in first: the database is not public on this service"},
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Page": {
                    "type": "object",
                    "properties": {
                        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}},
                        "meta": {
                            "type": "object",
                            "properties": {
                                "total": {"type": "integer"},
                                "page": {"type": "integer"},
                                "pages": {"type": "integer"},
                                "ignored_filters": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                        "links": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
                "Record": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "reference": {"type": "string"},
                        "name": {"type": "string"},
                        "summary": {"type": "string"},
                        "lead_organisation": {"type": "string"},
                        "partners": {"type": "array", "items": {"type": "string"}},
                        "round": {"type": "string"},
                        "approved_at": {"type": "string", "format": "date-time"},
                        "updated_at": {"type": "string", "format": "date-time"},
                        "facets": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                        "answers": {"type": "object"},
                        "url": {"type": "string"},
                    },
                },
            }
        },
    }
