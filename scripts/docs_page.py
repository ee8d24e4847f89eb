"""Opens the API reference page (`GET /docs/`) in headless Chromium (Debian's
chromium and chromium-driver packages) through Selenium, and checks that it
lists every operation of the served OpenAPI document and that every asset the
page loaded came from the service itself (the machines have no internet).

Usage: docs_page.py BASE_URL   (exits non-zero with a reason on failure)
"""

import json
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def main(base: str) -> int:
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json") as r:
        doc = json.load(r)
    expected = sorted(
        f"{m.upper()} {path}"
        for path, item in doc["paths"].items()
        for m in item
        if m in METHODS
    )
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"{base}/docs")
        listed = []
        deadline = time.time() + 30
        while time.time() < deadline:
            blocks = driver.find_elements(By.CSS_SELECTOR, ".opblock-summary")
            listed = sorted(
                f"{b.find_element(By.CSS_SELECTOR, '.opblock-summary-method').text} "
                f"{b.find_element(By.CSS_SELECTOR, '.opblock-summary-path').get_attribute('data-path')}"
                for b in blocks
            )
            if len(listed) >= len(expected):
                break
            time.sleep(0.2)
        if listed != expected:
            missing = sorted(set(expected) - set(listed))
            print(f"docs page lists {len(listed)} of {len(expected)} operations; missing: {missing[:10]}")
            return 1
        loaded = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        foreign = [u for u in loaded if not u.startswith(base)]
        if foreign:
            print(f"docs page loaded assets from elsewhere: {foreign}")
            return 1
        print(f"docs page: {len(listed)} operations listed, {len(loaded)} assets, all served by the service")
        return 0
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/")))
