#!/usr/bin/env bash
# The contracts the README and docs/ write down are the ones the code has:
#   1. docs/findings.md's findings table is `fedcert findings` (every id,
#      its severity, per-target or per-endpoint, why it matters, in the
#      registry's order), as scripts/findings-table makes it;
#   2. each CSV column table of docs/formats.md is the header row fedcert
#      writes, on a real scan (one loopback target that refuses), and its
#      table of names holds every column two CSVs share;
#   3. the failure kinds of docs/targets.md are the kinds the code names;
#   4. the README's exit codes and commands are those `fedcert help` prints;
#   5. every link of README.md and docs/*.md reaches a file, and a heading
#      of it when it names one.
# Nothing leaves the machine: the only target is 127.0.0.1, and DNS goes to
# a loopback socket that never answers.
. "$E2E_DIR/lib.sh"

SRC=$FEDCERT_SOURCE_DIR
DOCS=$SRC/docs

# compare WHAT LEFT-NAME LEFT-FILE RIGHT-NAME RIGHT-FILE [HINT]: passes when
# the two lists are the same lines in the same order, else fails once per
# line one side lacks (or once for the order), then with HINT.
compare() {
	local x n=$FAILS
	while read -r x; do fail "$1: [$x] is in $2, not in $4"; done < <(grep -vxF -f "$5" "$3")
	while read -r x; do fail "$1: [$x] is in $4, not in $2"; done < <(grep -vxF -f "$3" "$5")
	if [ "$FAILS" -eq "$n" ] && ! cmp -s "$3" "$5"; then
		fail "$1: $2 and $4 list the same, in another order"
		diff "$3" "$5" >&2
	fi
	[ -s "$3" ] || fail "$1: $2 lists nothing"
	if [ "$FAILS" -eq "$n" ]; then ok; elif [ -n "${6:-}" ]; then echo "$6" >&2; fi
}

# section FILE HEADING: the lines of FILE under the heading line HEADING
# (exactly), up to the next heading of any level; code blocks left out.
section() {
	awk -v h="$2" '
		/^```/ { code = !code; next }
		code { next }
		/^#/ { if (on) exit; if ($0 == h) { on = 1; next } }
		on' "$1"
}

# first_cells: the backquoted names of the first cell of each table row on
# stdin ("| `a`, `b` | ..." gives a and b), header and rule rows left out.
first_cells() {
	awk -F'|' '/^\|/ && $2 ~ /`/ {
		n = split($2, w, "`")
		for (i = 2; i <= n; i += 2) print w[i]
	}'
}

# csv_header FILE: the names of FILE's first row, one a line.
csv_header() {
	head -n1 "$1" | tr -d '\r"' | tr ',' '\n'
}

# 1. The findings table, made from the registry by scripts/findings-table.
REGEN="regenerate it: scripts/findings-table --update docs/findings.md BUILD/fedcert"
bash "$SRC/scripts/findings-table" "$FEDCERT" >"$T/findings.want"
assert_eq "scripts/findings-table" 0 $?
awk '/^<!-- end of findings-table -->$/ { on = 0 } on; /^<!-- findings-table: / { on = 1 }' \
	"$DOCS/findings.md" >"$T/findings.doc"
compare "findings table" "fedcert findings" "$T/findings.want" \
	"docs/findings.md" "$T/findings.doc" "$REGEN"

# 2. The CSV column tables against the header rows of a real scan.
start_fixture udpsilent || exit 1
printf 'Domain,Type,Port\n127.0.0.1,DIR,1\n' >"$T/one.csv"
"$FEDCERT" scan "$T/one.csv" --db "$T/audit.db" --dns-server "127.0.0.1:$FIX_UDPSILENT" \
	--timeout 2 --quiet
assert_eq "the scan" 0 $?

# csv_columns WHAT HEADING COMMAND...: the column table under HEADING in
# docs/formats.md is the header row COMMAND writes.
csv_columns() {
	local what=$1 heading=$2
	shift 2
	"$FEDCERT" "$@" --db "$T/audit.db" >"$T/$what.csv"
	assert_eq "$what: exit" 0 $?
	csv_header "$T/$what.csv" >"$T/$what.written"
	section "$DOCS/formats.md" "$heading" | first_cells >"$T/$what.doc"
	compare "$what columns" "fedcert $*" "$T/$what.written" \
		"docs/formats.md ($heading)" "$T/$what.doc"
}
csv_columns report "## The CSV report" report --format csv
csv_columns per-endpoint "### One row per probe" report --format csv --per-endpoint
csv_columns compliance "## The compliance report" report --compliance
csv_columns expiring "## fedcert expiring" expiring --format csv

# 2b. One name for one fact: every column two of those CSVs share is in the
#     table of names (docs/formats.md, "The names"), which says what it is
#     once for every output; and the table names nothing no output writes.
section "$DOCS/formats.md" "## The names" | first_cells | sort -u >"$T/names.doc"
sort "$T"/{report,per-endpoint,compliance,expiring}.written | uniq -d >"$T/names.shared"
[ -s "$T/names.shared" ] || fail "the CSVs share no column: is the header reader broken?"
while read -r name; do
	if grep -qxF "$name" "$T/names.doc"; then ok; else
		fail "the names: [$name] is a column of two CSVs, not in docs/formats.md (The names)"
	fi
done <"$T/names.shared"
for j in "report --format json" "report --compliance --format json" "scans --format json"; do
	read -ra words <<<"$j"
	"$FEDCERT" "${words[@]}" --db "$T/audit.db"
