#!/usr/bin/env bash
# `cmake --install` of the build under test into a DESTDIR, as a package
# build does: exactly the expected tree (no test, fixture or bench program,
# nothing outside the prefix), a binary that runs, the man page, the
# completion, and the nightly job's examples with their paths filled in.
. "$E2E_DIR/lib.sh"

ROOT=$T/root
NIGHTLY=$FEDCERT_SOURCE_DIR/dist/nightly
# Nothing below means anything without the install: stop at its failure.
if ! DESTDIR=$ROOT cmake --install "$FEDCERT_BUILD_DIR" --prefix /usr >"$T/install.log" 2>&1; then
	cat "$T/install.log" >&2
	fail "cmake --install $FEDCERT_BUILD_DIR --prefix /usr"
	finish
	exit 1
fi
ok

# 1. The tree, exactly. The examples are the nightly job's *.in files
#    (without .in), its timer and its settings.
{
	echo usr/bin/fedcert
	echo usr/share/man/man1/fedcert.1
	echo usr/share/bash-completion/completions/fedcert
	echo usr/share/fedcert/trust-events.csv
	echo usr/libexec/fedcert/fedcert-nightly
	for f in "$NIGHTLY"/*.in fedcert-nightly.timer nightly.conf; do
		f=${f##*/}
		echo "usr/share/doc/fedcert/examples/${f%.in}"
	done
} | sort >"$T/expected"
(cd "$ROOT" && find . ! -type d | sed 's|^\./||' | sort) >"$T/installed"
for f in $(comm -13 "$T/expected" "$T/installed"); do fail "installed, not expected: $f"; done
for f in $(comm -23 "$T/expected" "$T/installed"); do fail "expected, not installed: $f"; done
cmp -s "$T/expected" "$T/installed" && ok
for f in fedcert-nightly.service fedcert-nightly.timer fedcert-nightly.cron nightly.conf; do
	assert_contains "example $f" "$T/expected" "usr/share/doc/fedcert/examples/$f"
done
assert_eq "nothing outside /usr" "usr" "$(ls -A "$ROOT")"

# 2. Modes: programs 755, everything else 644.
while read -r f; do
	case $f in
	usr/bin/fedcert | usr/libexec/fedcert/fedcert-nightly) want=755 ;;
	*) want=644 ;;
	esac
	assert_eq "mode of $f" "$want" "$(stat -c %a "$ROOT/$f")"
done <"$T/installed"

# 3. The binary runs and is the one under test.
"$ROOT/usr/bin/fedcert" --version >"$T/version" 2>&1
assert_eq "installed fedcert --version exit" 0 $?
assert_eq "installed version" "$("$FEDCERT" --version | head -n 1)" "$(head -n 1 "$T/version")"

# 4. The man page and the completion are the sources', and usable.
cmp -s "$FEDCERT_SOURCE_DIR/docs/fedcert.1" "$ROOT/usr/share/man/man1/fedcert.1"
assert_eq "man page installed as written" 0 $?
if command -v mandoc >/dev/null; then
	assert_eq "installed man page lints" "" \
		"$(mandoc -T lint -W warning "$ROOT/usr/share/man/man1/fedcert.1" 2>&1)"
else
	fail "mandoc is not installed (scripts/deps installs it): the page is not linted"
fi
cmp -s "$FEDCERT_SOURCE_DIR/dist/bash-completion/fedcert" \
	"$ROOT/usr/share/bash-completion/completions/fedcert"
assert_eq "completion installed as written" 0 $?
bash -n "$ROOT/usr/share/bash-completion/completions/fedcert"
assert_eq "completion parses" 0 $?

# 5. The examples name where the script and the binary are installed: the
#    prefix the build was configured with (substituted at configure time).
#    Every placeholder of a template is replaced, none is left over.
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$FEDCERT_BUILD_DIR/CMakeCache.txt")
ex=$ROOT/usr/share/doc/fedcert/examples
for tpl in "$NIGHTLY"/*.in; do
	name=${tpl##*/}; name=${name%.in}
	assert_eq "$name: no placeholder left" "" "$(grep -oE '@[A-Z_]+@' "$ex/$name")"
	for ph in $(grep -oE '@[A-Z_]+@' "$tpl" | sort -u); do
		case $ph in
		@FEDCERT_LIBEXECDIR@) assert_contains "$name: $ph" "$ex/$name" "$prefix/libexec/fedcert" ;;
		@FEDCERT_BINDIR@) assert_contains "$name: $ph" "$ex/$name" "$prefix/bin" ;;
		*) fail "$name: unknown placeholder $ph" ;;
		esac
	done
done
# Configured for /usr (as a package is), the paths they name are in the
# tree: the job they describe would run.
if [ "$prefix" = /usr ]; then
	for p in $(cat "$ex"/* | grep -oE '/usr/(bin|libexec)/[A-Za-z0-9_./-]+' | sort -u); do
		[ -e "$ROOT$p" ] && ok || fail "the examples name $p, which is not installed"
	done
fi
cmp -s "$NIGHTLY/fedcert-nightly" "$ROOT/usr/libexec/fedcert/fedcert-nightly"
assert_eq "nightly script installed as written" 0 $?

# 6. Another prefix is honoured too.
DESTDIR=$T/opt cmake --install "$FEDCERT_BUILD_DIR" --prefix /opt/fedcert >"$T/install-opt.log" 2>&1
assert_eq "cmake --install --prefix /opt/fedcert" 0 $?
[ -x "$T/opt/opt/fedcert/bin/fedcert" ] && ok || fail "no $T/opt/opt/fedcert/bin/fedcert"
assert_eq "nothing outside /opt" "opt" "$(ls -A "$T/opt")"

finish
