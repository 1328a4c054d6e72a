"""An assessment round or allowance statement is a period within bounds (issue 20, item 10)."""

from jinguo.assessments.models import AllowanceStatement, AssessmentRound


def test_a_round_from_0667_to_2838_is_a_400_in_chinese_and_creates_nothing(cast, scheme, client):
    client.force_login(cast.songhe_chair)
    response = client.post(
        "/api/v1/assessments/rounds/",
        {"name": "千年考核", "start": "0667-01-01", "end": "2838-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "日期应在" in str(response.json()["extra"]["fields"])
    assert not AssessmentRound.objects.exists()


def test_a_round_of_more_than_ten_years_is_refused_on_the_form(cast, scheme, login, tree):
    response = login(cast.songhe_chair).post(
        "/assessments/rounds/new/",
        {"org": tree.songhe.pk, "name": "二十年", "start": "2005-01-01", "end": "2025-12-31"},
    )
    assert response.status_code == 200
    assert "时间段不能超过10年" in str(response.context["form"].errors["end"])
    assert not AssessmentRound.objects.exists()


def test_a_round_date_out_of_bounds_is_a_field_error_on_the_form(cast, scheme, login, tree):
    response = login(cast.songhe_chair).post(
        "/assessments/rounds/new/",
        {"org": tree.songhe.pk, "name": "千年", "start": "0667-01-01", "end": "2838-12-31"},
    )
    errors = response.context["form"].errors
    assert "日期应在" in str(errors["start"]) and "日期应在" in str(errors["end"])
    assert not AssessmentRound.objects.exists()


def test_an_allowance_statement_of_centuries_is_refused(cast, client):
    client.force_login(cast.songhe_chair)
    response = client.post(
        "/api/v1/allowances/statements/",
        {"start": "1950-01-01", "end": "2025-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "时间段不能超过" in str(response.json()["extra"]["fields"])
    assert not AllowanceStatement.objects.exists()
