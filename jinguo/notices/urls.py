from django.urls import path

from jinguo.notices import task_views, views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_create, name="create"),
    path("<int:notice_id>/", views.notice_detail, name="detail"),
    path("<int:notice_id>/remind/", views.notice_remind, name="remind"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("tasks/", task_views.task_list, name="tasks"),
    path("tasks/new/", task_views.task_create, name="task_create"),
    path("tasks/<int:task_id>/", task_views.task_detail, name="task"),
    path("tasks/<int:task_id>/remind/", task_views.task_remind, name="task_remind"),
    path("tasks/<int:task_id>/close/", task_views.task_close, name="task_close"),
    path(
        "tasks/recipients/<int:recipient_id>/reopen/",
        task_views.recipient_reopen,
        name="reopen",
    ),
    path("tasks/photos/<int:photo_id>/", task_views.task_photo, name="task_photo"),
]
