"""The search index's rows. The table keeps its first name (`reviews_searchentry`; the
full-text engine's table and triggers are named after it, migration reviews 0008): the
model moved here from `reviews` without moving data. It points at the published version
by name, so this app imports nothing of `reviews`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.kinds import ContentKind
from articles.languages import language_choices


class SearchEntry(models.Model):
    """Part of a live published snapshot: its words as search matches them (stemmed and
    folded terms, see search.index), indexed by the database's full-text engine.
    Written at approval, deleted when the version is replaced or withdrawn."""

    version = models.OneToOneField(
        "reviews.PublishedVersion", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ContentKind)
    key = models.SlugField(_("slug"))
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    title = models.TextField(_("title terms"))
    body = models.TextField(_("body terms"))
    # len(body), kept beside it: the ranking's length normalisation reads this instead of
    # the body, which PostgreSQL would decompress from TOAST for every match (34 ms for
    # 1,206 matches at +2,000 topics, search.ranking).
    body_length = models.PositiveIntegerField(_("body length"), default=0)
    # The title terms, each between two spaces of its own (" a  b "), kept beside them:
    # the ranking counts a term in the title as the occurrences of " term " it replaces,
    # and spacing every title for that in each search was most of the title count's cost
    # (13 of 51 ms of a search for "cramp" at +10,000 topics on PostgreSQL).
    # NULL (not "") only for an entry a migration has not filled yet (search 0006).
    title_spaced = models.TextField(_("title terms, spaced"), null=True)  # noqa: DJ001

    class Meta:
        db_table = "reviews_searchentry"
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "language"], name="one_search_entry_per_language"
            )
        ]
        # A language's keys in one range (search 0007): a search's fallback group keeps
        # the English matches with no entry in the visitor's language, by hashing that
        # language's keys. Read from the constraint's index (key before language), they
        # were every entry of every language: a scan of the table, about 10 ms at +10,000
        # topics, twice a search (its rows and its count); this range, 2 ms.
        indexes = [models.Index(fields=["kind", "language", "key"], name="search_keys_by_language")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} [{self.language}]"


class SearchTerm(models.Model):
    """The search vocabulary of a language: each term of its live searchable versions,
    how many of them hold it (ranking weighs rare terms above common ones) and a word
    that reads it (what "did you mean" offers). Derived from the search entries, kept in
    step with them at approval and withdrawal (search.index)."""

    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    term = models.CharField(_("term"), max_length=100)
    word = models.CharField(_("word"), max_length=100)
    documents = models.IntegerField(_("documents"), default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["language", "term"], name="one_search_term")]

    def __str__(self) -> str:
        return f"{self.term} [{self.language}] {self.documents}"


def published_version_model():
    """The published-version model, as the entries point at it (this app imports nothing
    of `reviews`: the review workflow calls it)."""
    return SearchEntry._meta.get_field("version").related_model
