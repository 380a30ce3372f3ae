"""The "Is this page useful?" form, as posted from the foot of a topic page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import guard
from .models import MAX_COMMENT_LENGTH


class FeedbackForm(forms.Form):
    useful = forms.ChoiceField(
        label=_("Is this page useful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        error_messages={
            "required": _("Please choose yes or no."),
            "invalid_choice": _("Please choose yes or no."),
        },
    )
    # No max_length: the browser's maxlength counts a line break as one character, so
    # the length is checked after line breaks are normalised (guard.refusal).
    comment = forms.CharField(required=False, strip=False)
    token = forms.CharField(required=False)

    def clean_comment(self) -> str:
        text = guard.normal_text(self.cleaned_data.get("comment") or "")
        problem = guard.refusal(text)
        if problem:
            raise forms.ValidationError(problem)
        return text

    def kept(self) -> dict:
        """What the reader sent, to show again with a message (never lost)."""
        comment = self.data.get("comment", "")
        return {
            "useful": self.data.get("useful", ""),
            "comment": comment if isinstance(comment, str) else "",
            "max_length": MAX_COMMENT_LENGTH,
        }
