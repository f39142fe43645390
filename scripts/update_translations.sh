#!/usr/bin/env bash
# Extract the interface strings into resources/i18n/sas_en.ts, then compile sas_en.qm.
#
# The source strings are French (self.tr / QCoreApplication.translate / QT_TRANSLATE_NOOP in app/ui).
# lupdate keeps the English translations already in the .ts and marks new strings "unfinished":
# translate them (pyside6-linguist, or by hand in the XML), then run this script again so the .qm
# follows.  tests/ui_finish/test_i18n.py fails while a string is untranslated or the .qm is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
TS=resources/i18n/sas_en.ts
QM=resources/i18n/sas_en.qm
mkdir -p resources/i18n
# No source locations in the .ts: it only changes when the strings do.
"$BIN/pyside6-lupdate" -locations none -no-obsolete -source-language fr_FR -target-language en_GB \
    $(find app/ui -name '*.py' | sort) -ts "$TS"
"$BIN/pyside6-lrelease" -silent "$TS" -qm "$QM"
untranslated=$(grep -c 'type="unfinished"' "$TS" || true)
echo "$TS: $(grep -c '<source>' "$TS") strings, $untranslated untranslated; $QM compiled."
# Qt's own strings that qtbase_fr.qm leaves in English (file dialog labels): translated by hand, compiled here.
"$BIN/pyside6-lrelease" -silent resources/i18n/qtbase_fr_extra.ts -qm resources/i18n/qtbase_fr_extra.qm
