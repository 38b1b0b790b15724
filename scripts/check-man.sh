#!/bin/sh
# Check that every command-table row has an entry in its man page:
# each server command in server/cmd.c needs ".It Ic NAME" in man/natterd.8,
# and, once the client exists, each "/name" row in client/command.c needs
# ".It Ic /name" in man/natter.1. Print what is missing; exit 1 if any is.
set -eu

cd "$(dirname "$0")/.."
status=0

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

exit $status
