#!/usr/bin/env bash
# Broken and hostile peers, and a hostile machine: fedcert keeps going,
# loses nothing, and stays bounded. Peers that dribble a byte a second,
# close right after the ClientHello, reset after some data, send a
# 200-certificate chain or a 1 MB one; too few file descriptors for the
# concurrency asked; a full disk; SIGTERM.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
make_leaf "$CA" leaf sip.example.test "DNS:sip.example.test"

# 200 certificates in one chain (small ones), and a 1 MB chain (17 with a
# 60 KB comment each).
for i in $(seq 1 200); do
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout /dev/null -subj "/CN=filler $i" -days 30 2>/dev/null
done >"$CA/chain200.pem"
comment=$(head -c 45000 /dev/zero | base64 -w0)
for i in $(seq 1 17); do
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout /dev/null -subj "/CN=heavy $i" -days 30 \
		-addext "nsComment=$comment" 2>/dev/null
done >"$CA/chain1mb.pem"
size=$(stat -c %s "$CA/chain1mb.pem")
[ "$size" -gt 1000000 ] && ok || fail "the big chain is only $size bytes"

start_tls LONG 127.0.0.1 "$CA/leaf.pem" "$CA/leaf.key" "$CA/chain200.pem" || exit 1
start_tls HUGE 127.0.0.1 "$CA/leaf.pem" "$CA/leaf.key" "$CA/chain1mb.pem" || exit 1
start_tls GOOD 127.0.0.1 "$CA/leaf.pem" "$CA/leaf.key" "$CA/inter.pem" || exit 1
start_fixture dribble readclose close halfreset || exit 1
{ for i in $(seq 1 150); do echo "host-record=n$i.test,127.0.0.1"; done; } >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1

cat >"$T/peers.csv" <<CSV
Domain,Type,Port
127.0.0.1,DIR,$FIX_DRIBBLE
127.0.0.1,DIR,$FIX_READCLOSE
127.0.0.1,DIR,$FIX_CLOSE
127.0.0.1,DIR,$FIX_HALFRESET
127.0.0.1,DIR,$LONG
127.0.0.1,DIR,$HUGE
CSV
DB="$T/peers.db"
start=$(date +%s)
"$FEDCERT" scan "$T/peers.csv" --db "$DB" --ca-file "$CA/root.pem" --dns-server "$DNS" \
	--timeout 3 --quiet
assert_eq "scan" 0 $?
elapsed=$(($(date +%s) - start))
# The dribbler sends a byte a second forever: only a total deadline ends it.
[ "$elapsed" -le 8 ] && ok || fail "a dribbling peer held the scan for ${elapsed}s"

kind() { q "$DB" "select p.error_kind || '|' || coalesce(p.error_reason, '') from probe p join endpoint e on e.id = p.endpoint_id where e.port = $1"; }
case "$(kind "$FIX_DRIBBLE")" in
"timeout|handshake timed out after 3 s ("[1-9]*" bytes received)") ok ;;
*) fail "dribbler: $(kind "$FIX_DRIBBLE")" ;;
esac
assert_eq "close after the ClientHello" "closed" "$(kind "$FIX_READCLOSE" | cut -d'|' -f1)"
# Closed before our ClientHello lands: a close, or the reset the kernel
# answers our ClientHello with; both are what happened.
case "$(kind "$FIX_CLOSE")" in
"closed|the peer closed the connection without answering" | "reset|"*) ok ;;
*) fail "close at once: $(kind "$FIX_CLOSE")" ;;
esac
assert_eq "reset after some data" "reset" "$(kind "$FIX_HALFRESET" | cut -d'|' -f1)"
assert_eq "200 certificates: 32 kept, 201 counted" "32|201" \
	"$(q "$DB" "select count(c.position) || '|' || p.chain_presented from probe p join endpoint e on e.id = p.endpoint_id join chain_link c on c.probe_id = p.id where e.port = $LONG group by p.id")"
assert_eq "1 MB chain: capped, named" "chain_too_large" "$(kind "$HUGE" | cut -d'|' -f1)"
"$FEDCERT" report --db "$DB" --format json >"$T/peers.jsonl"
assert_eq "chain_too_large twice" 2 "$(jq -r '.findings[].id' "$T/peers.jsonl" | grep -c '^chain_too_large$')"
assert_eq "not also handshake_failed for the capped one" "" \
	"$(jq -r --arg p "127.0.0.1:$HUGE" '.findings[] | select(.endpoint == $p and .id == "handshake_failed") | .id' "$T/peers.jsonl")"

# Too few file descriptors for the concurrency asked: slower, but every
# endpoint is probed and none is blamed for our limit.
{ echo "Domain,Type,Port"; for i in $(seq 1 150); do echo "n$i.test,DIR,$GOOD"; done; } >"$T/many.csv"
(ulimit -n 64; exec "$FEDCERT" scan "$T/many.csv" --db "$T/fd.db" --ca-file "$CA/root.pem" \
	--dns-server "$DNS" --timeout 10 --concurrency 500) 2>"$T/fd.err"
assert_eq "ulimit -n 64, --concurrency 500: the scan completes" 0 $?
assert_contains "and says why it is slower" "$T/fd.err" "file descriptors allowed"
assert_eq "every endpoint probed, every one fine" "150|150|0" \
	"$(q "$T/fd.db" "select count(*) || '|' || sum(error_kind is null) || '|' || sum(error_kind is not null) from probe")"
assert_eq "every target accounted for" 150 "$(q "$T/fd.db" "select count(*) from target where complete = 1")"

# SIGTERM stops cleanly, like Ctrl-C.
{ echo "Domain,Type,Port"; for i in $(seq 1 20); do echo "n$i.test,DIR,$FIX_DRIBBLE"; done; } >"$T/slow.csv"
"$FEDCERT" scan "$T/slow.csv" --db "$T/term.db" --dns-server "$DNS" --timeout 30 --quiet 2>/dev/null &
pid=$!
wait_db "$T/term.db" "select count(*) from scan" 1
kill -TERM "$pid"
wait "$pid"
assert_eq "SIGTERM: exit 1" 1 $?
assert_eq "SIGTERM: marked interrupted" interrupted "$(q "$T/term.db" "select status from scan")"

# A database on a full disk: a clear error, the scan marked failed, and
# what was committed before is still there. The disk fills through the
# store's own seam (FEDCERT_STORE_MAX_PAGES: SQLite then answers
# SQLITE_FULL exactly as on a full file system), so no mount is needed.
{ echo "Domain,Type,Port"; for p in $(seq 20001 23000); do echo "127.0.0.1,DIR,$p"; done; } >"$T/full.csv"
FEDCERT_STORE_MAX_PAGES=60 "$FEDCERT" scan "$T/full.csv" --db "$T/full.db" --dns-server "$DNS" \
	--timeout 1 --concurrency 50 --quiet 2>"$T/full.err"
assert_eq "full disk: exit 1" 1 $?
assert_contains "full disk: says so" "$T/full.err" "database or disk is full"
assert_contains "full disk: names the file" "$T/full.err" "$T/full.db"
assert_eq "full disk: marked failed" failed "$(q "$T/full.db" "select status from scan")"
n=$(q "$T/full.db" "select count(*) from target")
[ "$n" -gt 0 ] && [ "$n" -lt 3000 ] && ok || fail "full disk: $n targets committed (some, not all, expected)"
assert_eq "full disk: the database is intact" ok "$(q "$T/full.db" "pragma integrity_check")"

finish
