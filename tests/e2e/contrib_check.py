#!/usr/bin/env python3
"""contrib_check.py: helpers of tests/e2e/test_contrib.sh.

  contrib_check.py k8s SCAN.yaml MERGE.yaml ROOT
      Checks that the manifests are what a Kubernetes Indexed Job of
      `fedcert scan --shard auto/N` and its merge Job need (one line per
      check, "ok: ..." or "FAIL: ..."), and writes, for a local run, the
      scan pods' and the merge pod's shell commands with every volume's
      mount path moved under ROOT (ROOT/scan.sh, ROOT/merge.sh), their
      environment (ROOT/scan.env, ROOT/merge.env: export lines) and N
      (ROOT/n). Exit 1 when a check failed.

  contrib_check.py same-report A.jsonl B.jsonl
      Compares two JSON reports (fedcert report --format json) target for
      target, without what differs between two scans of the same
      federation (scan ids, times, durations). Exit 1, saying where, when
      they differ.
"""
import json
import re
import shlex
import sys

FAILS = []


def check(what, cond, detail=""):
    if cond:
        print("ok: " + what)
    else:
        FAILS.append(what)
        print("FAIL: " + what + (": " + detail if detail else ""))


def script_of(container):
    """The shell script a container runs: command ["/bin/sh", "-c"] and
    the script as args[0] (or all in command)."""
    argv = list(container.get("command") or []) + list(container.get("args") or [])
    if len(argv) >= 3 and argv[0] in ("/bin/sh", "sh", "/bin/bash", "bash") and argv[1] == "-c":
        return argv[2]
    return None


def mounts_of(pod, container):
    """{mountPath: (volume, readOnly)} of a container."""
    vols = {v["name"]: v for v in pod.get("volumes") or []}
    out = {}
    for m in container.get("volumeMounts") or []:
        check("volume mount %s names a volume of the pod" % m.get("name"),
              m.get("name") in vols)
        out[m["mountPath"].rstrip("/")] = (vols.get(m.get("name"), {}), bool(m.get("readOnly")))
    return out


def under(path, mounts):
    for mp in mounts:
        if path == mp or path.startswith(mp + "/"):
            return mp
    return None


def abs_paths(script):
    """The absolute paths a script names, but the devices (2>/dev/null)."""
    return [p for p in re.findall(r'(?<![\w$.\-/])(/[A-Za-z0-9_.*\-/$]+)', script)
            if not p.startswith("/dev/")]


def job_checks(job, name, docs):
    check(name + ": apiVersion batch/v1", job.get("apiVersion") == "batch/v1")
    spec = job.get("spec") or {}
    pod = ((spec.get("template") or {}).get("spec")) or {}
    restart = pod.get("restartPolicy")
    check(name + ": the pods' restartPolicy is Never or OnFailure",
          restart in ("Never", "OnFailure"), str(restart))
    if "backoffLimitPerIndex" in spec or "podFailurePolicy" in spec:
        check(name + ": backoffLimitPerIndex and podFailurePolicy want restartPolicy Never",
              restart == "Never", str(restart))
    containers = pod.get("containers") or []
    check(name + ": one container", len(containers) == 1, str(len(containers)))
    c = containers[0] if containers else {}
    check(name + ": an image", bool(c.get("image")))
    script = script_of(c)
    check(name + ": runs a shell script (command /bin/sh -c)", script is not None)
    for rule in (spec.get("podFailurePolicy") or {}).get("rules") or []:
        if rule.get("action") == "FailIndex":
            check(name + ": FailIndex needs backoffLimitPerIndex", "backoffLimitPerIndex" in spec)
        codes = rule.get("onExitCodes")
        if codes and "containerName" in codes:
            check(name + ": the failure policy names its container",
                  codes["containerName"] == c.get("name"), codes["containerName"])
    mounts = mounts_of(pod, c)
    claims = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "PersistentVolumeClaim"}
    for mp, (vol, _) in mounts.items():
        if "persistentVolumeClaim" in vol:
            claim = vol["persistentVolumeClaim"].get("claimName")
            check(name + ": the claim %s is in the manifests" % claim, claim in claims)
            if claim in claims:
                check(name + ": the claim %s is ReadWriteMany (pods on several nodes)" % claim,
                      "ReadWriteMany" in (claims[claim]["spec"].get("accessModes") or []))
    for p in sorted(set(abs_paths(script or ""))):
        check(name + ": %s is on a mounted volume" % p, under(p, mounts) is not None)
    return spec, pod, c, script or "", mounts


