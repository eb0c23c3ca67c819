#!/usr/bin/env python3
"""pkits_chains.py PKITS_CERTS OUTDIR: the NIST PKITS tests fedcert's chain
verdict can be held to, as files `fedcert inspect` reads (test_cert_vectors).

PKITS_CERTS is the suite's certs/ directory (DER, one file per certificate;
an end entity's file is named after its test: ValidCertificatePathTest1EE).
For each test in scope, OUTDIR/NAME.pem holds its end entity first, then
every CA certificate of the suite that the issuer names lead to (compared
as RFC 5280 7.1 and OpenSSL compare them), as a server sends its chain; the
trust anchor goes to OUTDIR/anchor.pem. OUTDIR/tests gets one line per test:
"SECTION NAME Valid|Invalid FILE CERTIFICATES". Prints what was left out.

In scope: the sections of PKITS (NIST, "Public Key Interoperability Test
Suite Certification Path Validation", 2011 data) whose verdicts need
neither revocation nor policy processing, which fedcert's chain verdict
does not do: 4.1 signatures, 4.2 validity periods, 4.3 name chaining,
4.5 self-issued certificates, 4.6 basic constraints, 4.7 key usage,
4.13 name constraints, 4.16 private extensions; less the tests of those
sections whose verdict rests on a CRL. Out: 4.4, 4.14 and 4.15 (CRLs),
4.8 to 4.12 (policies). Python's standard library only: the DSA
parameter inheritance certificate has no DSA parameters, which
python3-cryptography refuses to parse."""
import os
import re
import sys

import base64


def der(buf, i):
    """The DER element at buf[i]: (tag, start of its content, end)."""
    tag, n = buf[i], buf[i + 1]
    i += 2
    if n & 0x80:
        k, n = n & 0x7F, 0
        for b in buf[i:i + k]:
            n = n << 8 | b
        i += k
    return tag, i, i + n


def children(buf, start, end):
    while start < end:
        tag, s, e = der(buf, start)
        yield tag, s, e
        start = e


# The string types OpenSSL's canonical form folds (X509_NAME canon).
STRINGS = {0x0C: "utf-8", 0x13: "latin-1", 0x14: "latin-1", 0x16: "latin-1",
           0x1A: "latin-1", 0x1C: "utf-32-be", 0x1E: "utf-16-be"}


def name_key(buf, start, end):
    """A Name as RFC 5280 7.1 compares it (OpenSSL's canonical form): string
    values case folded, outer whitespace gone, inner runs made one space."""
    out = []
    for _, rs, re_ in children(buf, start, end):  # SET OF AttributeTypeAndValue
        avas = []
        for _, as_, ae in children(buf, rs, re_):
            (_, os_, oe), (vt, vs, ve) = list(children(buf, as_, ae))[:2]
            v = bytes(buf[vs:ve])
            if vt in STRINGS:
                v = " ".join(v.decode(STRINGS[vt], "replace").split()).casefold()
            avas.append((bytes(buf[os_:oe]), v))
        out.append(tuple(sorted(avas, key=repr)))
    return tuple(out)


class Cert:
    """The issuer and subject of a DER certificate, and its PEM."""

    def __init__(self, data):
        _, s, e = der(data, 0)          # Certificate
        _, s, e = der(data, s)          # TBSCertificate
        f = list(children(data, s, e))
        if f[0][0] == 0xA0:             # [0] version
            f = f[1:]
        # serial, signature, issuer, validity, subject
        self.issuer = name_key(data, f[2][1], f[2][2])
        self.subject = name_key(data, f[4][1], f[4][2])
        b = base64.encodebytes(data).replace(b"\n", b"")
        lines = [b[i:i + 64] for i in range(0, len(b), 64)]
        self.pem = (b"-----BEGIN CERTIFICATE-----\n" + b"\n".join(lines) +
                    b"\n-----END CERTIFICATE-----\n")


