"""Every endpoint has the guard it must have. A new endpoint fails this test until it is listed here."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import sign_in

EXPECTED_GUARDS = {
    "main.home": "public",
    "main.health": "public",
    "main.health_ready": "public",
    "main.accessibility": "public",
    "main.privacy": "public",
    "main.cookies": "public",
    "help.help_page": "public",
    "help.feedback_form": "public",
    "help.feedback_sent": "public",
    "auth.sign_in": "public",
    "auth.sign_out": "public",
    "auth.signed_out": "public",
    "auth.forgotten_password": "public",
    "auth.check_your_email": "public",
    "auth.reset_password": "public",
    "auth.accept_invitation": "public",
    "auth.keep_alive": "signed_in",
    "auth.account": "signed_in",
    "auth.change_password": "signed_in",
    "auth.two_factor_code": "public",
    "auth.two_factor_recovery_code": "public",
    "auth.two_factor_set_up": "signed_in",
    "auth.two_factor_new_recovery_codes": "signed_in",
    "auth.two_factor_turn_off": "signed_in",
    "admin.users": "can_manage_users",
    "admin.invite_user": "can_manage_users",
    "admin.resend_invitation": "can_manage_users",
    "admin.reset_two_factor": "can_manage_users",
    "admin.user": "can_manage_users",
    "admin.edit_user": "can_manage_users",
    "admin.deactivate_user": "can_manage_users",
    "admin.reactivate_user": "can_manage_users",
    "admin.revoke_invitation": "can_manage_users",
    "admin.bulk_invite_users": "can_manage_users",
    "admin.confirm_bulk_invite_users": "can_manage_users",
    "admin.organisations": "can_manage_organisations",
    "admin.new_organisation": "can_manage_organisations",
    "admin.organisation": "can_manage_organisations",
    "admin.edit_organisation": "can_manage_organisations",
    "admin.deactivate_organisation": "can_manage_organisations",
    "admin.reactivate_organisation": "can_manage_organisations",
    "admin.delete_organisation": "can_manage_organisations",
    "admin.import_organisations": "can_manage_organisations",
    "admin.confirm_organisations_import": "can_manage_organisations",
    "admin.audit_log": "can_read_audit_log",
    "admin.emails": "can_read_emails",
    "admin.email": "can_read_emails",
    "admin.email_html": "can_read_emails",
    "admin.retry_email": "can_read_emails",
    "admin.rounds": "can_manage_rounds",
    "admin.new_round": "can_manage_rounds",
    "admin.edit_round": "can_manage_rounds",
    "admin.round_reminders": "can_manage_rounds",
    "admin.send_reminders_now": "can_manage_rounds",
    "admin.preview_reminder": "can_manage_rounds",
    "admin.preview_reminder_html": "can_manage_rounds",
    "admin.open_round": "can_manage_rounds",
    "admin.close_round": "can_manage_rounds",
    "admin.round_extensions": "can_manage_rounds",
    "admin.remove_extension": "can_manage_rounds",
    "admin.round_progress": "can_manage_rounds",
    "admin.round_progress_csv": "can_manage_rounds",
    "admin.questionnaires": "can_manage_rounds",
    "admin.new_questionnaire": "can_manage_rounds",
    "admin.download_questionnaire": "can_manage_rounds",
    "admin.download_questionnaire_copy": "can_manage_rounds",
    "admin.preview_questionnaire": "can_manage_rounds",
    "admin.imports_list": "can_import_responses",
    "admin.new_import": "can_import_responses",
    "admin.import_batch": "can_import_responses",
    "admin.import_mapping": "can_import_responses",
    "admin.confirm_import": "can_import_responses",
    "admin.cancel_import": "can_import_responses",
    "admin.change_mapping": "can_import_responses",
    "admin.saved_mapping_list": "can_import_responses",
    "admin.saved_mapping_yaml": "can_import_responses",
    "admin.delete_saved_mapping": "can_import_responses",
    "auth.account_reminders": "signed_in",
    "auth.sign_out_other_sessions": "signed_in",
    "auth.account_review_digest": "signed_in",
    "reminders.opt_out": "public",
    "submit.propose_update": "is_lead",
    "review.queue": "is_reviewer",
    "review.submission": "is_reviewer",
    "review.claim": "is_reviewer",
    "review.assign": "is_administrator",
    "review.approve": "is_reviewer",
    "review.request_changes": "is_reviewer",
    "review.reject": "is_reviewer",
    "review.compare": "is_reviewer",
    "find.search": "can_use_database",
    "find.record": "can_use_database",
    "find.organisation": "can_use_database",
    "find.figures": "can_use_database",
    "find.download": "can_use_database",
    "find.request_download": "can_use_database",
    "find.download_job": "can_use_database",
    "find.download_job_file": "can_use_database",
    "find.overview": "can_use_database",
    "find.overview_pdf": "can_use_database",
    "find.overview_docx": "can_use_database",
    "find.collaborations": "can_use_database",
    "find.organisation_pair": "can_use_database",
    "find.sector_pair": "can_use_database",
    "find.notable_practice": "is_administrator",
    "api.records": "can_use_database",
    "api.openapi": "public",
    "submit.projects": "is_lead",
    "submit.start": "is_lead",
    "submit.task_list": "is_lead",
    "submit.page": "is_lead",
    "submit.check_answers": "is_lead",
    "submit.submitted": "is_lead",
    "submit.withdraw": "is_lead",
    "submit.delete_draft": "is_lead",
    "submit.partner_view": "is_lead",
    "submit.nil_return": "is_lead",
    "submit.undo_nil_return": "is_lead",
}


def test_every_endpoint_has_its_expected_guard(app):
    actual = {
        endpoint: getattr(view, "guard", None)
        for endpoint, view in app.view_functions.items()
        if endpoint != "static"
    }
    unlisted = sorted(set(actual) - set(EXPECTED_GUARDS))
    assert not unlisted, f"New endpoints need a guard and an entry in EXPECTED_GUARDS: {unlisted}"
    missing = sorted(set(EXPECTED_GUARDS) - set(actual))
    assert not missing, f"Endpoints listed here no longer exist: {missing}"
    wrong = {e: (actual[e], EXPECTED_GUARDS[e]) for e in actual if actual[e] != EXPECTED_GUARDS[e]}
    assert not wrong, f"Endpoints with the wrong guard (actual, expected): {wrong}"


ADMIN_PAGES = [
    "/admin/users",
    "/admin/users/invite",
    "/admin/users/invite/csv",
    "/admin/emails",
    "/admin/rounds",
    "/admin/rounds/new",
    "/admin/organisations",
    "/admin/organisations/new",
    "/admin/organisations/import",
    "/admin/audit",
    "/admin/questionnaires",
    "/admin/questionnaires/new",
    "/admin/imports",
    "/admin/imports/new",
    "/admin/imports/mappings",
]


@pytest.mark.parametrize("url", [*ADMIN_PAGES, "/account", "/account/password"])
def test_signed_out_people_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("role_factory", [factories.reviewer, factories.user])
def test_people_who_are_not_administrators_cannot_open_administration_pages(client, role_factory):
    person = role_factory()
    sign_in(client, person.email, factories.PASSWORD)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    assert "You do not have permission to see this page" in client.get("/admin/users").text
