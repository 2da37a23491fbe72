#!/usr/bin/env python3
"""The dashboard in headless Chromium against the real voice-orchestrator (embedded stack).

Signs in with the admin key, sees a campaign's progress move, presses pause and finds the campaign
paused through the API; signs in with a workspace key and sees only that workspace's campaigns;
no console errors. Saves a screenshot (--out, and --screenshot for the README's copy)."""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ADMIN_KEY = "dashboard-check-admin-key-0123456789abcdef"

CONFIG = """
log:
  level: warn
server:
  host: 127.0.0.1
  port: {port}
auth:
  adminKey: {admin_key}
dispatcher:
  concurrency: 2
plugins:
  store:
    name: sqlite
    config:
      path: {db}
  queue:
    name: memory
    config: {{}}
  provider:
    name: simulator
    config:
      latencyMs: 20
      callDurationMs: 500
      outcomes:
        completed: 1.0
tenants:
  workspaces:
    - id: demo
      name: Demo
      agents:
        - id: agent_demo
          name: Demo agent
      phoneNumbers:
        - id: phnum_demo
          number: "+34601893170"
          provider: twilio
          maxConcurrentCalls: 2
    - id: other
      name: Other
      agents:
        - id: agent_other
          name: Other agent
      phoneNumbers:
        - id: phnum_other
          number: "+34601893171"
          provider: twilio
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base, key):
        self.base, self.key = base, key

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", "Bearer " + self.key)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")


def bulk(api, workspace, count, first):
    calls = [{"to": "+3460000%04d" % (first + i)} for i in range(count)]
    answer = api.call("POST", "/calls/bulk", {
        "workspaceId": workspace, "agentId": "agent_" + workspace,
        "agentPhoneNumberId": "phnum_" + workspace, "name": workspace + " check", "calls": calls})
    return answer["campaignId"]


def wait_for(what, predicate, timeout=30):
    """Polls predicate until it is truthy; an element replaced meanwhile (the page re-rendered a
    table) just means "not yet"."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = predicate()
        except StaleElementReferenceException:
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def click(what, driver, css):
    """Clicks the element once it is there and stays long enough to be clicked."""
    def clicked():
        elements = driver.find_elements(By.CSS_SELECTOR, css)
        if not elements:
            return False
        elements[0].click()
        return True
    wait_for(what, clicked)


def browser():
    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            sys.exit("dashboard check: %s is not installed (apt-get install chromium "
                     "chromium-driver python3-selenium)" % program)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1800"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def sign_in(driver, base, key):
    driver.get(base + "/dashboard")
    field = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "api-key"))
    field.send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "board").is_displayed())


def campaign_row(driver, campaign):
    rows = driver.find_elements(By.CSS_SELECTOR, "tr[data-campaign='%s']" % campaign)
    return rows[0] if rows else None


def progress_of(driver, campaign):
    row = campaign_row(driver, campaign)
    if row is None:
        return None
    return int(row.find_element(By.TAG_NAME, "progress").get_attribute("value"))


def run(driver, base, out, screenshot):
    admin = Api(base, ADMIN_KEY)
    demo = bulk(admin, "demo", 200, 0)  # 2 at a time (the number's limit), 0.5 s each: 50 s
    other = bulk(admin, "other", 3, 500)

    sign_in(driver, base, ADMIN_KEY)
    wait_for("the demo campaign's row", lambda: campaign_row(driver, demo))
    assert campaign_row(driver, other) is not None, "the admin sees every workspace"
    first = wait_for("a first finished call", lambda: progress_of(driver, demo))
    wait_for("the progress to move past %d" % first,
             lambda: (progress_of(driver, demo) or 0) > first)
    wait_for("the daily chart", lambda: driver.execute_script(
        "const canvas = document.getElementById('report-chart');"
        "return (typeof Chart !== 'undefined' && !!Chart.getChart(canvas)) ||"
        " !document.getElementById('report-table').hidden;"))

    click("the pause button", driver, "tr[data-campaign='%s'] button[data-action=pause]" % demo)
    wait_for("the campaign paused through the API",
             lambda: admin.call("GET", "/campaigns/" + demo)["status"] == "paused")
    wait_for("the row to show paused", lambda: campaign_row(driver, demo).find_element(
        By.CLASS_NAME, "status").text == "paused")
    paused_at = admin.call("GET", "/campaigns/" + demo)["finished"]
    driver.save_screenshot(os.path.join(out, "dashboard.png"))
    if screenshot:
        driver.save_screenshot(screenshot)

    # Calls of the campaign, and one call's attempts.
    driver.find_element(By.ID, "filter-campaign").send_keys(demo)
    driver.find_element(By.CSS_SELECTOR, "#call-filters button").click()
    wait_for("the campaign's calls only", lambda: all(
        row.find_elements(By.TAG_NAME, "td")[1].text.startswith("+346000001") or
        row.find_elements(By.TAG_NAME, "td")[1].text.startswith("+346000000")
        for row in driver.find_elements(By.CSS_SELECTOR, "#call-rows tr")) and
        len(driver.find_elements(By.CSS_SELECTOR, "#call-rows tr")) == 20)
    click("a call", driver, "#call-rows tr")
    wait_for("a call's attempts", lambda: driver.find_element(By.ID, "call-detail").is_displayed())

    # A workspace key sees its workspace only.
    key = admin.call("POST", "/workspaces/other/api-keys", {})["key"]
    driver.find_element(By.ID, "sign-out").click()
    sign_in(driver, base, key)
    wait_for("the other workspace's campaign", lambda: campaign_row(driver, other))
    assert campaign_row(driver, demo) is None, "a workspace key saw another workspace's campaign"

    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, "console errors: %s" % errors
    time.sleep(1)
    assert admin.call("GET", "/campaigns/" + demo)["finished"] <= paused_at + 2, \
        "calls kept finishing after the pause (2 were in flight)"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--screenshot", help="also save the screenshot here (docs/dashboard.png)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="vo-dashboard-")
    port = free_port()
    config = os.path.join(scratch, "config.yaml")
    with open(config, "w") as f:
        f.write(CONFIG.format(port=port, admin_key=ADMIN_KEY, db=os.path.join(scratch, "vo.db")))
    log = open(os.path.join(args.out, "server.log"), "w")
    server = subprocess.Popen([args.binary, "serve", "--config", config], stdout=log, stderr=log)
    base = "http://127.0.0.1:%d" % port
    driver = None
    try:
        def healthy():
            try:
                with urllib.request.urlopen(base + "/health", timeout=1) as response:
                    return response.status == 200
            except (urllib.error.URLError, ConnectionError):
                return server.poll() is not None and sys.exit("the server exited; see server.log")
        wait_for("the server's /health", healthy)
        driver = browser()
        run(driver, base, args.out, args.screenshot)
        print("dashboard check: passed; screenshot in " + os.path.join(args.out, "dashboard.png"))
    finally:
        if driver is not None:
            driver.quit()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
