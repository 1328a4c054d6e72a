from jinguo.people.models import Person


def test_picker_lists_matching_people_in_scope_as_checkboxes(cast, tree, login):
    Person.objects.create(org=tree.songhe, name="汪秀兰", gender="F")
    Person.objects.create(org=tree.dongmen, name="汪东门", gender="F")
    html = login(cast.songhe_chair).get("/people/pick/?q=汪&field=attendees").content.decode()
    assert 'name="attendees"' in html
    assert "汪秀兰" in html
    assert "汪东门" not in html  # another county's person


def test_picker_without_a_query_lists_nobody(cast, tree, login):
    Person.objects.create(org=tree.songhe, name="汪秀兰", gender="F")
    html = login(cast.songhe_chair).get("/people/pick/?field=attendees").content.decode()
    assert "汪秀兰" not in html


def test_picker_refuses_a_field_name_that_is_not_a_word(cast, login):
    response = login(cast.songhe_chair).get('/people/pick/?q=a&field="><script>')
    assert response.status_code == 404
