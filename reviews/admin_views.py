"""The review admin's own pages, mounted by `LanguageVersionAdmin.get_urls` (reviews/admin.py),
one module per job:

- `admin_queue`: the queue, translation coverage, the planning page, my reviews due;
- `admin_review`: one version's review page and its actions (`admin_review_form`), with
  its preview (`admin_preview`);
- `admin_versions`: the published versions of one item: view, compare, restore;
- `admin_person`: my public credit and my review notices;
- `admin_pages`: what the pages share.
"""

from .admin_person import credit_view, notices_view
from .admin_preview import preview_view
from .admin_queue import coverage_view, my_due_view, planning_view, queue_view
from .admin_review import review_view
from .admin_versions import versions_view

__all__ = [
    "coverage_view",
    "credit_view",
    "my_due_view",
    "notices_view",
    "planning_view",
    "preview_view",
    "queue_view",
    "review_view",
    "versions_view",
]
