#!/usr/bin/env python3
"""Drives the auditors' web page in Debian's headless Chromium through Selenium, against a
real gateway started by WebPageTests (Swift). Sign-in links come from a real `ssh … web`.

Usage: web_page_check.py FACTS.json. Prints one line per check; exits 1 on the first failure.
"""
import json
import os
import random
import re
import string
import subprocess
import tempfile
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

FACTS = json.load(open(sys.argv[1]))
ARTEFACTS = FACTS["artefacts"]
os.makedirs(ARTEFACTS, exist_ok=True)


def check(condition, what):
    if not condition:
        print("FAIL: " + what, flush=True)
        raise SystemExit(1)
    print("ok: " + what, flush=True)


def link(who):
    """A one-time link printed by the gateway shell's `web` over a real ssh."""
    result = subprocess.run(FACTS[who + "_ssh"] + ["web"], capture_output=True, text=True, timeout=60)
    match = re.search(r"(https?://\S+/signin/\S+)", result.stdout)
    check(result.returncode == 0 and match is not None, "%s: ssh … web prints a link (%r %r)" % (who, result.stdout, result.stderr))
    return match.group(1)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,900", "--user-data-dir=" + tempfile.mkdtemp(prefix="tracegate-chromium-")]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, condition, what, timeout=20):
    try:
        WebDriverWait(driver, timeout).until(lambda d: condition(d))
    except Exception:
        check(False, what + " (page: " + driver.current_url + ")\n" + driver.find_element(By.TAG_NAME, "body").text[:2000])
    check(True, what)


def row_ids(driver):
    return [row.get_attribute("data-id") for row in driver.find_elements(By.CSS_SELECTOR, "tr.row")]


def errors(driver):
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def shot(driver, name):
    path = os.path.join(ARTEFACTS, name + ".png")
    driver.save_screenshot(path)
    print("screenshot: " + path, flush=True)


