"""Staff accounts in the admin: users with their roles and their staff profile
(languages, and the public credit printed on approved pages)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy

from articles.languages import language_codes

from .models import StaffProfile
from .role_grants import GroupGrantGuard, ReviewLanguagesGuard, RoleGrantGuard


class StaffProfileForm(forms.ModelForm):
    translation_languages = forms.MultipleChoiceField(
        label=gettext_lazy("translates into"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    review_languages = forms.MultipleChoiceField(
        label=gettext_lazy("qualified to review"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = StaffProfile
        fields = [
            "translation_languages",
            "review_languages",
            *(f"public_credit_{code}" for code in language_codes()),
        ]


class StaffProfileInline(ReviewLanguagesGuard, admin.StackedInline):
    model = StaffProfile
    form = StaffProfileForm
    can_delete = False
    extra = 0
    max_num = 1


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class StaffGroupAdmin(GroupGrantGuard, GroupAdmin):
    """A group's permissions are its members' role: changes are guarded and logged."""


@admin.register(User)
class StaffUserAdmin(RoleGrantGuard, UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "get_full_name", "is_staff", "role_names"]
    list_filter = ["groups", "is_staff", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=gettext_lazy("roles"))
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())
