"""Who may grant which role (DESIGN, the review promise, 8).

- Nobody grants a role they do not hold: a staff manager who is not a superuser (the
  Site admins) gives only groups they are in themselves, and never sets
  `is_superuser` or `user_permissions` (the admin shows those read-only to them and
  ignores them in a forged POST).
- Roles that approve (any group with the approve permission, i.e. Medical reviewers),
  review languages and superuser status are granted only by a superuser, and a
  superuser account comes only from the command line (`createsuperuser`).
- Nobody grants themselves a role that approves, superusers included.
- A manager who is not a superuser cannot change, or reset the password of, an account
  that holds more than they do (a superuser, an approver, a group they are not in).
- Every change of roles, languages or public credits goes into the audit log, and
  making one needs a recent sign-in (staff_security).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from articles.languages import language_codes
from audit.models import AuditEntry

from . import security as staff_security
from .models import StaffProfile

APPROVE = ("reviews", "approve_version")


def approve_permission() -> Permission:
    return Permission.objects.get(content_type__app_label=APPROVE[0], codename=APPROVE[1])


def approving_groups():
    return Group.objects.filter(permissions=approve_permission())


def holds_approving_role(user) -> bool:
    return bool(
        user.is_superuser
        or user.groups.filter(permissions=approve_permission()).exists()
        or user.user_permissions.filter(pk=approve_permission().pk).exists()
        or _profile(user).get("review_languages")
    )


def grantable_groups(actor):
    """The groups `actor` may give to someone (or take away)."""
    if actor.is_superuser:
        return Group.objects.all()
    return actor.groups.exclude(pk__in=approving_groups())


def manageable(actor, target) -> bool:
    """May `actor` change `target`'s account at all?"""
    if actor.is_superuser:
        return True
    if target.is_superuser or holds_approving_role(target):
        return False
    if target.user_permissions.exists():
        return False
    allowed = set(grantable_groups(actor).values_list("pk", flat=True))
    return set(target.groups.values_list("pk", flat=True)) <= allowed


def _profile(user) -> dict:
    profile = StaffProfile.objects.filter(user_id=user.pk).first() if user.pk else None
    if profile is None:
        return {}
    return {
        "translation_languages": sorted(profile.translation_languages or []),
        "review_languages": sorted(profile.review_languages or []),
        **{
            f"public_credit_{code}": getattr(profile, f"public_credit_{code}", "") or ""
            for code in language_codes()
        },
    }


def state(user) -> dict:
    """What the audit log records about an account's roles, languages and credits."""
    if user is None or user.pk is None:
        return {}
    user = get_user_model().objects.get(pk=user.pk)
    return {
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
        **_profile(user),
    }


def _changes(before: dict, after: dict) -> dict:
    """{field: {"old": ..., "new": ...}} of what differs, as the audit log records it."""
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record_changes(actor, user, before: dict, after: dict) -> list[AuditEntry]:
    """One audit entry for changed roles and languages, one for changed credits."""
    changed = _changes(before, after)
    credits = {key: value for key, value in changed.items() if key.startswith("public_credit")}
    rest = {key: value for key, value in changed.items() if key not in credits}
    entries = []
    for action, changes in ((AuditEntry.Action.ROLES, rest), (AuditEntry.Action.CREDIT, credits)):
        if changes:
            entries.append(
                AuditEntry.objects.create(
                    action=action,
                    actor=actor,
                    comment=user.get_username(),
                    details={"user": user.get_username(), "user_id": user.pk, "changes": changes},
                )
            )
    return entries


def self_grant_problems(actor, target, groups, permissions) -> list[str]:
    """Refusals for `actor` giving themselves a role that approves."""
    if target is None or target.pk != actor.pk:
        return []
    found = []
    approving = set(approving_groups().values_list("pk", flat=True))
    had = set(actor.groups.values_list("pk", flat=True))
    if any(group.pk in approving and group.pk not in had for group in groups or []):
        found.append(_("You cannot give yourself a role that approves content."))
    permission = approve_permission()
    if any(p.pk == permission.pk for p in permissions or []) and not (
        actor.user_permissions.filter(pk=permission.pk).exists()
    ):
        found.append(_("You cannot give yourself the permission to approve content."))
    return found


