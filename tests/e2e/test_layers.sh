#!/usr/bin/env bash
# The layering, read from the objects of the build under test (scripts/layers):
# no folder calls a folder it may not (the stages meet only in the database
# and the command line; in report/ the judge is below the renderers, below
# the commands across scans, below the orchestrators), and no files call
# each other in a circle, so that every call goes downward.
. "$E2E_DIR/lib.sh"

command -v nm >/dev/null || { fail "nm is not installed (binutils: scripts/deps installs build-essential)"; finish; exit 1; }
"$FEDCERT_SOURCE_DIR/scripts/layers" "$FEDCERT_BUILD_DIR" >"$T/out" 2>&1
rc=$?
cat "$T/out"
assert_eq "every call downward" 0 "$rc"
n=$(sed -n 's/^layers: \([0-9]*\) calls between \([0-9]*\) files.*/\2/p' "$T/out")
[ "${n:-0}" -ge 50 ] && ok || fail "only ${n:-0} files read: the objects were not found"

# And it can fail: a copy of the graph with one call upward is refused.
mkdir -p "$T/tree/CMakeFiles/fedcert_report.dir/report/judge" "$T/tree/CMakeFiles/fedcert_report.dir/report/render" \
	"$T/src/report/judge" "$T/src/report/render"
printf 'CMAKE_HOME_DIRECTORY:INTERNAL=%s\n' "$T/src" >"$T/tree/CMakeCache.txt"
touch "$T/src/report/judge/up.c" "$T/src/report/render/low.c"
cat >"$T/up.c" <<'C'
int render_something(void);
int judge_calls_up(void) { return render_something(); }
C
cat >"$T/low.c" <<'C'
int render_something(void) { return 1; }
C
cc -c "$T/up.c" -o "$T/tree/CMakeFiles/fedcert_report.dir/report/judge/up.c.o"
cc -c "$T/low.c" -o "$T/tree/CMakeFiles/fedcert_report.dir/report/render/low.c.o"
"$FEDCERT_SOURCE_DIR/scripts/layers" "$T/tree" >/dev/null 2>"$T/err"
assert_eq "a judge calling a renderer is refused" 1 $?
assert_contains "and named" "$T/err" "report/judge/up.c calls report/render/low.c: report/judge may not call report/render"

finish