base = None
alice = browser()
bob = browser()
try:
    # Sign in: the link sets the cookie, the page continues to the connections.
    first = link("alice")
    base = first.split("/signin/")[0]
    alice.get(first)
    wait(alice, lambda d: d.current_url.endswith("/connections") and d.find_elements(By.ID, "rows"),
         "alice signs in with the link and lands on the connections")
    cookie = alice.get_cookie("tg_web")
    check(cookie is not None and cookie["httpOnly"] and cookie.get("sameSite") == "Strict",
          "the session cookie is HttpOnly and SameSite=Strict: %r" % ({k: v for k, v in (cookie or {}).items() if k != "value"},))
    check("alice (retailer)" in alice.find_element(By.ID, "viewer").text, "the header names alice and her organisation")
    shot(alice, "connections")

    # A used link does not work again.
    alice.get(first)
    check("Link refused" in alice.page_source and "already used" in alice.page_source, "a reused link is refused")

    # The sessions list shows what the real clients did, and only alice's organisation's.
    alice.get(base + "/sessions")
    wait(alice, lambda d: d.find_elements(By.ID, "rows"), "the sessions list shows rows")
    page = alice.find_element(By.ID, "rows").text
    check(FACTS["alice_exec_marker"] in page, "alice's exec command is listed")
    check(FACTS["bob_exec_marker"] not in page, "bob's session (provider on provider's target) is not listed for alice")
    ids = row_ids(alice)
    check(len(ids) >= 2, "alice sees at least her two sessions: %r" % ids)
    shot(alice, "sessions")

    # Filters narrow the list, and live in the URL.
    alice.find_element(By.ID, "filter-ticket").send_keys(FACTS["alice_ticket"])
    alice.find_element(By.ID, "apply").click()
    wait(alice, lambda d: "ticket=" + FACTS["alice_ticket"] in d.current_url, "the filter is in the URL")
    narrowed = row_ids(alice)
    check(len(narrowed) == 1 and len(narrowed) < len(ids), "the ticket filter narrows the list to one session: %r" % narrowed)
    check(FACTS["alice_exec_marker"] in alice.find_element(By.ID, "rows").text, "the remaining row is the ticketed exec")

    # The connection page shows the commands, as `audit show` does.
    alice.find_element(By.CSS_SELECTOR, "tr.row td.mono a").click()
    wait(alice, lambda d: "/c/c-" in d.current_url and d.find_elements(By.ID, "report"), "the connection page opens")
    check(FACTS["alice_exec_marker"] in alice.find_element(By.ID, "report").text, "the connection page shows the command")
    alice_connection = alice.current_url.split("/c/")[1]
    shot(alice, "connection")

    # Replay of the interactive session: xterm.js draws the recorded text, and seeks.
    alice.get(base + "/sessions")
    replay_links = [a.get_attribute("href") for a in alice.find_elements(By.CSS_SELECTOR, "a.replay")]
    shell_row = [row for row in alice.find_elements(By.CSS_SELECTOR, "tr.row") if " shell " in (" " + row.text + " ")]
    check(len(shell_row) >= 1, "the interactive session is listed as shell")
    shell_id = shell_row[0].get_attribute("data-id")
    alice.get(base + "/s/" + shell_id)
    wait(alice, lambda d: d.find_elements(By.CSS_SELECTOR, "#player[data-loaded]"), "the recording loads")
    wait(alice, lambda d: FACTS["replay_marker"] in d.execute_script(
        "var r = document.querySelector('.xterm-rows'); return r ? r.textContent : '';"),
        "the replay draws the recorded output in xterm.js", timeout=30)
    shot(alice, "replay")
    rows_text = "var r = document.querySelector('.xterm-rows'); return r ? r.textContent : '';"
    alice.execute_script("var b = document.getElementById('play'); if (b.textContent === 'Pause') { b.click(); }")
    alice.execute_script("var s = document.getElementById('seek'); s.value = '0'; s.dispatchEvent(new Event('input'));")
    # xterm.js draws on the next animation frame: wait for the screen, do not read it at once.
    wait(alice, lambda d: FACTS["replay_marker"] not in d.execute_script(rows_text), "seeking to the start clears the later output")
    alice.execute_script("var s = document.getElementById('seek'); s.value = s.max; s.dispatchEvent(new Event('input'));")
    wait(alice, lambda d: FACTS["replay_marker"] in d.execute_script(rows_text), "seeking to the end draws it again")
    status_and_text = alice.execute_async_script("""
        var done = arguments[arguments.length - 1];
        fetch(document.getElementById('player').getAttribute('data-cast'), {headers: {Range: 'bytes=0-99'}})
          .then(function (r) { return r.text().then(function (t) { done([r.status, t]); }); });
    """)
    check(status_and_text[0] == 206 and status_and_text[1].startswith("{"), "the .cast is served in ranges: %r" % status_and_text)

    # A 100 MiB recording starts at once: the player reads it in ranges. The exec session's
    # file is swapped for a big synthetic one for this check, then put back (its SHA-256 is in
    # the trail).
    exec_id = narrowed[0]
    names = [name for name in os.listdir(FACTS["recordings"]) if name.endswith("-" + exec_id + ".cast")]
    check(len(names) == 1, "the exec session's recording file is found")
    recording = os.path.join(FACTS["recordings"], names[0])
    original = open(recording, "rb").read()
    try:
        with open(recording, "wb") as big:
            big.write(b'{"version": 2, "width": 100, "height": 30}\n')
            big.write(b'[0.01, "o", "BIG-START\\r\\n"]\n')
            line = b'[%0.3f, "o", "' + b"x" * 90 + b'\\r\\n"]\n'
            block = b"".join(line % (1 + i * 0.001) for i in range(10000))
            while big.tell() < 100 * 1024 * 1024:
                big.write(block)
        started = time.monotonic()
        alice.get(base + "/s/" + exec_id)
        wait(alice, lambda d: "BIG-START" in d.execute_script(
            "var r = document.querySelector('.xterm-rows'); return r ? r.textContent : '';"),
            "a 100 MiB recording starts playing", timeout=30)
        elapsed = time.monotonic() - started
        loaded = alice.execute_script("return document.getElementById('player').hasAttribute('data-loaded');")
        print("100 MiB recording: first output drawn %.2f s after the page was asked for (loaded whole: %s)" % (elapsed, loaded), flush=True)
        check(elapsed < 10, "it starts within 10 s on this shared machine (%.2f s; the goal, 1 s, is for a quiet one)" % elapsed)
        alice.get(base + "/static/style.css")  # stop the player's reads before the file is put back
    finally:
        with open(recording, "wb") as restore:
            restore.write(original)

    # The file ledger: alice's copy is listed with its SHA-256; approvals and reviews answer.
    alice.get(base + "/files")
    wait(alice, lambda d: d.find_elements(By.ID, "rows"), "the files page lists rows")
    files_text = alice.find_element(By.ID, "rows").text
    check(FACTS["alice_file"] in files_text and "upload" in files_text, "alice's upload is in the ledger page")
    shot(alice, "files")
    for page in ["/approvals", "/reviews"]:
        alice.get(base + page)
        wait(alice, lambda d: d.find_elements(By.ID, "rows") or d.find_elements(By.ID, "empty"), "the %s page answers" % page)

    # The timeline picture of alice's ticket, as a bundle draws it.
    alice.get(base + "/timeline?ticket=" + FACTS["alice_ticket"])
    wait(alice, lambda d: d.execute_script(
        "var i = document.getElementById('timeline'); return i !== null && i.complete && i.naturalWidth > 0;"),
        "the timeline page draws the ticket's picture")
    shot(alice, "timeline")

    # Live sessions: alice's running command is listed.
    alice.get(base + "/live")
    # The page is drawn when asked for: ask again until the session has started.
    wait(alice, lambda d: d.refresh() or FACTS["live_marker"] in d.find_element(By.TAG_NAME, "main").text,
         "the live page lists alice's running session", timeout=30)
    shot(alice, "live")

    # Search over the recorded text.
    alice.get(base + "/search?q=" + FACTS["search_text"])
    wait(alice, lambda d: d.find_elements(By.ID, "rows"), "search finds the session")
    check(shell_id in row_ids(alice), "search lists the interactive session")
    shot(alice, "search")
    seen = errors(alice)  # reading the log empties it: read once
    # The reused link's 403 is the refusal checked above; nothing else may fail.
    check(not [e for e in seen if "/signin/" not in e.get("message", "")], "no console errors on alice's pages: %r" % seen)

    # bob (provider) sees his side only: 404 for alice's retailer-only session and connection.
    bob.get(link("bob"))
    wait(bob, lambda d: d.current_url.endswith("/connections"), "bob signs in")
    bob.get(base + "/sessions")
    bob_ids = row_ids(bob)
    check(shell_id not in bob_ids and not (set(ids) & set(bob_ids)), "bob's list holds none of alice's sessions")
    check(FACTS["bob_exec_marker"] in bob.find_element(By.TAG_NAME, "main").text, "bob sees his own session")
    bob.get(base + "/s/" + shell_id)
    check("Not found" in bob.page_source and "xterm" not in bob.page_source.lower().split("<main>")[-1],
          "bob gets Not found for alice's replay")
    bob.get(base + "/c/" + alice_connection)
    check("Not found" in bob.page_source and FACTS["alice_exec_marker"] not in bob.page_source, "bob gets Not found for alice's connection")
    bob.get(base + "/live")
    check(FACTS["live_marker"] not in bob.find_element(By.TAG_NAME, "main").text, "bob's live page does not list alice's session")
    bob.get(base + "/files")
    check(FACTS["alice_file"] not in bob.find_element(By.TAG_NAME, "main").text, "bob's files page does not list alice's upload")
    bob.get(base + "/search?q=" + FACTS["search_text"])
    check(not bob.find_elements(By.CSS_SELECTOR, "tr.row"), "bob's search does not find alice's session")
    bob_cookie = bob.get_cookie("tg_web")["value"]
    seen = errors(bob)
    check(not [e for e in seen if "404" not in e.get("message", "")],
          "no console errors on bob's pages but the 404s he was meant to get: %r" % seen)

    # An expired link is refused.
    late = link("alice")
    time.sleep(FACTS["link_seconds"] + 1.5)
    bob.delete_all_cookies()
    bob.get(late)
    check("Link refused" in bob.page_source and "expired" in bob.page_source, "an expired link is refused")

    # A forged cookie is refused.
    bob.get(base + "/static/style.css")
    bob.add_cookie({"name": "tg_web", "value": "".join(random.choice(string.ascii_letters) for _ in range(43)), "path": "/"})
    bob.get(base + "/connections")
    check("Sign in" in bob.page_source and not bob.find_elements(By.ID, "rows"), "a forged cookie is refused")
    alice_cookie = alice.get_cookie("tg_web")["value"]