class GuardedChangeForm:
    """Admin mixin for role changes: saving the change form (its POST) needs a recent
    sign-in, and the form refuses, with their reasons, what `form_problems` names."""

    def form_problems(self, actor, obj, data: dict) -> list[str]:
        return []

    @method_decorator(staff_security.fresh_sign_in_required)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET":
            # Back from signing in again: the change they had posted, filled in, unsaved.
            request.staff_pending = staff_security.pending_action(request)
            if request.staff_pending:
                messages.info(
                    request,
                    _(
                        "You signed in again: the changes you had made are filled in "
                        "below. Nothing is saved until you save this form."
                    ),
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        actor, model_admin = request.user, self

        class GuardedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                staff_security.fill_from_pending(self, getattr(request, "staff_pending", None))

            def clean(self):
                data = super().clean()
                for problem in model_admin.form_problems(actor, obj, data):
                    self.add_error(None, problem)
                return data

        return GuardedForm


class RoleGrantGuard(GuardedChangeForm):
    """Mixin for the staff user admin (before django.contrib.auth.admin.UserAdmin)."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return bool(allowed and (obj is None or manageable(request.user, obj)))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def form_problems(self, actor, obj, data: dict) -> list[str]:
        return self_grant_problems(actor, obj, data.get("groups"), data.get("user_permissions"))

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        may_grant_review = request.user.is_superuser and (obj is None or obj.pk != request.user.pk)
        for inline in inlines:
            inline.may_grant_review = may_grant_review
        return inlines

    @method_decorator(staff_security.fresh_sign_in_required)
    def user_change_password(self, request, id, form_url=""):
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        request._roles_before = state(obj) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_changes(
            request.user, form.instance, getattr(request, "_roles_before", {}), state(form.instance)
        )


class ReviewLanguagesGuard:
    """Mixin for the staff profile inline: review languages only from a superuser, and
    never for their own account."""

    may_grant_review = False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        may_grant = self.may_grant_review

        class GuardedForm(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not may_grant and "review_languages" in self.fields:
                    self.fields["review_languages"].disabled = True
                staff_security.fill_from_pending(self, getattr(request, "staff_pending", None))

        formset.form = GuardedForm
        return formset


def group_state(group) -> dict:
    """What the audit log records about a group: its name and permissions."""
    if group is None or group.pk is None:
        return {}
    group = Group.objects.get(pk=group.pk)
    return {
        "name": group.name,
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


class GroupGrantGuard(GuardedChangeForm):
    """Mixin for the group admin (before django.contrib.auth.admin.GroupAdmin): a group's
    permissions are every member's role, so changing them is a change of roles. It needs
    a recent sign-in, goes into the audit log, and nobody adds the permission to approve
    to a group they are in (that would grant it to themselves)."""

    @method_decorator(staff_security.fresh_sign_in_required)
    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(request, object_id, extra_context)

    def form_problems(self, actor, obj, data: dict) -> list[str]:
        permission = approve_permission()
        adds_approval = any(p.pk == permission.pk for p in data.get("permissions") or [])
        had_it = obj is not None and obj.permissions.filter(pk=permission.pk).exists()
        member = obj is not None and actor.groups.filter(pk=obj.pk).exists()
        if adds_approval and not had_it and member:
            return [_("You cannot give the permission to approve content to a group you are in.")]
        return []

    def save_model(self, request, obj, form, change):
        request._group_before = group_state(obj) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes = _changes(getattr(request, "_group_before", {}), group_state(form.instance))
        if changes:
            AuditEntry.objects.create(
                action=AuditEntry.Action.ROLES,
                actor=request.user,
                comment=_("group %(name)s") % {"name": form.instance.name},
                details={
                    "group": form.instance.name,
                    "group_id": form.instance.pk,
                    "changes": changes,
                },  # fmt: skip
            )

    def delete_model(self, request, obj):
        before = group_state(obj)
        super().delete_model(request, obj)
        AuditEntry.objects.create(
            action=AuditEntry.Action.ROLES,
            actor=request.user,
            comment=_("group %(name)s deleted") % {"name": before.get("name", "")},
            details={"group": before.get("name"), "changes": {"deleted": before}},
        )
