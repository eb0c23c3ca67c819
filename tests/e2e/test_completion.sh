#!/usr/bin/env bash
# The bash completion (dist/bash-completion/fedcert) offers what the binary
# under test says: its commands, each command's options as `fedcert help
# CMD` lists them, the finding ids of `fedcert findings`, each command's
# formats, the severities and types, and files where an option takes one.
. "$E2E_DIR/lib.sh"

COMPLETION=$FEDCERT_SOURCE_DIR/dist/bash-completion/fedcert
# The completion asks the `fedcert` on PATH: make it the one under test.
PATH=$(dirname "$FEDCERT"):$PATH
export PATH

# offers WORD...: what the completion offers for the last WORD of the
# command line "WORD...", sorted, one a line. A bash of its own, as a
# user's shell would load the file.
offers() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_fedcert fedcert "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' offers "$COMPLETION" "$@" |
		sed '/^$/d' | sort
}

# help_options: the option names of a help text on stdin.
help_options() {
	grep -E '^  -' | sed -E 's/^  //; s/ {2,}.*//' | tr ', ' '\n\n' |
		grep -E '^-' | sort -u
}

bash -n "$COMPLETION"
assert_eq "the file parses" 0 $?
assert_eq "registered for fedcert" "complete -F _fedcert fedcert" \
	"$(bash -c '. "$1"; complete -p fedcert' x "$COMPLETION")"

# 1. The commands, after fedcert and after help.
"$FEDCERT" help | sed -n '/^Commands:/,/^$/p' | grep -oE '^  [a-z]+' | tr -d ' ' |
	sort -u >"$T/commands"
[ -s "$T/commands" ] || fail "no commands found in fedcert help"
assert_eq "fedcert <TAB>" "$(cat "$T/commands")" "$(offers fedcert "")"
assert_eq "fedcert help <TAB>" "$(cat "$T/commands")" "$(offers fedcert help "")"
assert_eq "fedcert sc<TAB>" "$(printf 'scan\nscans')" "$(offers fedcert sc)"
assert_eq "fedcert --<TAB>" "--version" "$(offers fedcert --)"

# 2. Each command's options are exactly those of `fedcert help CMD`.
for cmd in $(cat "$T/commands"); do
	"$FEDCERT" help "$cmd" >"$T/help.$cmd" 2>/dev/null || continue
	assert_eq "fedcert $cmd -<TAB>" "$(help_options <"$T/help.$cmd")" \
		"$(offers fedcert "$cmd" -)"
done

# 3. --only: the finding ids, also after a comma; both spellings of a value.
"$FEDCERT" findings | awk '$2 ~ /^(info|warning|error)$/ { print $1 }' |
	sort >"$T/ids"
[ "$(wc -l <"$T/ids")" -gt 20 ] || fail "too few finding ids in fedcert findings"
assert_eq "report --only <TAB>" "$(cat "$T/ids")" "$(offers fedcert report --only "")"
assert_eq "inspect --only <TAB>" "$(cat "$T/ids")" "$(offers fedcert inspect --only "")"
assert_eq "--only expired,no_c<TAB>" \
	"$(grep '^no_c' "$T/ids" | sed 's/^/expired,/')" \
	"$(offers fedcert report --only expired,no_c)"
assert_eq "--format=<TAB> (bash splits at =)" "$(printf 'csv\nhtml\njson\nprometheus\ntext')" \
	"$(offers fedcert report --format = "")"
assert_eq "--format=j<TAB>" "json" "$(offers fedcert report --format = j)"

# 4. --format: the formats each command accepts.
for f in report:csv,html,json,prometheus,text check:csv,html,json,prometheus,text expiring:csv,json,text \
	outlook:csv,json,text inspect:json,text scans:csv,json,text history:json,text diff:json,text; do
	cmd=${f%%:*}
	assert_eq "$cmd --format <TAB>" "$(tr , '\n' <<<"${f#*:}")" \
		"$(offers fedcert "$cmd" --format "")"
done
# Every command whose help has --format is in the list above.
for cmd in $(cat "$T/commands"); do
	grep -qE '^  --format' "$T/help.$cmd" 2>/dev/null || continue
	case " report check expiring outlook inspect scans history diff " in
	*" $cmd "*) ok ;;
	*) fail "$cmd takes --format: add its formats to this test" ;;
	esac
done

# 5. Severities and target types.
assert_eq "--fail-on <TAB>" "$(printf 'error\ninfo\nnone\nwarning')" \
	"$(offers fedcert report --fail-on "")"
assert_eq "--min-severity <TAB>" "$(printf 'error\ninfo\nwarning')" \
	"$(offers fedcert check --min-severity "")"
assert_eq "expiring --fail-on <TAB>" "$(printf 'error\ninfo\nnone\nwarning')" \
	"$(offers fedcert expiring --fail-on "")"
assert_eq "--type <TAB>" "$(printf 'DIR\nFED\nSIP\nSIPINT')" \
	"$(offers fedcert inspect --type "")"
assert_eq "check --type <TAB>" "$(printf 'DIR\nFED\nSIP\nSIPINT')" \
	"$(offers fedcert check --type "")"
assert_eq "check --type S<TAB>" "$(printf 'SIP\nSIPINT')" \
	"$(offers fedcert check --type S)"
# An address or a name to type: nothing to offer, not files.
assert_eq "check --connect-to <TAB>" "" "$(offers fedcert check --connect-to "")"
assert_eq "check --sni <TAB>" "" "$(offers fedcert check --sni "")"
assert_eq "check --con<TAB>" "--concurrency --connect-to" \
	"$(offers fedcert check --con | paste -sd' ')"
# An option the command does not take has no values to offer.
assert_eq "scans --only <TAB>" "" "$(offers fedcert scans --only "")"

# 6. Files where one is asked for; directories for --ca-path; nothing for
#    a number.
mkdir -p "$T/files/certs"
: >"$T/files/audit.db"
: >"$T/files/partners.csv"
cd "$T/files" || exit 1
assert_eq "report --db <TAB>" "$(printf 'audit.db\ncerts\npartners.csv')" \
	"$(offers fedcert report --db "")"
assert_eq "report --db a<TAB>" "audit.db" "$(offers fedcert report --db a)"
assert_eq "report -o <TAB>" "$(printf 'audit.db\ncerts\npartners.csv')" \
	"$(offers fedcert report -o "")"
assert_eq "scan <TAB>: the targets file" "$(printf 'audit.db\ncerts\npartners.csv')" \
	"$(offers fedcert scan "")"
assert_eq "scan --db x p<TAB>" "partners.csv" "$(offers fedcert scan --db x p)"
assert_eq "check --ca-path <TAB>" "certs" "$(offers fedcert check --ca-path "")"
assert_eq "scan --timeout <TAB>" "" "$(offers fedcert scan --timeout "")"
# Trust events are files; a date is typed.
assert_eq "report --trust-events p<TAB>" "partners.csv" "$(offers fedcert report --trust-events p)"
assert_eq "inspect --trust-events <TAB>" "$(printf 'audit.db\ncerts\npartners.csv')" \
	"$(offers fedcert inspect --trust-events "")"
assert_eq "check --as-of <TAB>" "" "$(offers fedcert check --as-of "")"
assert_eq "outlook --until <TAB>" "" "$(offers fedcert outlook --until "")"
assert_eq "history --db x <TAB>: a domain" "" "$(offers fedcert history --db x "")"
cd / || exit 1

finish
