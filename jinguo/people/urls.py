from django.urls import path

from jinguo.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("pick/", views.person_pick, name="pick"),
    path("new/", views.person_create, name="create"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/unmask/", views.person_unmask, name="unmask"),
    path("<int:person_id>/seats/new/", views.seat_create, name="seat_create"),
    path("<int:person_id>/posts/new/", views.post_create, name="post_create"),
    path("posts/<int:post_id>/end/", views.post_end, name="post_end"),
    path("executives/", views.executive_roster, name="executives"),
    path("executives/<int:seat_id>/end/", views.seat_end, name="seat_end"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/members/new/", views.team_member_add, name="team_member_add"),
    path("teams/members/<int:membership_id>/end/", views.team_member_end, name="team_member_end"),
    path("teams/<int:team_id>/rotations/new/", views.rotation_create, name="rotation_create"),
]
