"""Django's i18n template library, with translations escaped. The settings name this
module as the template library `i18n` (TEMPLATES OPTIONS "libraries", Django's
documented way to replace a library), so every template's `{% load i18n %}`, the
admin's and rosetta's included, gets these tags; Django's own library is not changed.

Django marks the output of `{% translate "literal" %}` safe, and `{% blocktranslate %}`
inserts the translated text raw: a translator's `<script>` or `"` would reach the page
as markup. Here the translated text is escaped, keeping only the tags and character
references its msgid has (strings.rules.escape_translation); the variables of
`{% blocktranslate %}` are escaped by Django as before.
"""

import types

from django import template
from django.template.base import render_value_in_context
from django.templatetags import i18n
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe

from .rules import escape_translation


class _EscapingTranslation:
    """`django.utils.translation` as BlockTranslateNode.render sees it: each lookup
    returns the translation escaped against its msgid."""

    def __getattr__(self, name):
        return getattr(translation, name)

    @staticmethod
    def gettext(message):
        return escape_translation(translation.gettext(message), message)

    @staticmethod
    def pgettext(context, message):
        return escape_translation(translation.pgettext(context, message), message)

    @staticmethod
    def ngettext(singular, plural, number):
        result = translation.ngettext(singular, plural, number)
        return escape_translation(result, singular if result == singular else plural)

    @staticmethod
    def npgettext(context, singular, plural, number):
        result = translation.npgettext(context, singular, plural, number)
        return escape_translation(result, singular if result == singular else plural)


class SafeBlockTranslateNode(i18n.BlockTranslateNode):
    # Django's own render, reading `translation` from a namespace that escapes.
    render = types.FunctionType(
        i18n.BlockTranslateNode.render.__code__,
        {**i18n.BlockTranslateNode.render.__globals__, "translation": _EscapingTranslation()},
        "render",
        i18n.BlockTranslateNode.render.__defaults__,
        i18n.BlockTranslateNode.render.__closure__,
    )


class SafeTranslateNode(i18n.TranslateNode):
    def render(self, context):
        # Django's TranslateNode.render, escaping the translation of a literal before
        # render_value_in_context (which leaves safe text alone).
        self.filter_expression.var.translate = not self.noop
        if self.message_context:
            self.filter_expression.var.message_context = self.message_context.resolve(context)
        output = self.filter_expression.resolve(context)
        if isinstance(output, Promise):
            output = str(output)  # a lazy translation: SafeString when its msgid is
        literal = getattr(self.filter_expression.var, "literal", None)
        if not self.noop and isinstance(output, SafeData) and isinstance(literal, str):
            # Variable.resolve doubled the msgid's percent signs before translating.
            output = escape_translation(output, str(literal).replace("%", "%%"))
        value = render_value_in_context(output, context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        value = mark_safe(value) if is_safe else value  # noqa: S308 - as Django does
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def _with_node(compile_function, node_class):
    def compile(parser, token):
        node = compile_function(parser, token)
        node.__class__ = node_class
        return node

    return compile


# Django's i18n library (every tag and filter), with the four translating tags replaced.
register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)
for _name in ("translate", "trans"):
    register.tag(_name, _with_node(i18n.do_translate, SafeTranslateNode))
for _name in ("blocktranslate", "blocktrans"):
    register.tag(_name, _with_node(i18n.do_block_translate, SafeBlockTranslateNode))
