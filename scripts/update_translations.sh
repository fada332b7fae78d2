#!/usr/bin/env bash
# Extract user-facing strings and merge them into the English catalogue (then translate the new msgids).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/crm-messages.pot .
.venv/bin/pybabel -q update -i /tmp/crm-messages.pot -d app/translations --no-fuzzy-matching
grep -c '^msgstr ""$' app/translations/en/LC_MESSAGES/messages.po || true
