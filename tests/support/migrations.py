"""Running a migration's data step inside a test."""

from django.db import connection


class Editor:
    """What a migration's RunPython step uses of a schema editor (SQLite's cannot open
    inside the test's transaction)."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
