#!/bin/sh
# Check that every command-table row has an entry in its man page:
# each server command in server/cmd.c needs ".It Ic NAME" in man/natterd.8,
# and, once the client exists, each "/name" row in client/command.c needs
# ".It Ic /name" in man/natter.1 and in each translation of it
# (man/LANG/natter.1). Then check natterd's options: each one
# that `natterd --help` lists (from the options table in server/config.c)
# needs ".It Fl -NAME" in man/natterd.8, saying the same default. Each
# one that is also a key of the configuration file (all but help, version,
# config, check-config and hash-password), and each key that --help lists
# under "keys only in a --config file:" (such as oper), needs ".It Ic NAME"
# in the KEYS section of man/natterd.conf.5, with the same default and
# "Re-read on SIGHUP." or "Needs a restart." as --help says ", re-read on
# SIGHUP" or not; a key only for the file must have no ".It Fl -NAME" in
# man/natterd.8. Last, the sample file contrib/natterd.conf must pass
# `natterd -t -f contrib/natterd.conf`, show every key commented out with
# its default (or an example), and still pass with them all uncommented.
# Print what is missing or differs; exit 1 if anything does.
#
# NATTERD names the natterd to ask (default build/natterd).
set -eu

cd "$(dirname "$0")/.."
status=0
NATTERD=${NATTERD:-build/natterd}

# check TABLE-FILE PAGE NAMES: report each name with no ".It Ic NAME" line.
check() {
	file=$1
	page=$2
	names=$3
	if [ -z "$names" ]; then
		echo "$file: no command table rows found"
		status=1
		return
	fi
	if [ ! -f "$page" ]; then
		echo "$page: missing (needed for $file)"
		status=1
		return
	fi
	for name in $names; do
		# The name, quoted for grep, then a space or the end of the line.
		re=$(printf '%s\n' "$name" | sed 's/[].[*^$\\]/\\&/g')
		if ! grep -q -e "^\.It Ic $re\$" -e "^\.It Ic $re " "$page"
		then
			echo "$page: no .It Ic $name entry (from $file)"
			status=1
		fi
	done
}

# Server rows look like:	{ "JOIN",	irc_join,	1, CMD_REGISTERED },
# Only the rows inside cmd_table[] count.
server=$(awk '
	/cmd_table\[\][ \t]*=/ { intable = 1; next }
	intable && /^};/ { intable = 0 }
	intable' server/cmd.c |
    sed -n 's/^[[:space:]]*{[[:space:]]*"\([A-Z][A-Z0-9]*\)".*/\1/p')
check server/cmd.c man/natterd.8 "$server"

# Client rows look like:	{ "/nick",	command_nick,	"[nick]" },
# Until the client and its page exist there is nothing to check; one
# without the other is reported.
if [ -f client/command.c ]; then
	client=$(sed -n 's/^[[:space:]]*{[[:space:]]*"\(\/[^"]*\)".*/\1/p' \
	    client/command.c)
	check client/command.c man/natter.1 "$client"
	# Its translations (man/ko/natter.1) document every command too.
	for page in man/*/natter.1; do
		if [ -f "$page" ]; then
			check client/command.c "$page" "$client"
		fi
	done
elif [ -f man/natter.1 ]; then
	echo "man/natter.1: client/command.c is missing, nothing to check"
	status=1
fi

# Options: "--name ARG   help ... (default VALUE)" from --help, with the
# wrapped lines joined, against the ".It Fl -name" entry of natterd.8 and
# its "The default is VALUE" (macros such as .Ql and .Cm dropped).
if [ ! -x "$NATTERD" ]; then
	echo "$NATTERD: missing; build natterd to check its options"
	exit 1
fi
# One line per option: its name, then its --help text, wrapped lines
# joined: "config   -f, --config FILE     read settings from FILE, ...".
# The options end where the keys only for the file begin.
help=$("$NATTERD" --help)
options=$(printf '%s\n' "$help" | awk '
	/^keys only in a --config file:/ { exit }
	/^  -/ { if (line != "") print line; line = $0; next }
	/^    / && line != "" { sub(/^ +/, " "); line = line $0; next }
	{ if (line != "") print line; line = "" }
	END { if (line != "") print line }' |
    sed -n 's/^  \(-., \)\{0,1\}--\([a-z-]*\).*/\2 &/p')
if [ -z "$options" ]; then
	echo "$NATTERD --help: no options found"
	exit 1
fi
# The options that are not keys of the configuration file.
cmdline_only=" help version config check-config hash-password "

