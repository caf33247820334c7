"""Services flush and never commit: the request, the command or the worker commits (app/services/jobs.py holds
the worker's one commit point, for jobs that must commit part-way). A service that committed for itself could
make half of a user's action permanent when the rest fails."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "app" / "services"
COMMIT_POINT = SERVICES / "jobs.py"


def _session_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")
        ):
            found.append(
                f"{path.relative_to(SERVICES.parent.parent)}:{node.lineno} {ast.unparse(node.func)}()"
            )
    return found


def test_no_service_commits_or_rolls_back_for_itself():
    calls = [
        call
        for path in sorted(SERVICES.rglob("*.py"))
        if path != COMMIT_POINT
        for call in _session_calls(path)
    ]
    assert calls == [], (
        "Use app.services.jobs.checkpoint() in a worker job, or leave the commit to the caller"
    )


def test_the_worker_commit_point_is_where_the_commits_are():
    assert [call.split(" ")[1] for call in _session_calls(COMMIT_POINT)] == [
        "db.session.commit()",
        "db.session.rollback()",
    ]