done | jq -r 'paths | map(select(type == "string")) | .[]' | sort -u >"$T/names.json"
cat "$T"/{report,per-endpoint,compliance,expiring}.written "$T/names.json" | sort -u >"$T/names.written"
while read -r name; do
	case $name in
	input | raw | addresses | targets_failed | input_errors) ok ;; # rows this scan has none of
	*) if grep -qxF "$name" "$T/names.written"; then ok; else
		fail "the names: [$name] is in docs/formats.md (The names), in no header or key written"
	fi ;;
	esac
done <"$T/names.doc"

# 3. The failure kinds. Since common/failure.h the code names each kind once,
#    in the table of stored names beside its enum; before it, the scanner and
#    the report wrote them as string literals, and every kind documented must
#    be one of those (the other way cannot be told from a literal).
section "$DOCS/targets.md" "## Failure kinds" | first_cells | sort >"$T/kinds.doc"
if [ -f "$SRC/common/failure.h" ]; then
	cat "$SRC"/common/failure.[ch] |
		sed -nE 's/.*\[FAIL_[A-Z0-9_]+\] *= *"([a-z0-9_]+)".*/\1/p' | sort >"$T/kinds.code"
	[ -s "$T/kinds.code" ] ||
		fail "common/failure.h is there, but no '[FAIL_X] = \"name\"' table in common/failure.[ch]: teach this test where the names are"
	compare "failure kinds" "common/failure.[ch]" "$T/kinds.code" \
		"docs/targets.md (Failure kinds)" "$T/kinds.doc"
else
	cat "$SRC"/scanner/*.c "$SRC"/report/*.c | grep -oE '"[a-z][a-z0-9_]*"' | tr -d '"' |
		sort -u >"$T/literals"
	while read -r k; do
		if grep -qxF "$k" "$T/literals"; then ok; else
			fail "failure kinds: [$k] is in docs/targets.md, not in the scanner or the report"
		fi
	done <"$T/kinds.doc"
	[ -s "$T/kinds.doc" ] || fail "failure kinds: docs/targets.md lists none"
fi

# 4. The README's exit codes and commands, against `fedcert help`.
"$FEDCERT" help >"$T/help"
assert_eq "fedcert help" 0 $?
# Each code with the words that head its meaning, up to the first
# punctuation ("3 an alert", "4 scan --fail-on-input-errors"), on both sides.
heads() { sed -E 's/[(:;,].*//; s/ +$//'; }
sed -n '/^Exit codes:/,/^[^ ]/p' "$T/help" | sed -nE 's/^  ([0-9]+)  (.*)/\1 \2/p' |
	heads >"$T/codes.help"
section "$SRC/README.md" "## Exit codes" | awk -F'|' '/^\| *[0-9]+ *\|/ {
		code = $2; gsub(/ /, "", code); text = $3; gsub(/`/, "", text)
		sub(/^ +/, "", text); print code " " text }' | heads >"$T/codes.readme"
compare "exit codes" "fedcert help" "$T/codes.help" "README (Exit codes)" "$T/codes.readme"

# The commands: those `fedcert help` lists, and version for --version.
sed -n '/^Commands:/,/^$/p' "$T/help" | grep -oE '^  [a-z]+' | tr -d ' ' |
	awk '!seen[$0]++' >"$T/commands.help"
grep -qE '^  --version' "$T/help" && echo version >>"$T/commands.help"
section "$SRC/README.md" "## Commands" | first_cells |
	sed -nE 's/^fedcert (--)?([a-z]+).*/\2/p' | awk '!seen[$0]++' >"$T/commands.readme"
compare "commands" "fedcert help" "$T/commands.help" "README (Commands)" "$T/commands.readme"

# 5. Links. A heading's anchor is GitHub's: lower case, punctuation other
#    than - and _ dropped, spaces as -, a repeated one suffixed -1, -2, ...
anchors() {
	awk '/^```/ { code = !code; next }
		!code && /^#+ / {
			h = tolower($0); sub(/^#+ +/, "", h)
			gsub(/[^a-z0-9 _-]/, "", h); gsub(/ /, "-", h)
			if (h in seen) { seen[h]++; print h "-" seen[h] } else { seen[h] = 0; print h }
		}' "$1"
}
# links FILE: the targets of FILE's Markdown links, code left out.
links() {
	awk '/^```/ { code = !code; next } !code' "$1" | sed -E 's/`[^`]*`//g' |
		grep -oE '\]\([^)]+\)' | sed -E 's/^\]\(//; s/\)$//'
}
nlinks=0
for f in "$SRC/README.md" "$DOCS"/*.md; do
	name=${f#"$SRC/"}
	while read -r link; do
		nlinks=$((nlinks + 1))
		case $link in
		http://* | https://* | mailto:*) ok; continue ;;
		esac
		path=${link%%#*}
		anchor=
		[ "$path" != "$link" ] && anchor=${link#*#}
		if [ -z "$path" ]; then
			target=$f
		else
			target=$(dirname "$f")/$path
		fi
		if [ ! -e "$target" ]; then
			fail "$name: link ($link): no file $path"
			continue
		fi
		if [ -n "$anchor" ]; then
			case $target in
			*.md)
				if anchors "$target" | grep -qxF -- "$anchor"; then ok; else
					fail "$name: link ($link): no heading #$anchor in ${target#"$SRC/"}"
				fi ;;
			*) fail "$name: link ($link): an anchor into a file that is not Markdown" ;;
			esac
		else
			ok
		fi
	done < <(links "$f")
done
if [ "$nlinks" -ge 50 ]; then ok; else fail "only $nlinks links found: is the link reader broken?"; fi

# The README is the door, not the manual.
lines=$(wc -l <"$SRC/README.md")
if [ "$lines" -lt 250 ]; then ok; else fail "README.md has $lines lines: the reference belongs in docs/"; fi

finish