# The keys with no option, from the section "keys only in a --config
# file:" of --help, each "  KEY ARGS  help" with its wrapped lines
# indented further. One line per key: its name, how many values a line
# needs at least (ARGS not in brackets), then its --help text, joined:
# "oper 2   oper NAME HASH [MASK] an IRC operator: ...". As in usage(),
# the help starts at column 25, or on the next line if KEY ARGS is longer.
fileonly=$(printf '%s\n' "$help" | awk '
	/^keys only in a --config file:/ { insec = 1; next }
	!insec { next }
	/^  [^ ]/ { if (line != "") print line; line = $0; next }
	/^    / && line != "" { sub(/^ +/, " "); line = line $0; next }
	{ if (line != "") print line; line = ""; insec = 0 }
	END { if (line != "") print line }' |
    awk '{
	left = $0
	if (length(left) > 24 && substr(left, 24, 1) == " ")
		left = substr(left, 1, 23)
	n = split(left, w, " ")
	need = 0
	for (i = 2; i <= n; i++)
		if (w[i] !~ /^\[/)
			need++
	print w[1], need, $0
    }')

# Every key as "KEY NEED TEXT": the options' keys take one value.
keylines=$(printf '%s\n' "$options" | while read -r name rest; do
	case $cmdline_only in *" $name "*) continue ;; esac
	echo "$name 1 $rest"
done
[ -z "$fileonly" ] || printf '%s\n' "$fileonly")

problems=$(printf '%s\n' "$options" |
while read -r name rest; do
	want=$(printf '%s\n' "$rest" |
	    sed -n 's/.*[(;] *default \([^)]*\)).*/\1/p')
	# The entry's default, then each ".It Fl -name No VALUE" elsewhere.
	awk -v opt="$name" '
		/^\.It Fl / {
			inopt = 0
			for (i = 3; i <= NF; i++) {
				if ($i != "-" opt)
					continue
				if ($(i + 1) == "No")
					also[++nalso] = $(i + 2)
				else
					inopt = found = 1
			}
			next
		}
		/^\.(It|El)/ { inopt = 0 }
		inopt { text = text " " $0 }
		END {
			if (!found) { print "MISSING"; exit }
			gsub(/\.(Ql|Cm|Li|Dq) /, "", text)
			v = ""
			if (match(text, /The default is [^ ]+/)) {
				v = substr(text, RSTART + 15, RLENGTH - 15)
				sub(/[.,]$/, "", v)
			}
			print v
			for (i = 1; i <= nalso; i++)
				print also[i]
		}' man/natterd.8 | {
		read -r have || have=MISSING
		if [ "$have" = MISSING ]; then
			echo "man/natterd.8: no .It Fl -$name entry" \
			    "(from natterd --help)"
		elif [ "$have" != "$want" ]; then
			echo "man/natterd.8: --$name: default '$have'," \
			    "natterd says '$want'"
		fi
		while read -r also; do
			[ "$also" = "$want" ] || echo "man/natterd.8:" \
			    "--$name No $also, natterd says '$want'"
		done
	}
done)
# A key only for the file is no option.
if [ -n "$fileonly" ]; then
	problems=$(printf '%s\n' "$problems"
	printf '%s\n' "$fileonly" | while read -r name need rest; do
		if awk -v opt="$name" '
		    /^\.It Fl / { for (i = 3; i <= NF; i++)
			if ($i == "-" opt) found = 1 }
		    END { exit !found }' man/natterd.8; then
			echo "man/natterd.8: .It Fl -$name: $name is a key" \
			    "only in a --config file, not an option"
		fi
	done)
	problems=$(printf '%s\n' "$problems" | sed '/^$/d')
fi
if [ -n "$problems" ]; then
	printf '%s\n' "$problems"
	status=1
fi

# The keys, options' and the file's own: each needs ".It Ic KEY" in the
# KEYS section of natterd.conf.5, whose text says "The default is VALUE"
# as --help does, and exactly one of "Re-read on SIGHUP" and "Needs a
# restart", as --help says ", re-read on SIGHUP" or not. An entry there
# for no key is reported too.
conf5=man/natterd.conf.5
if [ ! -f "$conf5" ]; then
	echo "$conf5: missing"
	exit 1