finally:
    alice.quit()
    bob.quit()


# HTTP checks without a browser: the data endpoints' refusals and a scan of every route.
def request(path, cookie=None, headers=None, method="GET", data=None):
    req = urllib.request.Request(base + path, method=method, data=data)
    if cookie:
        req.add_header("Cookie", "tg_web=" + cookie)
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


status, headers, _ = request("/api/whoami")
check(status == 401, "a data endpoint without the cookie answers 401 (%d)" % status)
status, _, body = request("/api/whoami", alice_cookie)
check(status == 200 and b"alice" in body, "with the cookie it answers (%d)" % status)
status, _, _ = request("/api/whoami", alice_cookie, {"Sec-Fetch-Site": "cross-site"})
check(status == 403, "a cross-site request is refused (%d)" % status)
status, _, _ = request("/api/whoami?x=" + "a" * 300, alice_cookie)
check(status == 400, "an over-long parameter is refused (%d)" % status)
status, _, _ = request("/sessions?user=" + "a" * 5000, alice_cookie)
check(status == 414, "an over-long address is refused (%d)" % status)
status, _, _ = request("/signout", alice_cookie, method="POST", data=b"x" * 100)
check(status == 413, "a request body is refused (%d)" % status)
status, headers, body = request("/timeline.svg?ticket=" + FACTS["alice_ticket"], alice_cookie)
check(status == 200 and headers.get("Content-Type") == "image/svg+xml" and b"<svg" in body and b"web-01" in body,
      "alice's timeline picture shows her ticket's session on web-01 (%d)" % status)
