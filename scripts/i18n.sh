#!/usr/bin/env bash
# Translation catalogues: extract messages, merge them into ru and kk, compile .mo files.
#   bash scripts/i18n.sh extract   # refresh resources/locale/observer_app.pot and merge into .po
#   bash scripts/i18n.sh compile   # build the .mo files the program loads
# Keywords: babel's defaults (_, gettext, ngettext, ...) plus N_ and `t`, the local alias the
# report modules use for `texts.gettext` (`t = texts.gettext`). tests/i18n reads the -k options
# from KEYWORDS below, so extraction in the tests and here cannot drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
[ -x "$PYBABEL" ] || PYBABEL=pybabel
LOCALE=resources/locale
KEYWORDS=(-k _ -k N_ -k ngettext:1,2 -k t)
case "${1:-}" in
  extract)
    "$PYBABEL" extract -F babel.cfg "${KEYWORDS[@]}" --no-location --sort-output -w 100 \
      --project "Observer Logbook" -o "$LOCALE/observer_app.pot" observer_app
    for lang in ru kk; do
      if [ -f "$LOCALE/$lang/LC_MESSAGES/observer_app.po" ]; then
        "$PYBABEL" update --no-fuzzy-matching --ignore-obsolete -w 100 -i "$LOCALE/observer_app.pot" \
          -d "$LOCALE" -D observer_app -l "$lang"
      else
        "$PYBABEL" init -i "$LOCALE/observer_app.pot" -d "$LOCALE" -D observer_app -l "$lang"
      fi
    done ;;
  compile)
    "$PYBABEL" compile --statistics -d "$LOCALE" -D observer_app ;;
  *) echo "usage: $0 extract|compile" >&2; exit 2 ;;
esac
