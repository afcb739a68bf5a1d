"""Every visible string has its French translation, and the committed .mo matches the .po."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "web" / "translations" / "fr" / "LC_MESSAGES"


def source_messages() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {
        message
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map
        )
    }


def test_every_visible_string_has_a_french_translation():
    with open(CATALOG / "messages.po", "rb") as po:
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(source_messages() - translated)
    assert missing == [], f"untranslated (see web/translations/README.md): {missing}"


def test_compiled_catalog_matches_its_source():
    with open(CATALOG / "messages.po", "rb") as po, open(CATALOG / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    assert translations(compiled) == translations(source), (
        "run: pybabel compile -d web/translations"
    )


def translations(catalog) -> dict:
    return {message.id: message.string for message in catalog if message.id and message.string}
