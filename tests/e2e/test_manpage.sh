#!/usr/bin/env bash
# fedcert(1) says what `fedcert help` says: the same commands, each with the
# same options (each one missing on either side is named), the same exit
# codes and version; and the page lints clean. docs/fedcert.1 is written by
# hand, so this is what keeps it from drifting.
. "$E2E_DIR/lib.sh"

PAGE=$FEDCERT_SOURCE_DIR/docs/fedcert.1

# help_options: the option names of a help text on stdin: the words
# starting with "-" before the description ("  -o, --output FILE   write").
help_options() {
	grep -E '^  -' | sed -E 's/^  //; s/ {2,}.*//' | tr ', ' '\n\n' |
		grep -E '^-' | sort -u
}

# page_options CMD: the option names of CMD's subsection of COMMANDS: the
# tag line of each .TP item, with roff's \- and font escapes undone.
page_options() {
	awk -v cmd="$1" '
		/^\.SH/ { sec = $2; ss = ""; next }
		/^\.SS/ { ss = $2; gsub(/"/, "", ss); next }
		sec != "COMMANDS" || ss != cmd { next }
		tag {
			tag = 0
			gsub(/\\-/, "-"); gsub(/\\f[BIRP]/, ""); gsub(/"/, "")
			sub(/^\.[A-Z]+ +/, "")
			n = split($0, w, /[ ,]+/)
			for (i = 1; i <= n && w[i] ~ /^-/; i++) print w[i]
		}
		/^\.TP/ { tag = 1 }' "$PAGE" | sort -u
}

# compare WHAT LEFT-NAME LEFT-FILE RIGHT-NAME RIGHT-FILE: fails once for
# each line of one sorted list that the other lacks.
compare() {
	local x
	for x in $(comm -23 "$3" "$5"); do fail "$1: $x is in $2, not in $4"; done
	for x in $(comm -13 "$3" "$5"); do fail "$1: $x is in $4, not in $2"; done
	cmp -s "$3" "$5" && ok
}

"$FEDCERT" help >"$T/help"
assert_eq "fedcert help" 0 $?

# 1. The commands: those `fedcert help` lists, and version when it offers
#    --version (the page documents both spellings in one subsection).
sed -n '/^Commands:/,/^$/p' "$T/help" | grep -oE '^  [a-z]+' | tr -d ' ' |
	sort -u >"$T/help.commands"
grep -qE '^  --version' "$T/help" && echo version >>"$T/help.commands"
sort -u -o "$T/help.commands" "$T/help.commands"
awk '/^\.SH/ { sec = $2 } sec == "COMMANDS" && /^\.SS/ { gsub(/"/, ""); print $2 }' \
	"$PAGE" | sort -u >"$T/page.commands"
[ -s "$T/help.commands" ] || fail "no commands found in fedcert help"
compare "commands" "fedcert help" "$T/help.commands" "fedcert.1" "$T/page.commands"

# 2. Each command's options, both ways. help and version have no help text
#    of their own, so no options.
for cmd in $(cat "$T/help.commands"); do
	if ! "$FEDCERT" help "$cmd" >"$T/help.$cmd" 2>/dev/null; then
		case $cmd in
		help | version) : >"$T/help.$cmd" ;;
		*) fail "fedcert help $cmd fails, yet fedcert help lists $cmd"; continue ;;
		esac
	fi
	help_options <"$T/help.$cmd" >"$T/help.$cmd.options"
	page_options "$cmd" >"$T/page.$cmd.options"
	compare "$cmd options" "fedcert help $cmd" "$T/help.$cmd.options" \
		"fedcert.1 (COMMANDS, $cmd)" "$T/page.$cmd.options"
done
# A command the page lacks has no subsection to read options from: the
# command comparison above has named it; make sure the parser found some.
[ -s "$T/page.scan.options" ] || fail "no options found in the page's scan subsection"

# 3. The exit codes of `fedcert help` (its table: "  3  an alert: ..."),
#    in the EXIT STATUS table.
sed -n '/^Exit codes:/,/^[^ ]/p' "$T/help" | grep -oE '^ +[0-9]+ ' | tr -d ' ' |
	sort -u >"$T/help.codes"
awk '/^\.SH/ { sec = $2 } sec == "EXIT" && /^\.TS/ { on = 1; next }
	/^\.TE/ { on = 0 } on && /^[0-9]+\|/ { split($0, f, "|"); print f[1] }' \
	"$PAGE" | sort -u >"$T/page.codes"
[ -s "$T/help.codes" ] || fail "no exit codes found in fedcert help"
compare "exit codes" "fedcert help" "$T/help.codes" "fedcert.1 (EXIT STATUS)" "$T/page.codes"

# 4. The version in the page's title line is the binary's.
version=$("$FEDCERT" --version | head -n 1 | awk '{ print $2 }')
assert_contains "version in .TH" "$PAGE" "\"fedcert $version\""

# 5. Lint: mandoc's warnings (and groff's, when it is there) are failures.
if command -v mandoc >/dev/null; then
	mandoc -T lint -W warning "$PAGE" >"$T/lint" 2>&1
	assert_eq "mandoc -T lint" "" "$(cat "$T/lint")"
else
	fail "mandoc is not installed (scripts/deps installs it): the page is not linted"
fi
if command -v groff >/dev/null; then
	groff -t -man -ww -z "$PAGE" >"$T/groff" 2>&1
	assert_eq "groff -ww" "" "$(cat "$T/groff")"
fi

finish
