#!/usr/bin/python3
"""sip_fixture.py: hostile SIP-over-TLS peers for the end-to-end tests.

  sip_fixture.py --cert CERT --key KEY [--client-ca FILE] [--lifetime S] MODE...

For each MODE it listens with TLS on 127.0.0.1 at a free port and prints
"MODE PORT" on stdout, then "ready" (as fixture_server.c does). Each
connection gets its own thread: the TLS handshake, then the request read up
to its blank line (at most 64 KB and 10 s), its Via, From, To, CSeq and
Call-ID kept to echo, then what MODE says:

  ok           SIP/2.0 200 OK echoing Via, From, To (a tag added if it had
               none), Call-ID and CSeq, with Allow, Accept,
               "Server: fixture-sip/1.0" and "Content-Length: 0"; then the
               connection is held open, as a SIP peer keeps it
  dribble      that same 200 OK, one byte every 200 ms; then held open
  huge         "SIP/2.0 200 OK", 1,048,576 bytes of padding headers (1024
               lines "X-Pad-NNNN: aaa...", 1024 bytes each with the CRLF),
               then the echoed headers, Content-Length: 0 and the blank
               line, as fast as the peer reads; then held open
  garbage      4096 random bytes (never containing "SIP/2.0"); held open
  nocrlf       the 200 OK with its headers separated by spaces, no CR or LF
               anywhere; held open
  provisional  "SIP/2.0 100 Trying" for our Call-ID, 100 times, each a
               complete message (Content-Length: 0); then silence, held open
  othercallid  the ok 200 OK but with another Call-ID ("other-..."); then
               silence, held open
  close        close_notify right after the request, no answer
  reset        a TCP reset (SO_LINGER 0) right after the request, no answer
  http         "HTTP/1.1 400 Bad Request" (Content-Length: 0, Connection:
               close), then close_notify
  request      a SIP request instead of a response: "OPTIONS sip:x SIP/2.0"
               with the peer's own Call-ID; held open

"Held open" means until the peer closes or the fixture exits. No client
certificate is required. With --client-ca one is requested, and one offered
must verify against FILE (the peer's handshake fails otherwise); without it
none is requested, so a client configured with one still connects.

One line per connection goes to stderr: "sip_fixture: MODE PEER read=N
sent=M client_cert=yes|no WHAT". It exits on SIGTERM or SIGINT, or after
--lifetime seconds (default 300), so that a test that dies never leaves it
behind for long. Standard library only.
"""
import argparse
import os
import re
import selectors
import signal
import socket
import ssl
import struct
import sys
import threading
import time

MODES = ("ok", "dribble", "huge", "garbage", "nocrlf", "provisional",
         "othercallid", "close", "reset", "http", "request", "evil")

REQUEST_MAX = 64 * 1024
REQUEST_SECONDS = 10.0
SEND_SECONDS = 60.0     # a peer that stops reading for this long is gone
DRIBBLE_PERIOD = 0.2
PAD_LINES = 1024
PAD_LINE_BYTES = 1024   # with its CRLF
PROVISIONAL_COUNT = 100

# Header names to echo, with their compact forms (RFC 3261 7.3.3).
ECHO = {"via": "Via", "v": "Via", "from": "From", "f": "From",
        "to": "To", "t": "To", "call-id": "Call-ID", "i": "Call-ID",
        "cseq": "CSeq"}

log_lock = threading.Lock()


def log(line):
    with log_lock:
        sys.stderr.write("sip_fixture: %s\n" % line)
        sys.stderr.flush()


def read_request(conn):
    """The request up to its blank line: (bytes, complete)."""
    buf = b""
    deadline = time.monotonic() + REQUEST_SECONDS
    while b"\r\n\r\n" not in buf and b"\n\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0 or len(buf) >= REQUEST_MAX:
            return buf, False
        conn.settimeout(left)
        try:
            data = conn.recv(min(16384, REQUEST_MAX - len(buf)))
        except (OSError, ValueError):
            return buf, False
        if not data:
            return buf, False
        buf += data
    return buf, True


