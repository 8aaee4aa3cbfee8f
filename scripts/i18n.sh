#!/usr/bin/env bash
# Translation catalogues: extract messages, merge them into ru and kk, compile .mo files.
#   bash scripts/i18n.sh extract   # refresh resources/locale/observer_app.pot and merge into .po
#   bash scripts/i18n.sh compile   # build the .mo files the program loads
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
[ -x "$PYBABEL" ] || PYBABEL=pybabel
LOCALE=resources/locale
case "${1:-}" in
  extract)
    "$PYBABEL" extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
      --project "Observer Logbook" -o "$LOCALE/observer_app.pot" observer_app
    for lang in ru kk; do
      if [ -f "$LOCALE/$lang/LC_MESSAGES/observer_app.po" ]; then
        "$PYBABEL" update --no-fuzzy-matching -i "$LOCALE/observer_app.pot" -d "$LOCALE" -D observer_app -l "$lang"
      else
        "$PYBABEL" init -i "$LOCALE/observer_app.pot" -d "$LOCALE" -D observer_app -l "$lang"
      fi
    done ;;
  compile)
    "$PYBABEL" compile -d "$LOCALE" -D observer_app ;;
  *) echo "usage: $0 extract|compile" >&2; exit 2 ;;
esac
