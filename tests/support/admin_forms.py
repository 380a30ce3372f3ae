"""Post a Django admin change form back as a browser would, with some fields changed."""

from django.forms.models import BaseInlineFormSet


def _field_value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if value is True:
        return "on"
    if value is False:
        return ""
    return str(value)


def change_form_data(response) -> dict:
    """Every editable value of the admin change form in `response`, inlines included."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = _field_value(form[name])
        if value != "":
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset: BaseInlineFormSet = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for subform in formset.forms:
            for name in subform.fields:
                value = _field_value(subform[name])
                if value != "":
                    data[subform.add_prefix(name)] = value
    return {key: value for key, value in data.items() if value is not None}


def post_review(client, url: str, data: dict, **options):
    """Act on a review page as a browser would: post the action with the hidden fields
    the page carries (what it showed), and confirm a withdrawal on its second step."""
    page = client.get(url)
    form = page.context["form"]
    hidden = {name: form[name].value() or "" for name in ("fingerprint", "english_fingerprint")}
    approving = data.get("action") == "approve" or data.get("approve_next")
    if "override_reason" in form.fields and approving:
        # The page asks why a version with a new blocking content finding is approved
        # anyway (reviews.content_rules): a reviewer types a reason.
        data = {"override_reason": "Known and accepted for this test", **data}
    response = client.post(url, {**hidden, **data}, **options)
    if data.get("action") == "withdraw" and "effects" in (response.context or {}):
        confirm = {**data, "confirmed": "True"}
        response = client.post(url, {**hidden, **confirm}, **options)
    return response
