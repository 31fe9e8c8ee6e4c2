#!/usr/bin/python3
"""End-to-end tests of `pgm serve` (issue 13): the built binary on --port 0, every endpoint against
the command line's JSON, every error class, malformed HTTP over raw sockets, SIGTERM/SIGINT, and
1,000 requests over 8 concurrent connections (p50/p99 latency printed, not asserted).

Usage: serve_test.py PGM SOURCE_DIR SHARED_DIR [unittest arguments]
"""
import glob
import http.client
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import tempfile
import unittest
import urllib.parse

import yaml

PGM, SOURCE, SHARED = sys.argv[1:4]
del sys.argv[1:4]
MODELS = sorted(glob.glob(os.path.join(SOURCE, "models", "*.yaml")))
ALARM = os.path.join(SHARED, "networks", "bif", "alarm.bif")
SPRINKLER = os.path.join(SOURCE, "models", "sprinkler.yaml")
MIB = 1 << 20


def cli(*args):
    """Runs pgm; (exit code, stdout, stderr)."""
    p = subprocess.run([PGM, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def cli_json(*args):
    code, out, err = cli(*args)
    assert code == 0, (args, code, err)
    return out


def cli_error(*args):
    """The message of a command that fails with exit 4 (a query the model cannot answer)."""
    code, out, err = cli(*args)
    assert code == 4, (args, code, out, err)
    m = re.fullmatch(r"pgm: error: (.*)\n", err, re.S)
    assert m, err
    return m.group(1)


class Server:
    """`pgm serve MODEL --port 0 ...`, its URL read from the first line of stdout."""

    def __init__(self, model, *extra):
        self.proc = subprocess.Popen([PGM, "serve", model, "--port", "0", *extra], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\n", line)
        if not m:
            self.proc.kill()
            raise AssertionError("first line %r, stderr %r" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))

    def request(self, method, path, body=None, headers=None):
        """(status, headers as a dict of lower-case names, body bytes) on a fresh connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = body if body is None or isinstance(body, (bytes, str)) else json.dumps(body)
            conn.request(method, path, body=data, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def json(self, method, path, body=None, status=200):
        code, headers, data = self.request(method, path, body)
        assert code == status, (method, path, body, code, data)
        assert headers["content-type"] == "application/json", headers
        return data.decode()

    def error(self, method, path, body=None, status=400):
        text = self.json(method, path, body, status)
        j = json.loads(text)
        assert list(j) == ["error"] and isinstance(j["error"], str) and j["error"], text
        return j["error"]

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        rest = self.proc.stdout.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code, rest


def render_cli(*args):
    """`pgm render ARGS -o FILE.svg`: (exit code, the picture's text)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.svg")
        code = cli("render", *args, "-o", out)[0]
        if code != 0:
            return code, None
        with open(out) as f:
            return code, f.read()


def info(path):
    return json.loads(cli_json("info", path, "--json"))


def pick_evidence(model_info):
    """A few evidence sets for a discrete model: its last variable's first state, then also the
    first variable's last state."""
    names = list(model_info["variables"])
    states = model_info["variables"]
    first, last = names[0], names[-1]
    return [{last: states[last][0]}, {last: states[last][0], first: states[first][-1]}]


def given_args(evidence):
    return ["--given", ",".join("%s=%s" % kv for kv in evidence.items())] if evidence else []


class Endpoints(unittest.TestCase):
    """Every endpoint against the command line, on each bundled model and on alarm."""

    def check_model(self, path):
        with self.subTest(model=os.path.basename(path)):
            s = Server(path)
            try:
                # GET /api/model: `pgm info --json`, byte for byte.
                self.assertEqual(s.json("GET", "/api/model"), cli_json("info", path, "--json"))
                model_info = json.loads(s.json("GET", "/api/model"))
                if model_info["type"] in ("gaussian", "linear-gaussian"):
                    self.check_gaussian(s, path, model_info)
                    evidence = {model_info["variables"][-1]: repr(model_info["mean"][-1] + 1.5)}
                else:
                    self.check_discrete(s, path, model_info)
                    evidence = pick_evidence(model_info)[0]
                # GET /api/render: `pgm render -o FILE.svg`, byte for byte (given encoded as the
                # page encodes it, and literally).
                given = ",".join("%s=%s" % kv for kv in evidence.items())
                code, out = render_cli(path, "--given", given)
                if code != 0:  # impossible evidence
                    code, out = render_cli(path)
                    given = ""
                for query in ("?given=" + urllib.parse.quote(given, safe=""), "?given=" + given):
                    rcode, headers, data = s.request("GET", "/api/render" + query)
                    self.assertEqual((rcode, headers["content-type"]), (200, "image/svg+xml"), data[:300])
                    self.assertEqual(data.decode(), out)
            finally:
                self.assertEqual(s.stop()[0], 0)

    def check_discrete(self, s, path, model_info):
        names = list(model_info["variables"])
        states = model_info["variables"]
        # POST /api/query: `pgm marginals --json`, also with an empty body and `{}`.
        marginals = cli_json("marginals", path, "--json")
        self.assertEqual(s.json("POST", "/api/query", {}), marginals)
        self.assertEqual(s.json("POST", "/api/query", b""), marginals)
        for evidence in pick_evidence(model_info):
            body = {"evidence": evidence}
            code, out, err = cli("marginals", path, "--json", *given_args(evidence))
            if code == 0:
                self.assertEqual(s.json("POST", "/api/query", body), out)
                self.assertEqual(json.loads(s.json("POST", "/api/query", body)), json.loads(out))
            else:  # impossible evidence: the same message, as a 400
                self.assertEqual(code, 4, err)
                self.assertEqual("pgm: error: " + s.error("POST", "/api/query", body) + "\n", err)
            # targets: `pgm query --json TARGETS`.
            targets = [names[0]] + ([names[1]] if len(names) > 1 else [])
            code, out, err = cli("query", path, "--json", *targets, *given_args(evidence))
            if code == 0:
                self.assertEqual(s.json("POST", "/api/query", {"evidence": evidence, "targets": targets}), out)
        # soft evidence: `--soft`.
        v = names[-1]
        lam = [0.8] + [0.2] * (len(states[v]) - 1)
        soft = "%s=%s" % (v, ",".join(str(x) for x in lam))
        self.assertEqual(s.json("POST", "/api/query", {"soft_evidence": {v: lam}}),
                         cli_json("marginals", path, "--json", "--soft", soft))
        self.assertEqual(s.json("POST", "/api/query", {"soft_evidence": {v: lam}, "targets": [names[0]]}),
                         cli_json("query", path, "--json", names[0], "--soft", soft))
        # POST /api/independent: `pgm independent --json`.
        if len(names) >= 3:
            for given in ([], [names[len(names) // 2]]):
                body = {"x": [names[0]], "y": [names[-1]], "given": given}
                args = ["--x", names[0], "--y", names[-1]] + (["--given", ",".join(given)] if given else [])
                self.assertEqual(s.json("POST", "/api/independent", body), cli_json("independent", path, "--json", *args))

    def check_gaussian(self, s, path, model_info):
        names = model_info["variables"]
        mean = model_info["mean"]
        # No evidence: `pgm marginals --json` (every variable).
        self.assertEqual(s.json("POST", "/api/query", {}), cli_json("marginals", path, "--json"))
        # Numbers as evidence: `pgm marginals/query --json --given X=value`.
        x, value = names[-1], mean[-1] + 1.5
        text = repr(value)
        self.assertEqual(s.json("POST", "/api/query", {"evidence": {x: value}}),
                         cli_json("marginals", path, "--json", "--given", "%s=%s" % (x, text)))
        if len(names) > 1:
            self.assertEqual(s.json("POST", "/api/query", {"evidence": {x: value}, "targets": [names[0]]}),
                             cli_json("query", path, "--json", names[0], "--given", "%s=%s" % (x, text)))
            body = {"x": [names[0]], "y": [names[-1]]}
            self.assertEqual(s.json("POST", "/api/independent", body),
                             cli_json("independent", path, "--json", "--x", names[0], "--y", names[-1]))
        # Soft evidence on a Gaussian: the library's refusal, as the command line words it.
        self.assertEqual("pgm: error: " + s.error("POST", "/api/query", {"soft_evidence": {x: [1, 2]}}) + "\n",
                         cli("marginals", path, "--json", "--soft", "%s=1,2" % x)[2])

    def test_bundled_models(self):
        self.assertGreater(len(MODELS), 5)
        for path in MODELS:
            self.check_model(path)

    def test_alarm(self):
        self.check_model(ALARM)


def sprinkler_posterior(target, evidence):
    """P(target | evidence) in sprinkler.yaml by enumerating its 32 assignments (independently of
    pgm: the file is read with PyYAML)."""
    with open(SPRINKLER) as f:
        m = yaml.load(f, Loader=yaml.BaseLoader)  # every scalar a string: YAML 1.1 reads `no` as false
    names = list(m["variables"])
    weights = {}
    for states in itertools.product(*(m["variables"][n] for n in names)):
        a = dict(zip(names, states))
        if any(a[k] != v for k, v in evidence.items()):
            continue
        p = 1.0
        for n in names:
            cpd = m["cpds"][n]
            table = cpd["probabilities"]
            for parent in cpd.get("parents", []):
                table = table[a[parent]]
            p *= float(table[m["variables"][n].index(a[n])])
        weights[a[target]] = weights.get(a[target], 0) + p
    total = sum(weights.values())
    return {s: weights.get(s, 0) / total for s in m["variables"][target]}, total


class Sprinkler(unittest.TestCase):
    """Answers checked against enumeration, and every error class."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(SPRINKLER)

    @classmethod
    def tearDownClass(cls):
        assert cls.s.stop()[0] == 0

    def test_posterior_by_enumeration(self):
        for evidence in ({}, {"WetGrass": "wet"}, {"WetGrass": "wet", "Season": "summer"}):
            j = json.loads(self.s.json("POST", "/api/query", {"evidence": evidence}))
            for target in ("Rain", "Sprinkler", "Slippery"):
                expected, pe = sprinkler_posterior(target, evidence)
                for state, p in expected.items():
                    self.assertAlmostEqual(j["marginals"][target][state], p, places=12)
                self.assertAlmostEqual(j["probability_of_evidence"], pe, places=12)
            self.assertEqual(j["evidence"], evidence)

    def test_targets_only(self):
        j = json.loads(self.s.json("POST", "/api/query", {"evidence": {"WetGrass": "wet"}, "targets": ["Rain"]}))
        self.assertEqual(list(j["marginals"]), ["Rain"])
        self.assertAlmostEqual(j["marginals"]["Rain"]["yes"], sprinkler_posterior("Rain", {"WetGrass": "wet"})[0]["yes"],
                               places=12)

    def test_active_trail(self):
        # Sprinkler and Rain are d-connected given WetGrass (explaining away): with Season observed
        # too, the one active trail is through WetGrass.
        j = json.loads(self.s.json("POST", "/api/independent",
                                   {"x": ["Sprinkler"], "y": ["Rain"], "given": ["Season", "WetGrass"]}))
        self.assertFalse(j["independent"])
        self.assertEqual(j["active_trail"], ["Sprinkler", "WetGrass", "Rain"])
        j = json.loads(self.s.json("POST", "/api/independent", {"x": ["Sprinkler"], "y": ["Rain"], "given": ["Season"]}))
        self.assertTrue(j["independent"])
        self.assertIsNone(j["active_trail"])

    def test_bad_requests_are_400_with_the_library_message(self):
        cases = [  # (body, the equivalent command line)
            ({"evidence": {"Nope": "x"}}, ["marginals", SPRINKLER, "--given", "Nope=x"]),
            ({"evidence": {"Rain": "maybe"}}, ["marginals", SPRINKLER, "--given", "Rain=maybe"]),
            # impossible evidence: a dry lawn is never slippery
            ({"evidence": {"WetGrass": "dry", "Slippery": "yes"}}, ["marginals", SPRINKLER, "--given", "WetGrass=dry,Slippery=yes"]),
            ({"targets": ["Nope"]}, ["query", SPRINKLER, "Nope"]),
            ({"targets": ["Rain", "Rain"]}, ["query", SPRINKLER, "Rain", "Rain"]),
            ({"soft_evidence": {"Rain": [0.5]}}, ["marginals", SPRINKLER, "--soft", "Rain=0.5"]),
            ({"soft_evidence": {"Rain": [-1, 1]}}, ["marginals", SPRINKLER, "--soft", "Rain=-1,1"]),
            ({"soft_evidence": {"Rain": [0, 0]}}, ["marginals", SPRINKLER, "--soft", "Rain=0,0"]),
            ({"soft_evidence": {"Nope": [1, 1]}}, ["marginals", SPRINKLER, "--soft", "Nope=1,1"]),
        ]
        for body, args in cases:
            with self.subTest(body=body):
                self.assertEqual(self.s.error("POST", "/api/query", body), cli_error(*args))
        for body, args in [
            ({"x": ["Nope"], "y": ["Rain"]}, ["--x", "Nope", "--y", "Rain"]),
            ({"x": ["Rain"], "y": ["Rain"]}, ["--x", "Rain", "--y", "Rain"]),
            ({"x": ["Rain"], "y": ["Season"], "given": ["Season"]}, ["--x", "Rain", "--y", "Season", "--given", "Season"]),
        ]:
            with self.subTest(body=body):
                self.assertEqual(self.s.error("POST", "/api/independent", body),
                                 cli_error("independent", SPRINKLER, *args))

    def test_malformed_json_and_wrong_types_are_400(self):
        cases = {
            b"{": "not JSON",
            b"{\"evidence\": }": "not JSON",
            b"\xff\xfe": "not JSON",
            b"[1, 2]": "must be a JSON object",
            b"\"text\"": "must be a JSON object",
            b"[" * 100000: "not JSON",  # deep nesting: refused, not a stack overflow
            b"{\"soft_evidence\": {\"Rain\": [1e308666, 1]}}": "number overflow",  # found by fuzz/request_fuzz.cpp: was a 500
        }
        for body, words in cases.items():
            with self.subTest(body=body[:20]):
                self.assertIn(words, self.s.error("POST", "/api/query", body))
        typed = [
            ({"evidence": ["Rain", "yes"]}, "'evidence' must be an object"),
            ({"evidence": {"Rain": 1}}, "evidence for 'Rain' must be a state name (a string), got number"),
            ({"evidence": {"Rain": None}}, "got null"),
            ({"soft_evidence": {"Rain": "0.8,0.2"}}, "must be a list of numbers"),
            ({"soft_evidence": {"Rain": [0.8, "x"]}}, "got a string in it"),
            ({"soft_evidence": [1]}, "'soft_evidence' must be an object"),
            ({"targets": "Rain"}, "'targets' must be a list of variable names, got string"),
            ({"targets": [1]}, "got a number in it"),
            ({"evidnce": {}}, "unknown field 'evidnce'"),
        ]
        for body, words in typed:
            with self.subTest(body=body):
                self.assertIn(words, self.s.error("POST", "/api/query", body))
        self.assertIn("needs 'y'", self.s.error("POST", "/api/independent", {"x": ["Rain"]}))
        self.assertIn("'given' must be a list", self.s.error("POST", "/api/independent",
                                                            {"x": ["Rain"], "y": ["Season"], "given": "WetGrass"}))

    def test_404_405(self):
        for path in ("/nope", "/api", "/api/model/", "/api/querys", "/../etc/passwd", "/" + "x" * 5000):
            with self.subTest(path=path[:30]):
                self.assertIn("no such path", self.s.error("GET", path, status=404))
        self.assertIn("no such path", self.s.error("POST", "/nope", {}, status=404))
        for method, path, allow in [("GET", "/api/query", "POST"), ("PUT", "/api/query", "POST"),
                                    ("GET", "/api/independent", "POST"), ("POST", "/api/model", "GET, HEAD"),
                                    ("DELETE", "/", "GET, HEAD"), ("POST", "/api/render", "GET, HEAD")]:
            with self.subTest(method=method, path=path):
                code, headers, data = self.s.request(method, path, b"{}" if method in ("POST", "PUT") else None)
                self.assertEqual(code, 405)
                self.assertEqual(headers["allow"], allow)
                self.assertIn("not allowed", json.loads(data)["error"])

    def test_413_over_one_mib(self):
        exactly = b"{}" + b" " * (MIB - 2)  # the limit itself is accepted
        self.assertEqual(self.s.json("POST", "/api/query", exactly), cli_json("marginals", SPRINKLER, "--json"))
        self.assertIn("over the limit", self.s.error("POST", "/api/query", exactly + b" ", status=413))
        self.assertIn("over the limit", self.s.error("POST", "/api/query", b"{" * (5 * MIB), status=413))

    def test_render(self):
        import xml.etree.ElementTree as ET
        svg_ns = "{http://www.w3.org/2000/svg}"
        for given, soft in (("", ""), ("WetGrass=wet", ""), ("WetGrass=wet,Season=summer", "Rain=0.8,0.2")):
            with self.subTest(given=given, soft=soft):
                query = urllib.parse.urlencode([(k, v) for k, v in (("given", given), ("soft", soft)) if v])
                code, headers, data = self.s.request("GET", "/api/render" + ("?" + query if query else ""))
                self.assertEqual(code, 200, data[:300])
                self.assertEqual(headers["content-type"], "image/svg+xml")
                # The command line's picture, byte for byte.
                with tempfile.TemporaryDirectory() as tmp:
                    out = os.path.join(tmp, "out.svg")
                    args = (["--given", given] if given else []) + (["--soft", soft] if soft else [])
                    cli_json("render", SPRINKLER, *args, "-o", out)
                    with open(out, "rb") as f:
                        self.assertEqual(data, f.read())
                # One node group per variable, titled by its name; Rain's percentages are the
                # enumerated posterior's (soft evidence aside, which enumeration here leaves out).
                root = ET.fromstring(data)
                groups = {g.get("id"): g for g in root.iter(svg_ns + "g") if (g.get("id") or "").startswith("pgm-v-")}
                names = ["Season", "Sprinkler", "Rain", "WetGrass", "Slippery"]
                self.assertEqual(sorted(groups), ["pgm-v-%d" % i for i in range(5)])
                for i, name in enumerate(names):
                    self.assertEqual(groups["pgm-v-%d" % i].find(svg_ns + "title").text, name)
                if not soft:
                    evidence = dict(kv.split("=") for kv in given.split(",")) if given else {}
                    expected, _ = sprinkler_posterior("Rain", evidence)
                    for s_index, state in enumerate(["no", "yes"]):
                        row = next(g for g in root.iter() if g.get("id") == "pgm-s-2-%d" % s_index)
                        text = "".join(row.itertext())
                        self.assertIn("%.1f%%" % (100 * expected[state]), text)
        cases = [("given=Nope=x", "Nope"), ("given=Rain=maybe", "maybe"), ("given=Rain", "given"),
                 ("soft=Rain=1", "Rain"), ("given=WetGrass=dry,Slippery=yes", "zero"), ("colour=red", "unknown parameter")]
        for query, words in cases:
            with self.subTest(query=query):
                self.assertIn(words, self.s.error("GET", "/api/render?" + query))
        self.assertEqual(self.s.error("GET", "/api/render?given=Nope=x"),
                         cli_error("render", SPRINKLER, "--given", "Nope=x", "-o", os.path.join(tempfile.gettempdir(), "never-written.svg")))

    def test_host_header_must_name_loopback(self):
        code, _, data = self.s.request("GET", "/api/model", headers={"Host": "evil.example:%d" % self.s.port})
        self.assertEqual(code, 403)
        self.assertIn("Host header", json.loads(data)["error"])
        for host in ("localhost:%d" % self.s.port, "127.0.0.1", "[::1]:%d" % self.s.port):
            self.assertEqual(self.s.request("GET", "/api/model", headers={"Host": host})[0], 200)

    def test_page_is_served(self):
        code, headers, data = self.s.request("GET", "/")
        self.assertEqual(code, 200)
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        with open(os.path.join(SOURCE, "tools", "pgm", "serve", "page", "index.html"), "rb") as f:
            self.assertEqual(data, f.read())
        for path in sorted(glob.glob(os.path.join(SOURCE, "tools", "pgm", "serve", "page", "*"))):
            name = os.path.basename(path)
            code, headers, data = self.s.request("GET", "/" + name)
            self.assertEqual(code, 200, name)
            with open(path, "rb") as f:
                self.assertEqual(data, f.read(), name)
            ext = os.path.splitext(name)[1]
            expected = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}.get(ext)
            if expected:
                self.assertTrue(headers["content-type"].startswith(expected), headers)
        code, headers, data = self.s.request("HEAD", "/")
        self.assertEqual((code, data), (200, b""))


def raw(port, data, read=True, timeout=15):
    """Sends bytes on a fresh socket; the reply (up to close or timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        if not read:
            return b""
        # No shutdown(SHUT_WR): httplib 0.11 writes no answer to a half-closed connection.
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


def status_of(reply):
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", reply)
    return int(m.group(1)) if m else None


class MalformedHttp(unittest.TestCase):
    """Garbage on the wire: an error or a closed connection, and the server answers the next request."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(SPRINKLER)
        cls.expected = cli_json("marginals", SPRINKLER, "--json")

    @classmethod
    def tearDownClass(cls):
        assert cls.s.stop()[0] == 0

    def still_up(self):
        self.assertEqual(self.s.json("POST", "/api/query", {}), self.expected)

    def test_garbage_request_line(self):
        for data in (b"GARBAGE\r\n\r\n", b"\x00\x01\x02\xff" * 100 + b"\r\n\r\n", b"GET\r\n\r\n",
                     b"GET / HTTP/9.9\r\n\r\n", b"FROB / HTTP/1.1\r\nHost: x\r\n\r\n", b"\r\n\r\n\r\n",
                     b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n"):
            with self.subTest(data=data[:20]):
                reply = raw(self.s.port, data)
                self.assertIn(status_of(reply), (None, 400, 404, 414), reply[:200])
                self.still_up()

    def test_truncated_body(self):
        # A body shorter than its Content-Length, then the client goes quiet or away: 400 (or a
        # closed connection) after the read timeout, never a hang.
        start = time.monotonic()
        head = b"POST /api/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n{\"evi"
        reply = raw(self.s.port, head % 100000)
        self.assertIn(status_of(reply), (None, 400), reply[:200])
        # Declared over the limit: 413 without reading a gigabyte.
        reply = raw(self.s.port, head % (1 << 40))
        self.assertIn(status_of(reply), (None, 413), reply[:200])
        self.assertLess(time.monotonic() - start, 30)
        # The same with the socket left open: the server times the read out.
        with socket.create_connection(("127.0.0.1", self.s.port), timeout=30) as sock:
            sock.sendall(head % 1000)
            self.still_up()  # other connections are served meanwhile
            reply = b""
            try:
                while chunk := sock.recv(65536):
                    reply += chunk
            except ConnectionResetError:
                pass
            self.assertIn(status_of(reply), (None, 400), reply[:200])
        self.still_up()

    def test_header_flood(self):
        for data in (
                b"GET /api/model HTTP/1.1\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 50) for i in range(20000)) + b"\r\n",
                b"GET /api/model HTTP/1.1\r\nX-Long: " + b"v" * 100000 + b"\r\n\r\n",
                b"GET /api/model HTTP/1.1\r\n" + b"X: y\r\n" * 5000):  # never ends its headers
            with self.subTest(data=data[:40]):
                reply = raw(self.s.port, data)
                self.assertIn(status_of(reply), (None, 200, 400, 431), reply[:200])
                self.still_up()

    def test_chunked_and_pipelined(self):
        body = b'{"evidence": {"WetGrass": "wet"}}'
        chunked = (b"POST /api/query HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        reply = raw(self.s.port, chunked)
        self.assertEqual(status_of(reply), 200, reply[:200])
        self.assertTrue(reply.endswith(cli_json("marginals", SPRINKLER, "--json", "--given", "WetGrass=wet").encode()))
        # Two requests in one write (pipelining): httplib 0.11 answers the first and drops the
        # second (no browser pipelines); the server stays up.
        one = b"GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        reply = raw(self.s.port, one + one.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        self.assertGreaterEqual(reply.count(b"HTTP/1.1 200 OK"), 1)
        self.still_up()


class Stopping(unittest.TestCase):
    def test_sigterm_and_sigint_exit_0(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            s = Server(SPRINKLER)
            self.assertEqual(s.request("GET", "/api/model")[0], 200)
            # An idle keep-alive connection does not hold the stop up for long.
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
            conn.request("GET", "/api/model")
            conn.getresponse().read()
            start = time.monotonic()
            code, rest = s.stop(sig)
            conn.close()
            self.assertEqual(code, 0, sig)
            self.assertEqual(rest, "")  # nothing after the URL line
            self.assertLess(time.monotonic() - start, 10)

    def test_signal_right_after_start(self):
        s = Server(SPRINKLER)
        self.assertEqual(s.stop()[0], 0)

    def test_command_line_errors(self):
        s = Server(SPRINKLER)
        try:
            code, out, err = cli("serve", SPRINKLER, "--port", str(s.port))
            self.assertEqual(code, 2, err)
            self.assertIn("cannot listen on 127.0.0.1 port %d" % s.port, err)
        finally:
            s.stop()
        for args in (["--port", "70000"], ["--threads", "0"], ["--port", "x"], ["--max-memory", "lots"]):
            self.assertEqual(cli("serve", SPRINKLER, *args)[0], 2, args)
        self.assertEqual(cli("serve", os.path.join(SOURCE, "nope.yaml"))[0], 3)


class Limits(unittest.TestCase):
    def test_inference_over_max_memory_is_400_and_the_server_stays_up(self):
        s = Server(ALARM, "--max-memory", "4k")
        try:
            code, out, err = cli("marginals", ALARM, "--json", "--max-memory", "4k")
            self.assertEqual(code, 5, err)
            library = re.fullmatch(r"pgm: error: (.*) \(--max-memory SIZE sets the limit.*\)\n", err, re.S).group(1)
            message = s.error("POST", "/api/query", {})
            self.assertEqual(message, library + " (pgm serve --max-memory SIZE sets the per-request limit)")
            # A single target by variable elimination fits, as on the command line.
            self.assertEqual(s.json("POST", "/api/query", {"targets": ["HR"]}),
                             cli_json("query", ALARM, "HR", "--json", "--max-memory", "4k"))
        finally:
            self.assertEqual(s.stop()[0], 0)


class Load(unittest.TestCase):
    def test_1000_requests_over_8_connections(self):
        s = Server(ALARM, "--threads", "8")
        try:
            model_info = json.loads(s.json("GET", "/api/model"))
            names = list(model_info["variables"])
            states = model_info["variables"]
            # Ten distinct requests, each answer known from the command line.
            requests = []
            for i in range(10):
                v = names[(7 * i) % len(names)]
                evidence = {v: states[v][i % len(states[v])]}
                requests.append((json.dumps({"evidence": evidence}).encode(),
                                 cli_json("marginals", ALARM, "--json", *given_args(evidence)).encode()))
            total, connections = 1000, 8
            latencies, failures, lock = [], [], threading.Lock()

            def client(k):
                conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
                mine = []
                for i in range(k, total, connections):
                    body, expected = requests[i % len(requests)]
                    start = time.perf_counter()
                    conn.request("POST", "/api/query", body=body)
                    r = conn.getresponse()
                    data = r.read()
                    mine.append(time.perf_counter() - start)
                    if r.status != 200 or data != expected:
                        with lock:
                            failures.append((i, r.status, data[:200]))
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
                conn.close()
                with lock:
                    latencies.extend(mine)

            start = time.perf_counter()
            threads = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - start
            self.assertEqual(failures, [])
            self.assertEqual(len(latencies), total)
            latencies.sort()
            p50 = latencies[len(latencies) // 2] * 1000
            p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
            print("\nserve load: %d POST /api/query on alarm over %d connections in %.2f s: p50 %.2f ms, p99 %.2f ms, "
                  "max %.2f ms" % (total, connections, wall, p50, p99, latencies[-1] * 1000), file=sys.stderr)
        finally:
            self.assertEqual(s.stop()[0], 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