status, _, body = request("/timeline.svg?ticket=" + FACTS["alice_ticket"], bob_cookie)
check(status == 200 and b"web-01" not in body, "bob's picture of the same ticket holds none of alice's sessions (%d)" % status)
status, _, body = request("/files?ticket=x", alice_cookie)
check(status == 400 and b"cannot be filtered by ticket" in body, "a filter a page does not offer is refused, not ignored (%d)" % status)
status, headers, _ = request("/connections", alice_cookie)
csp = headers.get("Content-Security-Policy", "")
check("script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0],
      "pages carry a CSP without inline script: " + csp)
check(headers.get("Referrer-Policy") == "no-referrer", "pages send no referrer")

bad_values = ["", "'", "\"><script>", "%00", "%ff%fe", "../../etc/passwd", "-1", "9" * 40, "a" * 250, "2099-99-99", "now-now",
              "c-", "s-", "bytes=9-1", "1,", ",x"]
paths = ["/", "/connections", "/sessions", "/files", "/approvals", "/reviews", "/live", "/timeline", "/timeline.svg", "/search", "/api/whoami", "/signin/", "/signin/x", "/c/", "/s/", "/static/nothing",
         "/c/c-missing", "/s/s-missing", "/s/s-missing/cast", "/s/" + shell_id + "/cast", "/c/" + alice_connection]
parameters = ["user", "org", "target", "login", "ticket", "result", "since", "until", "before", "q", "download", "x"]
scanned = 0
for path in paths:
    for cookie in [None, alice_cookie, bob_cookie]:
        for name in parameters:
            for value in bad_values:
                status, _, _ = request(path + "?" + name + "=" + urllib.request.quote(value, safe="%"), cookie,
                                       {"Range": value} if "cast" in path else None)
                scanned += 1
                if status >= 500:
                    check(False, "%s?%s=%r answered %d" % (path, name, value, status))
        for value in bad_values:
            status, _, _ = request(path.rstrip("/") + "/" + urllib.request.quote(value, safe="%"), cookie)
            scanned += 1
            if status >= 500:
                check(False, "%s/%r answered %d" % (path, value, status))
check(True, "route scan: %d requests with bad parameters, none answered 5xx" % scanned)
status, _, _ = request("/api/whoami", alice_cookie)
check(status == 200, "the server still answers after the scan")
print("ALL CHECKS PASSED", flush=True)