fi
keys=$(printf '%s\n' "$keylines" | while read -r name need rest; do
	echo "$name"
done)
problems=$(printf '%s\n' "$keylines" |
while read -r name need rest; do
	want=$(printf '%s\n' "$rest" |
	    sed -n 's/.*[(;] *default \([^)]*\)).*/\1/p')
	case $rest in
	*", re-read on SIGHUP"*) wantre=reload ;;
	*) wantre=restart ;;
	esac
	awk -v key="$name" '
		/^\.Sh / { inkeys = ($2 == "KEYS"); inkey = 0; next }
		!inkeys { next }
		/^\.It Ic / { inkey = ($3 == key); if (inkey) found++; next }
		/^\.(It|El|Ss)/ { inkey = 0 }
		inkey { text = text " " $0 }
		END {
			if (!found) { print "MISSING"; exit }
			gsub(/\.(Ql|Cm|Li|Dq|Dv) /, "", text)
			v = ""
			if (match(text, /The default is [^ ]+/)) {
				v = substr(text, RSTART + 15, RLENGTH - 15)
				sub(/[.,]$/, "", v)
			}
			print (found > 1 ? "TWICE" : v)
			re = (text ~ /Re-read on SIGHUP/)
			rs = (text ~ /Needs a restart/)
			print (re && rs ? "both" : re ? "reload" : rs ? \
			    "restart" : "none")
		}' "$conf5" | {
		read -r have || have=MISSING
		read -r havere || havere=none
		if [ "$have" = MISSING ]; then
			echo "$conf5: no .It Ic $name entry under KEYS" \
			    "(from natterd --help)"
			exit
		elif [ "$have" = TWICE ]; then
			echo "$conf5: more than one .It Ic $name entry"
		elif [ "$have" != "$want" ]; then
			echo "$conf5: $name: default '$have'," \
			    "natterd says '$want'"
		fi
		case $havere in
		both) echo "$conf5: $name: says both" \
		    "\"Re-read on SIGHUP\" and \"Needs a restart\"" ;;
		none) echo "$conf5: $name: says neither" \
		    "\"Re-read on SIGHUP\" nor \"Needs a restart\"" ;;
		"$wantre") ;;
		reload) echo "$conf5: $name: says \"Re-read on SIGHUP\"," \
		    "natterd --help does not" ;;
		restart) echo "$conf5: $name: says \"Needs a restart\"," \
		    "natterd --help says re-read on SIGHUP" ;;
		esac
	}
done
# Entries under KEYS that are no key.
awk '
	/^\.Sh / { inkeys = ($2 == "KEYS"); next }
	inkeys && /^\.It Ic / { print $3 }' "$conf5" |
while read -r entry; do
	printf '%s\n' "$keys" | grep -qx -e "$entry" ||
	    echo "$conf5: .It Ic $entry: not a key natterd --help lists"
done)
if [ -n "$problems" ]; then
	printf '%s\n' "$problems"
	status=1
fi

# The sample: it must pass natterd's own check as it is; every key must be
# in it, commented out, as "#KEY DEFAULT" (or "#KEY EXAMPLE" for a key
# without a default, with as many values as the key needs); no line may
# set anything; and with every such line uncommented it must pass again,
# so the examples are good values too.
sample=contrib/natterd.conf
if [ ! -f "$sample" ]; then
	echo "$sample: missing"
	exit 1
fi
if ! out=$("$NATTERD" -t -f "$sample" 2>&1) ||
    [ "$out" != "$sample: ok" ]; then
	printf '%s\n' "$out"
	echo "$sample: natterd -t -f $sample fails"
	status=1
fi
problems=$(printf '%s\n' "$keylines" |
while read -r name need rest; do
	want=$(printf '%s\n' "$rest" |
	    sed -n 's/.*[(;] *default \([^)]*\)).*/\1/p')
	if [ -n "$want" ]; then
		awk -v k="$name" -v v="$want" '
		    $1 == "#" k && $2 == v { found = 1 }
		    END { exit !found }' "$sample" ||
		    echo "$sample: no '#$name $want' line"
	else
		awk -v k="$name" -v n="$need" '
		    $1 == "#" k && NF >= 1 + n { found = 1 }
		    END { exit !found }' "$sample" ||
		    echo "$sample: no '#$name VALUE' line" \
			"($need value(s) at least)"
	fi
done
grep -n -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$sample" |
    sed "s|^|$sample:|; s|\$| (a setting not commented out)|")
if [ -n "$problems" ]; then
	printf '%s\n' "$problems"
	status=1
fi
# Uncommented: each "#KEY ..." line whose KEY is a key.
tmp=$(mktemp "${TMPDIR:-/tmp}/natterd-conf.XXXXXX")
trap 'rm -f "$tmp"' EXIT
printf '%s\n' "$keys" | awk '
	NR == FNR { key["#" $1] = 1; next }
	$1 in key { sub(/^#/, "") }
	{ print }' - "$sample" >"$tmp"
if ! out=$("$NATTERD" -t -f "$tmp" 2>&1) || [ "$out" != "$tmp: ok" ]; then
	printf '%s\n' "$out" | sed "s|$tmp|$sample (uncommented)|g"
	echo "$sample: fails natterd -t with its settings uncommented"
	status=1
fi

exit $status