SECTIONS = [
    ("4.1", r"CertificatePath|CASignature|EESignature|DSASignatures?|DSAParameterInheritance"),
    ("4.2", r"(CA|EE)not(Before|After)Date|pre2000UTC(EE)?not(Before|After)Date|GeneralizedTimenot(Before|After)Date"),
    ("4.3", r"NameChaining\w*|NameUIDs|RFC3280(Mandatory|Optional)AttributeTypes|UTF8StringEncodedNames|RolloverfromPrintableStringtoUTF8String|UTF8StringCaseInsensitiveMatch"),
    ("4.5", r"BasicSelfIssued(OldWithNew|NewWithOld|CRLSigningKey)"),
    ("4.6", r"MissingbasicConstraints|cAFalse|basicConstraintsNotCritical|(SelfIssued)?pathLenConstraint"),
    ("4.7", r"keyUsage(Critical|NotCritical)(keyCertSignFalse|cRLSignFalse)?"),
    ("4.13", r"(DN|RFC822|DNandRFC822|DNS|URI)nameConstraints"),
    ("4.16", r"Unknown(Not)?CriticalCertificateExtension"),
]
# In those sections, the tests whose verdict rests on a CRL: the end
# entity is revoked (4.5.2, 4.5.5, 4.5.7), or the CRL's signer may not sign
# CRLs (4.7.4, 4.7.5).
REVOCATION = {
    "InvalidBasicSelfIssuedOldWithNewTest2", "InvalidBasicSelfIssuedNewWithOldTest5",
    "InvalidBasicSelfIssuedCRLSigningKeyTest7", "InvalidkeyUsageCriticalcRLSignFalseTest4",
    "InvalidkeyUsageNotCriticalcRLSignFalseTest5",
}
MAX_CHAIN = 32  # fedcert inspect reads at most 32 certificates


def section_of(test):
    m = re.fullmatch(r"(Valid|Invalid)(\w+?)Test\d+", test)
    if not m:
        return None
    for sec, pat in SECTIONS:
        if re.fullmatch(pat, m.group(2)):
            return sec
    return None


def main():
    src, out = sys.argv[1], sys.argv[2]
    certs = {}
    for f in sorted(os.listdir(src)):
        if f.endswith(".crt"):
            with open(os.path.join(src, f), "rb") as fh:
                certs[f[:-4]] = Cert(fh.read())
    anchor = "TrustAnchorRootCertificate"
    by_subject = {}
    for n, c in certs.items():
        if n != anchor and not n.endswith("EE"):
            by_subject.setdefault(c.subject, []).append(n)
    counts = {"tests": 0, "in scope": 0, "revocation": 0, "other sections": 0}
    with open(os.path.join(out, "tests"), "w") as tests:
        for n in sorted(certs):
            if not n.endswith("EE"):
                continue
            counts["tests"] += 1
            test = n[:-2]
            sec = section_of(test)
            if sec is None:
                counts["other sections"] += 1
                continue
            if test in REVOCATION:
                counts["revocation"] += 1
                continue
            chain, queue = [n], [n]
            while queue and len(chain) < MAX_CHAIN:
                cur = certs[queue.pop(0)]
                for cand in by_subject.get(cur.issuer, []):
                    if cand not in chain and len(chain) < MAX_CHAIN:
                        chain.append(cand)
                        queue.append(cand)
            path = os.path.join(out, test + ".pem")
            with open(path, "wb") as fh:
                for c in chain:
                    fh.write(certs[c].pem)
            verdict = "Valid" if test.startswith("Valid") else "Invalid"
            tests.write(f"{sec} {test} {verdict} {path} {len(chain)}\n")
            counts["in scope"] += 1
    with open(os.path.join(out, "anchor.pem"), "wb") as fh:
        fh.write(certs[anchor].pem)
    print(" ".join(f"{k.replace(' ', '_')}={v}" for k, v in counts.items()))


main()
