"""The browser half of scripts/check-browser: drives headless Chromium (Debian's chromium and
chromium-driver) through msr-serve's pages as a person would, asserting what each page shows
and saving a screenshot of each under CHECK_BROWSER_OUT (NN-name.png).

Environment (set by scripts/check-browser): CHECK_BROWSER_BASE (the service's URL),
CHECK_BROWSER_OUT, CHECK_BROWSER_TRACKS (track ids, one a line), CHECK_BROWSER_ADMIN and
CHECK_BROWSER_ADMIN_PASSWORD, CHECK_BROWSER_K, CHECK_BROWSER_PARAMS (the scratch params.yaml,
to check a saved parameter landed in the file), CHECK_BROWSER_PASTE (lines or spaces). Exits 1 with one `check-browser: FAIL:` line.
"""
import os
import re
import shutil
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["CHECK_BROWSER_BASE"].rstrip("/")
OUT = os.environ["CHECK_BROWSER_OUT"]
TRACKS = os.environ["CHECK_BROWSER_TRACKS"].split()
ADMIN = os.environ["CHECK_BROWSER_ADMIN"]
ADMIN_PASSWORD = os.environ["CHECK_BROWSER_ADMIN_PASSWORD"]
K = int(os.environ.get("CHECK_BROWSER_K", "10"))
# How the links are pasted: one a line (as a person pastes a column of links; a browser sends
# the text area's new lines as CR LF) or on one line separated by spaces.
PASTE = os.environ.get("CHECK_BROWSER_PASTE", "lines")
PARAMS = os.environ["CHECK_BROWSER_PARAMS"]
USER, USER_PASSWORD = "browser-user", "Correct-Horse-9!"
WIDTH = 1280


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Browser:
    def __init__(self):
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         f"--window-size={WIDTH},900", "--no-first-run", "--disable-extensions"):
            options.add_argument(argument)
        service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(60)
        self.shots = 0
        self.step = "starting"

    def quit(self):
        try:
            self.driver.quit()
        except WebDriverException:
            pass

    def open(self, path):
        self.driver.get(BASE + path)

    def path(self):
        return self.driver.current_url.removeprefix(BASE).split("#")[0]

    def title(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def type(self, name, text, clear=True):
        field = self.driver.find_element(By.NAME, name)
        if clear:
            field.clear()
        field.send_keys(text)

    def press(self, css):
        """Clicks what leads to another page, and waits until that page has loaded."""
        old = self.find("html")
        self.find(css).click()
        wait = WebDriverWait(self.driver, 30)

        def gone(driver):
            # Selenium's staleness_of, but Chromium may answer a node of the page just left with
            # an inspector error ("Node with given id does not belong to the document") instead of
            # a stale reference: that too means the old page is gone.
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return True
                raise

        wait.until(gone)
        wait.until(lambda driver: driver.execute_script("return document.readyState") == "complete")

    def expect_page(self, path, title):
        check(self.path().split("?")[0] == path, f"expected to be on {path}, on {self.path()} ({self.safe_title()!r})")
        check(self.title() == title, f"{path}: expected the heading {title!r}, got {self.title()!r}")

    def safe_title(self):
        try:
            return self.title()
        except WebDriverException:
            return self.driver.title

    def notices(self):
        return [element.text for element in self.all(".notice, .field-error")]

    def shot(self, name):
        """A screenshot of the whole page: the window is grown to the page's height first."""
        self.shots += 1
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(WIDTH, min(max(int(height) + 140, 700), 8000))
        file = os.path.join(OUT, f"{self.shots:02d}-{name}.png")
        check(self.driver.save_screenshot(file), f"could not save {file}")
        self.driver.set_window_size(WIDTH, 900)
        return file


def sign_in(browser, name, password):
    browser.open("/")
    browser.expect_page("/", "Sign in")
    browser.type("username", name)
    browser.type("password", password)
    browser.press("main form button[type=submit]")
    check(browser.path() == "/recommend", f"signing in as {name}: on {browser.path()} with {browser.notices()}")
    check(name in browser.find("header .who").text, f"signed in as {name}: the header shows {browser.find('header .who').text!r}")


def sign_out(browser):
    browser.press("header form[action='/logout'] button")
    browser.expect_page("/", "Sign in")
    check(not browser.all("header .who"), "signed out: the header still shows a user")


def run(browser):
    browser.step = "register"
    browser.open("/register")
    browser.expect_page("/register", "Register")
    browser.type("username", USER)
    browser.type("password", USER_PASSWORD)
    browser.type("confirm", USER_PASSWORD)
    browser.shot("register")
    browser.press("main form button[type=submit]")
    browser.expect_page("/", "Sign in")
    check(any("Your account is ready" in text for text in browser.notices()),
          f"after registering: no 'Your account is ready' notice ({browser.notices()})")
    browser.shot("registered-sign-in")

    browser.step = "sign in"
    sign_in(browser, USER, USER_PASSWORD)
    browser.expect_page("/recommend", "Recommend")
    check("Admin" not in browser.find("header nav").text, "a plain user's navigation shows Admin")
    browser.shot("recommend-form")

    browser.step = "recommend"
    links = ("\n" if PASTE == "lines" else " ").join(f"https://open.spotify.com/track/{track}" for track in TRACKS)
    check(len(TRACKS) == 20, f"expected 20 tracks from the song base, got {len(TRACKS)}")
    browser.type("playlist", links)
    browser.type("k", str(K))
    browser.press("main form[action='/recommend'] button[type=submit]")
    browser.expect_page("/recommend", "Recommend")
    check(not browser.all(".notice.bad"), f"recommend: refused: {browser.notices()}")
    headings = [element.text for element in browser.all("main h2")]
    check("Recommendations" in headings, f"recommend: no Recommendations heading (headings: {headings})")
    figures = browser.find("main .figures").text
    check(re.search(r"Known tracks\s*20 of 20", figures), f"recommend: expected 20 of 20 known tracks, figures: {figures!r}")
    rows = browser.all("main table tbody tr")
    check(len(rows) == K, f"recommend: expected {K} rows, got {len(rows)}")
    for n, row in enumerate(rows, 1):
        anchors = row.find_elements(By.CSS_SELECTOR, "a[href^='https://open.spotify.com/track/']")
        check(len(anchors) == 1 and anchors[0].text.strip(), f"recommend: row {n} has no song link ({row.text!r})")
    browser.shot("recommendations")

    browser.step = "history"
    browser.press("header nav a[href='/history']")
    browser.expect_page("/history", "History")
    check("1 request" in browser.find("main p.muted").text, f"history: expected 1 request, got {browser.find('main p.muted').text!r}")
    sections = browser.all("main section.card")
    check(len(sections) == 1, f"history: expected 1 entry, got {len(sections)}")
    rows = sections[0].find_elements(By.CSS_SELECTOR, "tbody tr")
    check(len(rows) == K, f"history: expected {K} songs in the entry, got {len(rows)}")
    browser.shot("history")

    browser.step = "sign out"
    sign_out(browser)
    browser.shot("signed-out")

    browser.step = "admin sign in"
    sign_in(browser, ADMIN, ADMIN_PASSWORD)
    check("Admin" in browser.find("header nav").text, "the admin's navigation has no Admin entry")
    browser.press("header nav a[href='/admin']")
    browser.expect_page("/admin", "Admin")
    browser.shot("admin")

    browser.step = "admin params"
    field = browser.driver.find_element(By.NAME, "train.max_depth")
    old = field.get_attribute("value")
    new = str(int(old) + 1 if int(old) < 8 else int(old) - 1)
    browser.type("train.max_depth", new)
    browser.press("main form[action='/admin/params'] button[type=submit]")
    browser.expect_page("/admin", "Admin")
    check(any("Saved 1 change to params.yaml." in text for text in browser.notices()),
          f"saving max_depth {old} -> {new}: notices {browser.notices()}")
    saved = browser.driver.find_element(By.NAME, "train.max_depth").get_attribute("value")
    check(saved == new, f"train.max_depth shows {saved!r} after saving {new!r}")
    with open(PARAMS) as file:
        text = file.read()
    check(re.search(rf"^\s+max_depth:\s*{new}\s*$", text, re.M), f"params.yaml has no max_depth: {new} after saving")
    audit = browser.find("#audit + table").text
    check("params" in audit and "max_depth" in audit, f"the audit log shows no params change: {audit[:300]!r}")
    browser.shot("admin-saved")

    browser.step = "retrain"
    browser.press("main form[action='/admin/retrain'] button[type=submit]")
    check(re.fullmatch(r"/admin/jobs/\d+", browser.path()), f"retrain: expected a job page, on {browser.path()}")
    check(browser.title().startswith("Retrain job "), f"retrain: heading {browser.title()!r}")
    job_path = browser.path()
    browser.shot("job-started")
    deadline, status = time.time() + 120, ""
    while time.time() < deadline:  # the page reloads itself every 2 s while the job runs
        try:
            status = browser.find("td.status").text
        except (StaleElementReferenceException, WebDriverException):
            status = ""
        if status.startswith(("succeeded", "failed")):
            break
        time.sleep(0.5)
    check(browser.path() == job_path, f"the job page moved to {browser.path()}")
    check(status == "succeeded", f"retrain job {job_path}: status {status!r} (log: {browser.find('pre.log').text[:300]!r})")
    check(not browser.all("meta[http-equiv=refresh]"), "the finished job's page still reloads itself")
    check("dvc stub" in browser.find("pre.log").text, f"the job's log has no output of the stub dvc: {browser.find('pre.log').text[:300]!r}")
    browser.shot("job-succeeded")
    browser.press("main a[href='/admin#retrain']")
    browser.expect_page("/admin", "Admin")
    jobs = browser.find("#retrain ~ table").text
    check("succeeded" in jobs, f"the admin page's jobs show no succeeded job: {jobs[:300]!r}")

    browser.step = "monitoring"
    browser.press("header nav a[href='/admin/monitoring']")
    browser.expect_page("/admin/monitoring", "Monitoring")
    figures = browser.find("main .figures").text
    check(re.search(r"Calls\s*1\b", figures), f"monitoring: expected 1 call, figures: {figures!r}")
    charts = browser.all("main .chart svg")
    check(len(charts) == 1, f"monitoring: expected one <svg> chart, got {len(charts)}")
    threshold = charts[0].find_elements(By.CSS_SELECTOR, "line[stroke-dasharray]")
    check(threshold, "monitoring: the chart has no dashed threshold line")
    label = threshold[0].find_element(By.TAG_NAME, "title").get_attribute("textContent")
    check(label.startswith("threshold"), f"monitoring: the dashed line's title is {label!r}")
    check(charts[0].size["width"] > 100 and charts[0].size["height"] > 50, f"monitoring: the chart is {charts[0].size}")
    browser.shot("monitoring")

    browser.step = "admin sign out"
    sign_out(browser)


def main():
    os.makedirs(OUT, exist_ok=True)
    browser = None
    try:
        browser = Browser()
        run(browser)
    except (Failure, WebDriverException) as error:
        step = browser.step if browser else "starting chromium"
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if browser:
            try:
                browser.shot("failure")
            except Exception:
                pass
        where = "" if message.startswith(step + ":") else f"{step}: "
        print(f"check-browser: FAIL: {where}{message}", file=sys.stderr)
        return 1
    finally:
        if browser:
            browser.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
