"""No template of the site writes English outside the translation tags."""

from __future__ import annotations

from django.conf import settings

from tests.i18n.texts import template_files, untranslated_literals


def _relative(path) -> str:
    return str(path.relative_to(settings.BASE_DIR))


def test_templates_write_no_english_outside_translation_tags():
    found = {}
    for path in template_files():
        name = _relative(path)
        words = untranslated_literals(path)
        if words:
            found[name] = words
    assert found == {}


def test_there_are_templates_to_check():
    assert len(template_files()) > 40