def parse_headers(raw):
    """Via lines (in order) and From, To, Call-ID, CSeq from a request."""
    text = raw.decode("utf-8", "replace")
    head = re.split(r"\r?\n\r?\n", text, maxsplit=1)[0]
    lines = []
    for line in re.split(r"\r?\n", head)[1:]:
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += " " + line.strip()      # a folded line
        else:
            lines.append(line)
    via, one = [], {}
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        canon = ECHO.get(name.strip().lower())
        if canon is None:
            continue
        value = value.strip()
        if canon == "Via":
            via.append(value)
        else:
            one.setdefault(canon, value)
    return via, one


def echo_headers(via, one, call_id=None, to_tag=True):
    out = ["Via: %s" % v for v in via]
    if "From" in one:
        out.append("From: %s" % one["From"])
    if "To" in one:
        to = one["To"]
        if to_tag and ";tag=" not in to.lower().replace(" ", ""):
            to += ";tag=fx%s" % os.urandom(4).hex()
        out.append("To: %s" % to)
    cid = call_id if call_id is not None else one.get("Call-ID")
    if cid is not None:
        out.append("Call-ID: %s" % cid)
    if "CSeq" in one:
        out.append("CSeq: %s" % one["CSeq"])
    return out


def ok_lines(via, one, call_id=None):
    return (["SIP/2.0 200 OK"] + echo_headers(via, one, call_id) +
            ["Allow: INVITE, ACK, CANCEL, BYE, OPTIONS",
             "Accept: application/sdp",
             "Server: fixture-sip/1.0", "Content-Length: 0"])


def message(lines):
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def hold(conn):
    """Keeps the connection open until the peer closes it."""
    conn.settimeout(None)
    try:
        while conn.recv(16384):
            pass
    except (OSError, ValueError):
        pass


def send(conn, data):
    conn.settimeout(SEND_SECONDS)
    conn.sendall(data)
    return len(data)


def close_notify(conn):
    conn.settimeout(1.0)
    try:
        conn.unwrap()      # sends close_notify; waits briefly for the peer's
    except (OSError, ValueError):
        pass


# evil: a 403 whose every header a report shows is a payload (markup
# that would run in a page, an attribute break-out, </script>, a
# terminal escape, a bidirectional override).
EVIL = ("<script>window.__pwned='sip'</script>\x1b[31m\u202e"
        "\"><img src=x onerror=window.__pwned='sip2'></script>")


