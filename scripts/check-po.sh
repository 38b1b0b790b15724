#!/bin/sh
# Check the translations: po/natter.pot must hold exactly the messages
# xgettext finds in the sources now (`make pot` makes it again), and each
# po/LANG.po must translate every one of them, none fuzzy, none left
# over, with formats msgfmt --check accepts. Print what is wrong; exit 1
# if anything is.
set -eu

cd "$(dirname "$0")/.."
status=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/natter-po.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

make -s --no-print-directory POT="$tmp/natter.pot" pot

# The messages alone, sorted: line numbers and dates may differ.
ids() {
	msgcat --no-location --no-wrap --sort-output "$1" |
	    sed -e '/^"POT-Creation-Date:/d' -e '/^#/d'
}
if ! ids "$tmp/natter.pot" >"$tmp/new" || ! ids po/natter.pot >"$tmp/old"
then
	status=1
elif ! cmp -s "$tmp/old" "$tmp/new"; then
	echo "po/natter.pot: out of date with the sources (run make pot," \
	    "then msgmerge -U po/LANG.po po/natter.pot and translate):"
	diff "$tmp/old" "$tmp/new" | sed -n 's/^[<>] msgid /&/p' | head -40
	status=1
fi

for po in po/*.po; do
	[ -e "$po" ] || continue
	# Every message of the sources, in this catalogue.
	msgmerge -q --no-fuzzy-matching -o "$tmp/merged.po" "$po" \
	    "$tmp/natter.pot"
	if ! stats=$(msgfmt --check --statistics -o /dev/null \
	    "$tmp/merged.po" 2>&1); then
		echo "$po: msgfmt --check:"
		echo "$stats"
		status=1
		continue
	fi
	case "$stats" in
	*fuzzy*|*untranslated*)
		echo "$po: $stats"
		msgattrib --no-wrap --untranslated "$tmp/merged.po" |
		    sed -n 's/^msgid "\(..*\)"$/  untranslated: \1/p'
		msgattrib --no-wrap --only-fuzzy "$tmp/merged.po" |
		    sed -n 's/^msgid "\(..*\)"$/  fuzzy: \1/p'
		status=1
		;;
	esac
	# Fuzzy entries in the file itself count too, and so do entries
	# the sources no longer have.
	if msgattrib --only-fuzzy "$po" | grep -q '^msgid "..*"'; then
		echo "$po: has fuzzy entries"
		status=1
	fi
	if msgattrib --only-obsolete "$po" | grep -q '^#~'; then
		echo "$po: has obsolete (#~) entries: msgattrib --no-obsolete"
		status=1
	fi
	if ! msgcmp --use-fuzzy --use-untranslated "$po" "$tmp/natter.pot" \
	    >/dev/null 2>&1; then
		echo "$po: not merged with po/natter.pot" \
		    "(msgmerge -U $po po/natter.pot)"
		status=1
	fi
done
exit $status
