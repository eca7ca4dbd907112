from django.urls import path

from presales.deals import views

app_name = "deals"
urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("board/", views.board, name="board"),
    path("new/", views.opportunity_create, name="create"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/stage/", views.opportunity_move_stage, name="move_stage"),
    path("<int:pk>/close/", views.opportunity_close, name="close"),
    path("<int:pk>/reopen/", views.opportunity_reopen, name="reopen"),
    path("<int:pk>/team/", views.deal_member_add, name="member_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.deal_member_remove, name="member_remove"),
    path("<int:pk>/competitors/", views.deal_competitor_add, name="competitor_add"),
    path("<int:pk>/competitors/<int:link_pk>/remove/", views.deal_competitor_remove, name="competitor_remove"),
    path("competitors/", views.competitor_list, name="competitor_list"),
    path("competitors/new/", views.competitor_create, name="competitor_create"),
    path("competitors/<int:pk>/", views.competitor_detail, name="competitor_detail"),
    path("competitors/<int:pk>/edit/", views.competitor_edit, name="competitor_edit"),
]