def answer(mode, conn, port, via, one):
    """Sends what MODE sends: (bytes sent, what, hold open afterwards)."""
    if mode == "ok":
        return send(conn, message(ok_lines(via, one))), "200 OK", True
    if mode == "evil":
        lines = (["SIP/2.0 403 " + EVIL] + echo_headers(via, one) +
                 ["Server: " + EVIL, "ms-diagnostics-public: 1047;reason=\"" +
                  EVIL + "\"", "Warning: 399 " + EVIL, "Content-Length: 0"])
        return (send(conn, ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")),
                "403 with hostile headers", True)
    if mode == "dribble":
        data = message(ok_lines(via, one))
        sent = 0
        try:
            for i in range(len(data)):
                sent += send(conn, data[i:i + 1])
                time.sleep(DRIBBLE_PERIOD)
        except (OSError, ValueError):
            return sent, "200 OK dribbled, %d of %d bytes before the peer went" % (
                sent, len(data)), False
        return sent, "200 OK dribbled, all %d bytes" % len(data), True
    if mode == "huge":
        value = b"a" * (PAD_LINE_BYTES - len(b"X-Pad-0000: \r\n"))
        pad = b"".join(b"X-Pad-%04d: %s\r\n" % (i, value)
                       for i in range(PAD_LINES))
        tail = message(echo_headers(via, one) +
                       ["Server: fixture-sip/1.0", "Content-Length: 0"])
        data = b"SIP/2.0 200 OK\r\n" + pad + tail
        return send(conn, data), "200 OK with %d bytes of padding headers" % len(pad), True
    if mode == "garbage":
        data = os.urandom(4096)
        while b"SIP/2.0" in data:
            data = os.urandom(4096)
        return send(conn, data), "4096 random bytes", True
    if mode == "nocrlf":
        data = " ".join(ok_lines(via, one)).encode() + b" "
        return send(conn, data), "200 OK without CRLF", True
    if mode == "provisional":
        one_msg = message(["SIP/2.0 100 Trying"] +
                          echo_headers(via, one, to_tag=False) +
                          ["Server: fixture-sip/1.0", "Content-Length: 0"])
        return (send(conn, one_msg * PROVISIONAL_COUNT),
                "100 Trying x%d" % PROVISIONAL_COUNT, True)
    if mode == "othercallid":
        other = "other-%s@fixture.invalid" % os.urandom(8).hex()
        return (send(conn, message(ok_lines(via, one, call_id=other))),
                "200 OK with Call-ID %s" % other, True)
    if mode == "close":
        close_notify(conn)
        return 0, "close_notify", False
    if mode == "reset":
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
        return 0, "reset", False
    if mode == "http":
        sent = send(conn, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                          b"Connection: close\r\n\r\n")
        close_notify(conn)
        return sent, "HTTP/1.1 400 then close_notify", False
    if mode == "request":
        cid = one.get("Call-ID", "%s@fixture.invalid" % os.urandom(8).hex())
        data = message([
            "OPTIONS sip:x SIP/2.0",
            "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bK-fx%s" % (
                port, os.urandom(6).hex()),
            "Max-Forwards: 70",
            "From: <sip:fixture@127.0.0.1>;tag=fx%s" % os.urandom(4).hex(),
            "To: <sip:x>",
            "Call-ID: %s" % cid,
            "CSeq: 1 OPTIONS",
            "Server: fixture-sip/1.0",
            "Content-Length: 0"])
        return send(conn, data), "OPTIONS request", True
    raise AssertionError(mode)


def serve(ctx, mode, port, sock, addr):
    peer = "%s:%d" % addr[:2]
    try:
        sock.settimeout(REQUEST_SECONDS)
        try:
            conn = ctx.wrap_socket(sock, server_side=True)
        except (OSError, ValueError) as e:
            log("%s %s handshake failed: %s" % (mode, peer, e))
            sock.close()
            return
        cert = "yes" if conn.getpeercert(binary_form=True) else "no"
        raw, complete = read_request(conn)
        if not raw:
            log("%s %s read=0 sent=0 client_cert=%s no request" % (mode, peer, cert))
            conn.close()
            return
        via, one = parse_headers(raw)
        note = "" if complete else " (request incomplete)"
        try:
            sent, what, keep = answer(mode, conn, port, via, one)
        except (OSError, ValueError) as e:
            log("%s %s read=%d sent=? client_cert=%s failed: %s%s" % (
                mode, peer, len(raw), cert, e, note))
            conn.close()
            return
        log("%s %s read=%d sent=%d client_cert=%s %s%s%s" % (
            mode, peer, len(raw), sent, cert, what,
            ", holding open" if keep else "", note))
        if keep:
            hold(conn)
        conn.close()
    except Exception as e:       # one connection never ends the fixture
        log("%s %s error: %r" % (mode, peer, e))
        try:
            sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description="hostile SIP-over-TLS peers")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--client-ca")
    ap.add_argument("--lifetime", type=float, default=300.0)
    ap.add_argument("modes", nargs="+", metavar="MODE")
    args = ap.parse_args()
    for m in args.modes:
        if m not in MODES:
            sys.stderr.write('sip_fixture: unknown mode "%s" (modes: %s)\n' % (
                m, " ".join(MODES)))
            return 2

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.client_ca:
        ctx.load_verify_locations(cafile=args.client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    sel = selectors.DefaultSelector()
    out = []
    for m in args.modes:
        lsock = socket.create_server(("127.0.0.1", 0), backlog=128)
        lsock.setblocking(False)
        port = lsock.getsockname()[1]
        sel.register(lsock, selectors.EVENT_READ, (m, port))
        out.append("%s %d\n" % (m, port))
    out.append("ready\n")
    sys.stdout.write("".join(out))
    sys.stdout.flush()

    end = time.monotonic() + args.lifetime
    while not stop.is_set():
        left = end - time.monotonic()
        if left <= 0:
            break
        for key, _ in sel.select(min(0.2, left)):
            mode, port = key.data
            try:
                sock, addr = key.fileobj.accept()
            except OSError:      # gone already, or out of descriptors
                continue
            sock.setblocking(True)
            threading.Thread(target=serve, args=(ctx, mode, port, sock, addr),
                             daemon=True).start()
    sys.stderr.flush()
    os._exit(0)   # connection threads may be blocked; do not wait for them


if __name__ == "__main__":
    sys.exit(main())