def k8s(scan_file, merge_file, root):
    with open(scan_file) as f:
        scan_docs = [d for d in __import__("yaml").safe_load_all(f) if d]
    with open(merge_file) as f:
        merge_docs = [d for d in __import__("yaml").safe_load_all(f) if d]
    docs = scan_docs + merge_docs
    for d in docs:
        check("%s: apiVersion, kind and metadata.name" % d.get("kind"),
              d.get("apiVersion") and d.get("kind") and (d.get("metadata") or {}).get("name"))
    scans = [d for d in scan_docs if d.get("kind") == "Job"]
    merges = [d for d in merge_docs if d.get("kind") == "Job"]
    check("one Job in each manifest", len(scans) == 1 and len(merges) == 1,
          "%d and %d" % (len(scans), len(merges)))
    if FAILS:
        return
    spec, pod, c, script, mounts = job_checks(scans[0], "scan Job", docs)
    check("scan Job: completionMode Indexed", spec.get("completionMode") == "Indexed")
    n = spec.get("completions")
    check("scan Job: completions, a number", isinstance(n, int) and n >= 1, str(n))
    par = spec.get("parallelism", 1)
    check("scan Job: parallelism at most completions", isinstance(par, int) and 1 <= par <= (n or 0))
    shard = re.findall(r"--shard\s+auto/(\d+)", script)
    check("scan Job: the pods run fedcert scan --shard auto/N", len(shard) == 1 and "fedcert scan " in script,
          script)
    if shard:
        check("scan Job: completions (%s) == the N of --shard auto/N (%s)" % (n, shard[0]),
              int(shard[0]) == n)
    db = re.findall(r'--db\s+"?([^"\s]+)"?', script)
    check("scan Job: --db names the pod's own shard, by its index",
          len(db) == 1 and ("$JOB_COMPLETION_INDEX" in db[0] or "${JOB_COMPLETION_INDEX}" in db[0]), str(db))
    shard_glob = ""
    if db:
        mp = under(db[0], mounts)
        check("scan Job: the shard is written to a writable volume", mp is not None and not mounts[mp][1])
        shard_glob = re.sub(r"\$\{?JOB_COMPLETION_INDEX\}?", "*", db[0])
    targets = re.findall(r"fedcert scan\s+(\S+)", script)
    if targets:
        mp = under(targets[0], mounts)
        vol = mounts[mp][0] if mp else {}
        cm = vol.get("configMap")
        check("scan Job: the targets file is on the ConfigMap's volume", cm is not None, targets[0])
        if cm:
            items = [i.get("path") for i in cm.get("items") or []]
            rel = targets[0][len(mp) + 1:]
            check("scan Job: the targets file is a key of the ConfigMap", not items or rel in items,
                  "%s not in %s" % (rel, items))
    mspec, mpod, mc, mscript, mmounts = job_checks(merges[0], "merge Job", docs)
    check("merge Job: not indexed, one pod", mspec.get("completionMode") in (None, "NonIndexed")
          and mspec.get("completions", 1) == 1)
    check("merge Job: runs fedcert merge on the shards (%s)" % shard_glob,
          bool(shard_glob) and re.search(r"fedcert merge\s+--db\s+\S+", mscript) is not None
          and shard_glob in mscript, mscript)
    check("merge Job: then fedcert report", "fedcert report --db" in mscript)
    if shard_glob:
        smp, mmp = under(shard_glob, mounts), under(shard_glob, mmounts)
        sclaim = (mounts.get(smp, ({}, 0))[0].get("persistentVolumeClaim") or {}).get("claimName")
        mclaim = (mmounts.get(mmp, ({}, 0))[0].get("persistentVolumeClaim") or {}).get("claimName")
        check("merge Job: the shards' claim mounted where the scan pods write it",
              smp == mmp and sclaim and sclaim == mclaim, "%s %s, %s %s" % (smp, sclaim, mmp, mclaim))
    out = re.findall(r"fedcert merge\s+--db\s+(\S+)", mscript)
    if out:
        mp = under(out[0], mmounts)
        check("merge Job: the merged database is on a writable volume", mp is not None and not mmounts[mp][1])
    if FAILS:
        return

    # The local run: every mount path under ROOT.
    paths = sorted(set(list(mounts) + list(mmounts)), key=len, reverse=True)

    def moved(text):
        for mp in paths:
            text = re.sub(r"(?<![\w.\-/])" + re.escape(mp) + r"(?=/|\b|$)", root + mp, text)
        return text

    for tag, cont, text in (("scan", c, script), ("merge", mc, mscript)):
        with open("%s/%s.sh" % (root, tag), "w") as f:
            f.write(moved(text))
        with open("%s/%s.env" % (root, tag), "w") as f:
            for e in cont.get("env") or []:
                f.write("export %s=%s\n" % (e["name"], shlex.quote(moved(str(e.get("value", ""))))))
    with open(root + "/n", "w") as f:
        f.write("%d\n" % n)
    with open(root + "/mounts", "w") as f:
        f.write("\n".join(paths) + "\n")


