"""The one patch of Django the project keeps (strings/catalogue_guard.py): Django has no
hook into catalogue loading. These tests fail loudly when a Django upgrade changes or
removes the patched method, instead of silently turning the guard off."""

from django.utils.translation import trans_real

from strings import catalogue_guard


def test_the_patched_django_method_is_the_one_the_guard_was_written_against():
    assert hasattr(trans_real.DjangoTranslation, "_original_add_local_translations")
    assert catalogue_guard.patched_source_digest() == catalogue_guard.PATCHED_SOURCE, (
        "django.utils.translation.trans_real.DjangoTranslation._add_local_translations "
        "changed: read its new source, adapt strings/catalogue_guard.py, update PATCHED_SOURCE"
    )
    # Django's loader still calls the method the guard replaces, with the helpers it uses.
    assert "self._add_local_translations()" in __import__("inspect").getsource(
        trans_real.DjangoTranslation.__init__
    )
    assert callable(trans_real.DjangoTranslation._new_gnu_trans)
    assert callable(trans_real.DjangoTranslation.merge)


def test_the_guard_is_installed_once_by_the_strings_app():
    translation_class = trans_real.DjangoTranslation
    assert translation_class._catalogue_guard is True
    installed = translation_class._add_local_translations
    catalogue_guard.install()
    assert translation_class._add_local_translations is installed
