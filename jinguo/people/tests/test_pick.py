from jinguo.people.models import Person


def test_picker_lists_matching_people_in_scope_as_checkboxes_that_submit_nothing(cast, tree, login):
    """The chips of the picker hold the choice; the results, swapped by each search, do not."""
    person = Person.objects.create(org=tree.songhe, name="汪秀兰", gender="F")
    Person.objects.create(org=tree.dongmen, name="汪东门", gender="F")
    html = login(cast.songhe_chair).get("/people/pick/?q=汪&field=attendees").content.decode()
    assert f'type="checkbox" value="{person.pk}" data-picker-option' in html
    assert "name=" not in html
    assert "汪秀兰" in html
    assert "汪东门" not in html  # another county's person


def test_picker_without_a_query_lists_nobody(cast, tree, login):
    Person.objects.create(org=tree.songhe, name="汪秀兰", gender="F")
    html = login(cast.songhe_chair).get("/people/pick/?field=attendees").content.decode()
    assert "汪秀兰" not in html


def test_picker_does_not_echo_the_field_parameter(cast, tree, login):
    Person.objects.create(org=tree.songhe, name="汪秀兰", gender="F")
    response = login(cast.songhe_chair).get('/people/pick/?q=汪&field="><script>')
    assert response.status_code == 200 and "<script>" not in response.content.decode()
