#!/bin/sh
# Check that every command-table row has an entry in its man page:
# each server command in server/cmd.c needs ".It Ic NAME" in man/natterd.8,
# and, once the client exists, each "/name" row in client/command.c needs
# ".It Ic /name" in man/natter.1. Then check natterd's options: each one
# that `natterd --help` lists (from the options table in server/config.c)
# needs ".It Fl -NAME" in man/natterd.8, saying the same default. Print
# what is missing or differs; exit 1 if anything does.
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
problems=$("$NATTERD" --help | awk '
	/^  -/ { if (line != "") print line; line = $0; next }
	/^    / { sub(/^ +/, " "); line = line $0; next }
	END { if (line != "") print line }' |
    sed -n 's/^  \(-., \)\{0,1\}--\([a-z-]*\).*/\2 &/p' |
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
if [ -n "$problems" ]; then
	printf '%s\n' "$problems"
	status=1
fi

exit $status
