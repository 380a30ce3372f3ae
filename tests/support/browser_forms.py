"""Submit an HTML form as a browser does: from the page's HTML, not the view's context.

`BrowserForm.from_response(response)` reads the first POST form with the admin's
fields (or the one whose id is given): text and hidden inputs, checked checkboxes and
radios, selected options, and textareas, whose line ends a browser sends as CRLF (the
HTML standard's form-data set normalises every line break to CRLF; the parser drops the
one newline right after `<textarea>`). `post()` sends it with the page's CSRF token
through a client that enforces CSRF checks.
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None, form_class: str | None = None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.form_class = form_class
        self.inside = False
        self.done = False
        self.action: str | None = None
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._select_multiple = False
        self._select_options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            method = (attributes.get("method") or "get").lower()
            form_id = attributes.get("id")
            # The admin header's sign-out form is never the page's form unless named.
            wanted = (form_id == self.form_id if self.form_id else form_id != "logout-form") and (
                self.form_class is None
                or self.form_class in (attributes.get("class") or "").split()
            )
            if method == "post" and wanted:
                self.inside = True
                self.action = attributes.get("action")
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((name, attributes.get("value") or default))
        elif tag == "textarea" and name and "disabled" not in attributes:
            self._textarea, self._text = name, []
        elif tag == "select" and name and "disabled" not in attributes:
            self._select, self._select_options = name, []
            self._select_multiple = "multiple" in attributes
        elif tag == "option" and self._select is not None:
            self._select_options.append((attributes.get("value", ""), "selected" in attributes))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            if text.startswith("\n"):
                text = text[1:]
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
            self.fields.append((self._textarea, text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and not self._select_multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "form":
            self.inside = False
            self.done = True


class BrowserForm:
    def __init__(self, url: str, fields: list[tuple[str, str]]):
        self.url = url
        self.fields = fields

    @classmethod
    def from_response(
        cls,
        response,
        *,
        url: str | None = None,
        form_id: str | None = None,
        form_class: str | None = None,
    ):
        parser = _FormParser(form_id, form_class)
        parser.feed(response.content.decode())
        assert parser.done or parser.fields, "no POST form on the page"
        target = parser.action or url or response.request["PATH_INFO"]
        return cls(target, parser.fields)

    def __getitem__(self, name: str) -> str:
        return next(value for key, value in self.fields if key == name)

    def __contains__(self, name: str) -> bool:
        return any(key == name for key, _value in self.fields)

    def set(self, name: str, value: str) -> BrowserForm:
        """Type `value` into field `name` (line ends as a browser sends them)."""
        value = value.replace("\r\n", "\n").replace("\n", "\r\n")
        self.fields = [(key, old) for key, old in self.fields if key != name]
        self.fields.append((name, value))
        return self

    def data(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for key, value in self.fields:
            grouped.setdefault(key, []).append(value)
        return grouped

    def post(self, client: Client, **extra):
        return client.post(self.url, self.data(), **extra)


def csrf_client() -> Client:
    """A test client that checks CSRF tokens as the real site does."""
    return Client(enforce_csrf_checks=True)
