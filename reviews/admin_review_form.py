"""The review page's form: the actions one person may take on one language version
(submit, approve, request changes, withdraw), with a comment, the fingerprints of what the
page showed, and the reason to approve despite blocking content findings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.languages import SOURCE_LANGUAGE
from staff import roles

from . import workflow
from .models import LanguageVersion


class ReviewForm(forms.Form):
    """The actions one person may take on one language version, and a comment."""

    ACTIONS = {
        "submit": gettext_lazy("Submit for review"),
        "approve": gettext_lazy("Approve and publish"),
        "request_changes": gettext_lazy("Request changes"),
        "withdraw": gettext_lazy("Withdraw from the public site (all languages)"),
    }

    action = forms.ChoiceField(label=gettext_lazy("Action"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=gettext_lazy("Comment (required to request changes or withdraw)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # What the page showed: an approval names exactly that text (workflow.ShownText).
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    english_fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # Set on the confirmation step of a withdrawal, once its effects were shown.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)
    # The queue (its filters, as a query string) the reviewer came from: "approve and
    # open next" opens the next item of that queue.
    queue = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    # Approving a version with a new blocking content finding (reviews.content_rules)
    # needs a reason, kept in the audit log with the findings.
    override_reason = forms.CharField(
        label=gettext_lazy("Reason to approve despite the blocking findings"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # English approvals only (the field is removed otherwise): see workflow.approve_many.
    translations_unaffected = forms.BooleanField(
        label=gettext_lazy(
            "This change does not affect translations (a typo, a link): they stay current"
        ),
        required=False,
    )

    def __init__(
        self,
        data=None,
        *args,
        user,
        version: LanguageVersion,
        shown=None,
        findings=(),
        current=None,
        **kwargs,
    ):
        if data is not None and data.get("approve_next"):
            # The "Approve and open next" button is the approve action.
            data = data.copy()
            data["action"] = "approve"
        initial = kwargs.pop("initial", {})
        if shown is not None:
            initial |= {
                "fingerprint": shown.fingerprint,
                "english_fingerprint": shown.english_fingerprint,
            }
        super().__init__(data, *args, initial=initial, **kwargs)
        self.user, self.version = user, version
        self.open_next = bool(data is not None and data.get("approve_next"))
        self.blocking = [shown for shown in findings if shown.blocking and shown.new]
        self.current = current  # workflow.ShownText of the text as it is now
        if not self.blocking:
            del self.fields["override_reason"]
        allowed = self.allowed_actions(user, version.language)
        self.fields["action"].choices = [(name, self.ACTIONS[name]) for name in allowed]
        if version.language != SOURCE_LANGUAGE or "approve" not in allowed:
            del self.fields["translations_unaffected"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") == "approve"
            and self.blocking
            and not cleaned.get("override_reason", "").strip()
            # A page shown before the text changed is refused as stale by the workflow.
            and self.current is not None
            and cleaned.get("fingerprint") == self.current.fingerprint
            and cleaned.get("english_fingerprint") == self.current.english_fingerprint
        ):
            self.add_error(
                "override_reason",
                _(
                    "This version has blocking findings in the content checks: type why "
                    "you approve it anyway, or request changes."
                ),
            )
        return cleaned

    @property
    def needs_confirmation(self) -> bool:
        return self.cleaned_data["action"] == "withdraw" and not self.cleaned_data["confirmed"]

    @staticmethod
    def allowed_actions(user, language: str) -> list[str]:
        allowed = []
        if roles.can_submit(user, language):
            allowed.append("submit")
        if roles.can_review(user, language):
            allowed += ["approve", "request_changes"]
        if user.has_perm("reviews.withdraw_content"):
            allowed.append("withdraw")
        return allowed

    def act(self) -> str:
        """Carry out the chosen action; returns the success message. Raises WorkflowError."""
        action, comment = self.cleaned_data["action"], self.cleaned_data["comment"]
        version, user = self.version, self.user
        if action == "submit":
            workflow.submit(version, by=user, comment=comment)
            return _("Submitted for medical review.")
        if action == "approve":
            shown = workflow.ShownText(
                self.cleaned_data["fingerprint"], self.cleaned_data["english_fingerprint"]
            )
            details = {}
            if self.blocking:
                details = {
                    "blocking_findings": [str(shown.finding) for shown in self.blocking],
                    "override_reason": self.cleaned_data.get("override_reason", "").strip(),
                }
            workflow.approve(
                version,
                reviewer=user,
                shown=shown,
                comment=comment,
                details=details,
                translations_unaffected=self.cleaned_data.get("translations_unaffected", False),
            )
            return _("Approved: this version is now public.")
        if action == "request_changes":
            workflow.request_changes(version, reviewer=user, comment=comment)
            return _("Changes requested.")
        count = workflow.withdraw(version.kind, version.key, by=user, reason=comment)
        return _("Withdrawn from the public site (%(count)s published versions).") % {
            "count": count
        }
