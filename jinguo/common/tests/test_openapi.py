import re

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

OPERATIONS = {
    ("/api/v1/me/", "get"): "me",
    ("/api/v1/orgs/", "get"): "org_list",
    ("/api/v1/orgs/", "post"): "org_create",
    ("/api/v1/orgs/{org_id}/", "get"): "org_detail",
    ("/api/v1/orgs/{org_id}/", "patch"): "org_update",
    ("/api/v1/orgs/{org_id}/move/", "post"): "org_move",
    ("/api/v1/orgs/{org_id}/history/", "get"): "org_history",
    ("/api/v1/people/", "get"): "person_list",
    ("/api/v1/people/", "post"): "person_create",
    ("/api/v1/people/{person_id}/", "get"): "person_detail",
    ("/api/v1/people/{person_id}/", "patch"): "person_update",
    ("/api/v1/people/{person_id}/unmask/", "post"): "person_unmask",
    ("/api/v1/people/executives/", "get"): "executive_roster",
    ("/api/v1/people/executives/figures/", "get"): "executive_figures",
    ("/api/v1/households/", "get"): "household_list",
    ("/api/v1/households/", "post"): "household_create",
    ("/api/v1/households/{household_id}/", "get"): "household_detail",
    ("/api/v1/households/{household_id}/assign/", "post"): "household_assign",
    ("/api/v1/households/{household_id}/unmask/", "post"): "household_unmask",
    ("/api/v1/households/coverage/", "get"): "household_coverage",
    ("/api/v1/visits/", "post"): "visit_create",
    ("/api/v1/visits/todo/", "get"): "visit_todo",
    ("/api/v1/wishes/", "get"): "wish_list",
    ("/api/v1/wishes/", "post"): "wish_collect",
    ("/api/v1/wishes/{wish_id}/claim/", "post"): "wish_claim",
    ("/api/v1/wishes/{wish_id}/fulfil/", "post"): "wish_fulfil",
    ("/api/v1/cases/", "get"): "case_list",
    ("/api/v1/cases/", "post"): "case_report",
    ("/api/v1/cases/{case_id}/", "get"): "case_detail",
    ("/api/v1/cases/{case_id}/actions/", "post"): "case_action",
    ("/api/v1/cases/figures/", "get"): "case_figures",
    ("/api/v1/dashboard/", "get"): "dashboard",
    ("/api/v1/points/rules/", "get"): "point_rule_list",
    ("/api/v1/points/rules/", "post"): "point_rule_save",
    ("/api/v1/points/collect/", "post"): "points_collect",
    ("/api/v1/points/entries/", "get"): "point_entry_list",
    ("/api/v1/points/entries/approve/", "post"): "points_approve",
    ("/api/v1/points/entries/{entry_id}/reject/", "post"): "points_reject",
    ("/api/v1/points/entries/{entry_id}/appeal/", "post"): "points_appeal",
    ("/api/v1/points/entries/{entry_id}/ruling/", "post"): "points_appeal_decide",
    ("/api/v1/points/corrections/", "post"): "points_correct",
    ("/api/v1/points/balance/", "get"): "points_balance",
    ("/api/v1/points/rankings/", "get"): "points_rankings",
    ("/api/v1/points/figures/", "get"): "points_figures",
    ("/api/v1/points/nominations/", "get"): "nomination_list",
    ("/api/v1/points/nominations/", "post"): "nomination_create",
    ("/api/v1/points/nominations/{nomination_id}/status/", "post"): "nomination_transition",
    ("/api/v1/lovebank/items/", "get"): "lovebank_catalogue",
    ("/api/v1/lovebank/items/{item_id}/redeem/", "post"): "lovebank_redeem",
    ("/api/v1/lovebank/vouchers/{code}/hand-over/", "post"): "lovebank_hand_over",
    ("/api/v1/activities/", "get"): "activity_list",
    ("/api/v1/activities/", "post"): "activity_create",
    ("/api/v1/activities/{activity_id}/", "get"): "activity_detail",
    ("/api/v1/activities/{activity_id}/cancel/", "post"): "activity_cancel",
    ("/api/v1/activities/{activity_id}/held/", "post"): "activity_hold",
    ("/api/v1/activities/{activity_id}/participants/", "post"): "activity_register",
    (
        "/api/v1/activities/{activity_id}/participants/{participant_id}/attendance/",
        "post",
    ): "activity_mark_attended",
    ("/api/v1/activities/figures/", "get"): "activities_figures",
    ("/api/v1/activity-series/", "get"): "activity_series_list",
    ("/api/v1/activity-series/", "post"): "activity_series_create",
    ("/api/v1/activity-series/{series_id}/schedule/", "post"): "activity_series_schedule",
    ("/api/v1/volunteer-memberships/{membership_id}/hours/", "post"): "volunteer_hours_record",
    ("/api/v1/volunteer-teams/", "get"): "volunteer_team_list",
    ("/api/v1/volunteer-teams/", "post"): "volunteer_team_create",
    ("/api/v1/volunteer-teams/{team_id}/members/", "post"): "volunteer_membership_add",
    ("/api/v1/assessments/schemes/", "get"): "assessment_scheme_list",
    ("/api/v1/assessments/schemes/", "post"): "assessment_scheme_create",
    ("/api/v1/assessments/rounds/", "get"): "assessment_round_list",
    ("/api/v1/assessments/rounds/", "post"): "assessment_round_create",
    ("/api/v1/assessments/rounds/{round_id}/compute/", "post"): "assessment_round_compute",
    ("/api/v1/assessments/rounds/{round_id}/publish/", "post"): "assessment_round_publish",
    ("/api/v1/assessments/rounds/{round_id}/results/", "get"): "assessment_result_list",
    ("/api/v1/assessments/results/{result_id}/", "get"): "assessment_result_detail",
    ("/api/v1/assessments/results/{result_id}/appeal/", "post"): "assessment_appeal_file",
    ("/api/v1/assessments/appeals/{appeal_id}/decide/", "post"): "assessment_appeal_decide",
    ("/api/v1/assessments/figures/", "get"): "assessments_figures",
    ("/api/v1/allowances/statements/", "get"): "allowance_statement_list",
    ("/api/v1/allowances/statements/", "post"): "allowance_statement_create",
    ("/api/v1/allowances/statements/{statement_id}/", "get"): "allowance_statement_detail",
    (
        "/api/v1/allowances/statements/{statement_id}/generate/",
        "post",
    ): "allowance_statement_generate",
    (
        "/api/v1/allowances/statements/{statement_id}/confirm/",
        "post",
    ): "allowance_statement_confirm",
    ("/api/v1/rounds/", "get"): "round_list",
    ("/api/v1/rounds/", "post"): "round_create",
    ("/api/v1/rounds/{round_id}/", "get"): "round_detail",
    ("/api/v1/rounds/{round_id}/remind/", "post"): "round_remind",
    ("/api/v1/rounds/{round_id}/quotes/", "post"): "round_quotes",
    ("/api/v1/rounds/targets/{target_id}/", "get"): "round_target_detail",
    ("/api/v1/rounds/targets/{target_id}/draft/", "post"): "round_target_draft",
    ("/api/v1/rounds/targets/{target_id}/submit/", "post"): "round_target_submit",
    ("/api/v1/rounds/submissions/{submission_id}/", "get"): "round_submission_detail",
    ("/api/v1/rounds/submissions/{submission_id}/review/", "post"): "round_submission_review",
    ("/api/v1/inbox/messages/", "get"): "inbox_list",
    ("/api/v1/inbox/messages/read-all/", "post"): "inbox_read_all",
    ("/api/v1/inbox/messages/{message_id}/read/", "post"): "inbox_read",
    ("/api/v1/inbox/unread/", "get"): "inbox_unread",
    ("/api/v1/inbox/preferences/", "get"): "inbox_preferences",
    ("/api/v1/inbox/preferences/", "put"): "inbox_preferences_update",
    ("/api/v1/notices/", "get"): "notice_list",
    ("/api/v1/notices/", "post"): "notice_create",
    ("/api/v1/notices/{notice_id}/", "get"): "notice_detail",
    ("/api/v1/notices/{notice_id}/read/", "post"): "notice_read",
    ("/api/v1/notices/{notice_id}/receipts/", "get"): "notice_receipts",
    ("/api/v1/notices/{notice_id}/remind/", "post"): "notice_remind",
    ("/api/v1/notices/tasks/", "get"): "task_list",
    ("/api/v1/notices/tasks/", "post"): "task_create",
    ("/api/v1/notices/tasks/sent/", "get"): "task_sent",
    ("/api/v1/notices/tasks/{task_id}/", "get"): "task_detail",
    ("/api/v1/notices/tasks/{task_id}/receipts/", "get"): "task_receipts",
    ("/api/v1/notices/tasks/{task_id}/return/", "post"): "task_return",
    ("/api/v1/notices/tasks/{task_id}/remind/", "post"): "task_remind",
    ("/api/v1/notices/tasks/{task_id}/close/", "post"): "task_close",
    ("/api/v1/notices/tasks/recipients/{recipient_id}/reopen/", "post"): "task_reopen",
    ("/api/v1/trainings/courses/", "get"): "training_course_list",
    ("/api/v1/trainings/courses/", "post"): "training_course_create",
    ("/api/v1/trainings/courses/{course_id}/", "get"): "training_course_detail",
    ("/api/v1/trainings/courses/{course_id}/enrolments/", "post"): "training_course_enrol",
    ("/api/v1/trainings/courses/{course_id}/sessions/", "post"): "training_session_create",
    ("/api/v1/trainings/sessions/{session_id}/held/", "post"): "training_session_held",
    (
        "/api/v1/trainings/sessions/{session_id}/attendance/",
        "post",
    ): "training_session_attendance_set",
    ("/api/v1/trainings/coverage/", "get"): "training_coverage",
    ("/api/v1/trainings/figures/", "get"): "training_figures",
    ("/api/v1/sanxin/orgs/", "get"): "sanxin_org_list",
    ("/api/v1/sanxin/orgs/", "post"): "sanxin_org_create",
    ("/api/v1/sanxin/orgs/{sanxin_org_id}/", "get"): "sanxin_org_detail",
    ("/api/v1/sanxin/orgs/{sanxin_org_id}/", "patch"): "sanxin_org_update",
    ("/api/v1/sanxin/orgs/{sanxin_org_id}/federation/", "post"): "sanxin_establish_federation",
    ("/api/v1/sanxin/orgs/{sanxin_org_id}/workers/", "post"): "sanxin_worker_add",
    ("/api/v1/sanxin/exemplary/", "post"): "sanxin_exemplary_add",
    ("/api/v1/sanxin/targets/", "get"): "sanxin_target_list",
    ("/api/v1/sanxin/targets/", "post"): "sanxin_target_create",
    ("/api/v1/sanxin/figures/", "get"): "sanxin_figures",
    ("/api/v1/meetings/", "get"): "meeting_list",
    ("/api/v1/meetings/", "post"): "meeting_create",
    ("/api/v1/meetings/{meeting_id}/", "get"): "meeting_detail",
    ("/api/v1/meetings/{meeting_id}/held/", "post"): "meeting_record_held",
    ("/api/v1/meetings/{meeting_id}/cancel/", "post"): "meeting_cancel",
    ("/api/v1/meetings/{meeting_id}/topics/", "post"): "meeting_topic_add",
    ("/api/v1/meetings/topics/{topic_id}/resolutions/", "post"): "meeting_resolution_add",
    ("/api/v1/meetings/resolutions/", "get"): "meeting_resolution_list",
    ("/api/v1/meetings/resolutions/{resolution_id}/actions/", "post"): "meeting_resolution_action",
    ("/api/v1/meetings/figures/", "get"): "meeting_figures",
    ("/api/v1/honours/families/", "get"): "honour_family_list",
    ("/api/v1/honours/families/", "post"): "honour_family_nominate",
    ("/api/v1/honours/families/{honour_id}/", "get"): "honour_family_detail",
    ("/api/v1/honours/families/{honour_id}/actions/", "post"): "honour_family_action",
    ("/api/v1/honours/individuals/", "get"): "honour_individual_list",
    ("/api/v1/honours/individuals/", "post"): "honour_individual_nominate",
    ("/api/v1/honours/individuals/{honour_id}/", "get"): "honour_individual_detail",
    ("/api/v1/honours/individuals/{honour_id}/actions/", "post"): "honour_individual_action",
    ("/api/v1/honours/figures/", "get"): "honours_figures",
    ("/api/v1/employment/loans/", "get"): "loan_list",
    ("/api/v1/employment/loans/", "post"): "loan_apply",
    ("/api/v1/employment/loans/{loan_id}/", "get"): "loan_detail",
    ("/api/v1/employment/loans/{loan_id}/actions/", "post"): "loan_action",
    ("/api/v1/employment/fairs/", "get"): "job_fair_list",
    ("/api/v1/employment/fairs/", "post"): "job_fair_create",
    ("/api/v1/employment/fairs/{fair_id}/", "get"): "job_fair_detail",
    ("/api/v1/employment/fairs/{fair_id}/employers/", "post"): "job_fair_employer_add",
    ("/api/v1/employment/fairs/{fair_id}/posts/", "post"): "job_fair_post_add",
    ("/api/v1/employment/fairs/{fair_id}/results/", "post"): "job_fair_results",
    ("/api/v1/employment/figures/", "get"): "employment_figures",
}


