#!/usr/bin/python3
"""browser.py PAGE.html SCRIPT.js OUT.json [SCREENSHOT.png]: opens a page in
headless Chromium (Debian's chromium) through its DevTools protocol and
reports, as JSON in OUT.json:
  load_ms   navigation start to the end of the load event, plus a forced
            layout of the whole page (what a person waits for)
  timing_ms its parts: the file read (fetched), parsed (parsed: the DOM
            built), DOMContentLoaded handled (dcl), loaded (load), and the
            forced layout (layout)
  console   every console message, uncaught exception and browser log entry
            (a Content Security Policy violation is one)
  requests  every request the page made other than for itself
  result    what SCRIPT.js, the body of an async function run in the page
            after the load, returned (JSON)
and, given SCREENSHOT.png, writes a screenshot of the page as it then is.

The window is 1280x900 pixels, or BROWSER_WINDOW ("WIDTH,HEIGHT": a narrow
window is one a phone has).

Nothing leaves the machine: Chromium runs with its background services off
and a host resolver that resolves no name, and the page is a file.
Needs python3-websocket (Debian). Exit 0, or 2 when Chromium could not be
driven (the message says why)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import websocket  # python3-websocket

CHROMIUM = os.environ.get("CHROMIUM", "chromium")


class Cdp:
    def __init__(self, url):
        # No Origin header: Chromium refuses a DevTools connection whose
        # Origin it was not told to allow (--remote-allow-origins), and a
        # client that sends none is what it expects of a tool.
        self.ws = websocket.create_connection(url, timeout=60,
                                              suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait(self, method, timeout):
        end = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while time.time() < end:
            self.ws.settimeout(max(0.1, end - time.time()))
            try:
                e = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            if e.get("method") == method:
                return e
            self.events.append(e)
        raise RuntimeError("no %s within %d s" % (method, timeout))


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    page = os.path.abspath(sys.argv[1])
    script = open(sys.argv[2], encoding="utf-8").read()
    out_path = sys.argv[3]
    shot = sys.argv[4] if len(sys.argv) > 4 else None
    profile = tempfile.mkdtemp(prefix="fedcert-chromium.")
    args = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--no-pings",
            "--disable-domain-reliability", "--metrics-recording-only",
            "--disable-client-side-phishing-detection",
            "--disable-features=OptimizationHints,MediaRouter,Translate",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=" + os.environ.get("BROWSER_WINDOW", "1280,900"),
            "--remote-debugging-port=0",
            "--user-data-dir=" + profile, "about:blank"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                break
            if proc.poll() is not None:
                raise RuntimeError("chromium exited with %d" % proc.returncode)
            time.sleep(0.1)
        else:
            raise RuntimeError("chromium did not open its DevTools port")
        port, path = open(port_file).read().split("\n")[:2]
        cdp = Cdp("ws://127.0.0.1:%s%s" % (port, path))
        target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        sess = cdp.call("Target.attachToTarget",
                        {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            cdp.call(domain + ".enable", session=sess)
        cdp.call("Page.navigate", {"url": "file://" + page}, session=sess)
        cdp.wait("Page.loadEventFired", 60)
        timing = cdp.call("Runtime.evaluate", {
            "expression": "(function(){var t0=performance.now();"
                          "document.body.getBoundingClientRect();"
                          "var h=document.documentElement.scrollHeight;"
                          "var n=performance.getEntriesByType('navigation')[0];"
                          "return JSON.stringify({load:n.loadEventEnd,"
                          "layout:performance.now()-t0,height:h,"
                          "parsed:n.domInteractive,dcl:n.domContentLoadedEventEnd,"
                          "fetched:n.responseEnd});})()",
            "returnByValue": True}, session=sess)["result"]["value"]
        timing = json.loads(timing)
        res = cdp.call("Runtime.evaluate", {
            "expression": "(async function(){" + script + "})()"
                          ".then(function(r){return JSON.stringify(r);})",
            "awaitPromise": True, "returnByValue": True}, session=sess)
        if "exceptionDetails" in res:
            raise RuntimeError("the test script threw: %s" %
                               json.dumps(res["exceptionDetails"])[:2000])
        result = json.loads(res["result"]["value"])
        if shot:
            png = cdp.call("Page.captureScreenshot", {"format": "png"},
                           session=sess)["data"]
            import base64
            with open(shot, "wb") as f:
                f.write(base64.b64decode(png))
        time.sleep(0.2)
        try:
            cdp.call("Runtime.evaluate", {"expression": "1"}, session=sess)
        except RuntimeError:
            pass
        console, requests = [], []
        for e in cdp.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled":
                console.append(p.get("type", "") + ": " + " ".join(
                    str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                console.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:500])
            elif m == "Log.entryAdded":
                entry = p.get("entry", {})
                console.append(entry.get("level", "") + ": " + entry.get("text", ""))
            elif m == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if url != "file://" + page:
                    requests.append(url)
        with open(out_path, "w", encoding="utf-8") as f:
            json.dump({"load_ms": timing["load"] + timing["layout"],
                       "timing_ms": timing,
                       "height": timing["height"], "console": console,
                       "requests": requests, "result": result}, f)
        return 0
    except Exception as e:  # noqa: BLE001 - every failure is the harness's
        print("browser.py: %s" % e, file=sys.stderr)
        return 2
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
