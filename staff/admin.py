"""Staff accounts in the admin: users with their roles and their staff profile
(languages, and the public credit printed on approved pages)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, gettext_lazy
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin, StaticTokenInline
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.languages import language_codes

from .credentials import send_reset_link
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


class OwnCredentialsOnly:
    """Second-factor devices and recovery codes belong to their owner: an administrator
    may look at them and delete (revoke) them, never add or change one; only the owner
    changes their own (staff/credentials.py)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return False
        owner = getattr(obj, "user_id", None) or getattr(obj.device, "user_id", None)
        return owner == request.user.pk and super().has_change_permission(request, obj)


class OwnStaticTokenInline(OwnCredentialsOnly, StaticTokenInline):
    pass


for _model, _admin_class in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    attributes = {"inlines": [OwnStaticTokenInline]} if _model is StaticDevice else {}
    admin.site.register(
        _model, type(f"Own{_admin_class.__name__}", (OwnCredentialsOnly, _admin_class), attributes)
    )


class NewStaffAccountForm(forms.ModelForm):
    """A new account has no password anyone knows: the owner sets it from the reset link
    mailed to them (so an administrator cannot sign in as a new account that has no
    second factor yet and enrol a device of their own for it)."""

    class Meta:
        model = User
        fields = ["username", "email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


@admin.register(User)
class StaffUserAdmin(RoleGrantGuard, UserAdmin):
    inlines = [StaffProfileInline]
    add_form = NewStaffAccountForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email")}),)

    def response_add(self, request, obj, post_url_continue=None):
        if send_reset_link(obj, request):
            self.message_user(
                request,
                gettext("%(user)s was sent a link to set their own password.")
                % {"user": obj.get_username()},
            )
        else:
            self.message_user(
                request,
                gettext(
                    "%(user)s has no e-mail address, so no password yet: add one and send "
                    "them a reset link."
                )
                % {"user": obj.get_username()},
                level=messages.WARNING,
            )
        return super().response_add(request, obj, post_url_continue)

    list_display = ["username", "get_full_name", "is_staff", "role_names"]
    list_filter = ["groups", "is_staff", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    actions = ["send_password_reset_link"]

    @admin.action(description=gettext_lazy("Send a password reset link to the owner"))
    def send_password_reset_link(self, request, queryset):
        sent = [user.get_username() for user in queryset if send_reset_link(user, request)]
        missing = [user.get_username() for user in queryset if not user.email]
        if sent:
            self.message_user(
                request, gettext("Reset link sent to: %(users)s") % {"users": ", ".join(sent)}
            )
        if missing:
            self.message_user(
                request,
                gettext("No e-mail address, no link sent: %(users)s")
                % {"users": ", ".join(missing)},
                level=messages.WARNING,
            )

    def user_change_password(self, request, id, form_url=""):
        # A password belongs to its owner: nobody sets another person's (staff/credentials).
        if str(request.user.pk) != str(id):
            raise PermissionDenied(
                gettext("Only the owner sets a password; send them a reset link instead.")
            )
        return super().user_change_password(request, id, form_url)

    @admin.display(description=gettext_lazy("roles"))
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())