@pytest.fixture
def schema():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, problems


def test_schema_generates_without_warnings_or_errors(schema):
    _, problems = schema
    assert problems == []


def test_schema_is_valid_openapi(schema):
    validate_schema(schema[0])


def test_schema_documents_every_operation_with_an_id_and_a_tag(schema):
    paths = schema[0]["paths"]
    found = {
        (path, method): operation["operationId"]
        for path, methods in paths.items()
        for method, operation in methods.items()
    }
    assert found == OPERATIONS
    for methods in paths.values():
        for operation in methods.values():
            assert operation["tags"] and operation["summary"]


def test_list_operations_document_the_page_envelope(schema):
    paths = schema[0]["paths"]
    for path in ("/api/v1/orgs/", "/api/v1/orgs/{org_id}/history/"):
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["$ref"].startswith("#/components/schemas/Paginated")
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"page", "page_size"} <= names


def test_schema_endpoint_answers(cast, client):
    client.force_login(cast.songhe_chair)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/orgs/" in response.json()["paths"]


def test_docs_page_loads_swagger_ui_from_our_own_static_files(cast, client):
    client.force_login(cast.songhe_chair)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in url for url in assets)
    for url in assets:
        assert url.startswith("/static/"), url
    assert "cdn" not in html.lower()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_schema_and_docs_need_a_login(db, client):
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/").status_code == 403


def test_no_field_promises_an_rfc3339_time_with_an_offset(schema):
    """`format: time` is RFC 3339's full-time ("09:00:00+08:00"); the API's times of day are
    local ("09:00:00"), declared by jinguo.common.api.LocalTimeField."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("format") == "time":
                found.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema[0], "")
    assert found == []
