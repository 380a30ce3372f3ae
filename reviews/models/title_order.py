"""Where a published topic stands in a language's alphabetical list (the A–Z page)."""

from django.db import models

from .published import PublishedVersion


class TitleOrder(models.Model):
    """A published version's title as `language`'s alphabet sorts it (search.alphabet):
    its key, compared by code points, and the letter it is listed under. A version has
    one for its own language, and an English one has one for every language (an untranslated
    topic is listed in English). Made at approval, and again by the A–Z page for any
    version that has none made by the alphabet's current `rules`; so the page sorts and
    pages its topics in the database, however many there are, without folding each
    title on every render (1.3 to 1.9 s at +10,000 topics on PostgreSQL). Each place also
    names its version's `key` and `version_language`, so a list whose places are complete
    is read from its places alone: those not `shadowed` (an English place where the same
    key has a place of the list's own language), public.readers.alphabetical. Places made by a
    release before these two columns have them empty and are made again. Not shown in
    the admin: it says nothing a reviewer approves."""

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="title_orders"
    )
    language = models.CharField(max_length=10)
    rules = models.CharField(max_length=16)
    sort_key = models.TextField()
    initial = models.CharField(max_length=8)
    # The version's, copied: empty in places made by an older release (db_default, so
    # its workers' inserts still work during a rolling deploy).
    key = models.CharField(max_length=50, db_default="")
    version_language = models.CharField(max_length=10, db_default="")
    # An English place where the list has its own language's place of the same key:
    # set by the database's triggers on every write of a place (reviews.shadows), never
    # by the site's code.
    shadowed = models.BooleanField(db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="one_title_order_per_language"
            )
        ]
        indexes = [
            # A list's places of one language by key, which the triggers that shadow
            # English places look up (reviews.shadows), and each list's count (and an
            # index of the places each list shows, in its order, per database: reviews
            # 0030).
            models.Index(fields=["language", "version_language", "key"], name="places_by_own_key")
        ]

    def __str__(self) -> str:
        return f"{self.version_id} in {self.language}: {self.initial}"


class AlphabetRules(models.Model):
    """Each set of the alphabet's rules (search.alphabet.RULES) the site has made places
    by, in the order first seen (the id). During a rolling deploy that changes the rules,
    old and new workers both find places made by the other's rules: a worker makes again
    only places of older rules than its own (or of rules never recorded here), and sorts
    a list holding places of newer rules in memory for that render, so the two never
    rewrite each other's places back and forth (reviews.alphabetical)."""

    rules = models.CharField(max_length=16, unique=True)

    def __str__(self) -> str:
        return self.rules