VARYING = {"scan", "started", "connect_ms", "handshake_ms", "rtt_ms"}


def strip(v):
    """v without the VARYING keys; a target's dns[] in one order. The
    report lists a target's DNS answers in the order the scan stored them:
    a hosted pool's A answer, asked once for every partner that points at
    it, is stored before or after a partner's own SRV answer depending on
    when each was answered, and in a merged scan on which shard asked it
    first. The answers are the facts; their order is not."""
    if isinstance(v, dict):
        out = {k: strip(x) for k, x in v.items() if k not in VARYING}
        if isinstance(out.get("dns"), list):
            out["dns"] = sorted(out["dns"], key=lambda a: json.dumps(a, sort_keys=True))
        return out
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def same_report(a, b):
    def load(p):
        with open(p) as f:
            return [strip(json.loads(line)) for line in f if line.strip()]
    try:
        ra, rb = load(a), load(b)
    except (OSError, ValueError) as e:
        print("cannot read a report: %s" % e)
        return 1
    key = lambda r: (r.get("line") or 0, r.get("domain") or "", r.get("type") or "")
    sa, sb = sorted(ra, key=key), sorted(rb, key=key)
    if len(sa) != len(sb):
        print("%s has %d lines, %s %d" % (a, len(sa), b, len(sb)))
    for x, y in zip(sa, sb):
        if x != y:
            print("the first target that differs, line %s %s %s:" % (x.get("line"), x.get("domain"), x.get("type")))
            for k in sorted(set(x) | set(y)):
                if x.get(k) != y.get(k):
                    print("  %s: %s\n  %s: %s" % (k, json.dumps(x.get(k))[:600], k, json.dumps(y.get(k))[:600]))
            return 1
    if len(sa) != len(sb):
        return 1
    if [key(r) for r in ra] != [key(r) for r in rb]:
        print("the same targets, in another order: %s vs %s" % ([key(r)[0] for r in ra], [key(r)[0] for r in rb]))
        return 1
    return 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "k8s":
        k8s(sys.argv[2], sys.argv[3], sys.argv[4])
        return 1 if FAILS else 0
    if len(sys.argv) == 4 and sys.argv[1] == "same-report":
        return same_report(sys.argv[2], sys.argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
