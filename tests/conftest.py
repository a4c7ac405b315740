"""Shared fixtures: the real data outside the repository, skipped where it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import Phase, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CLUSTERNET_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORDIS_H2020 = SHARED_DATA / "cordis-h2020" / "h2020.csv.gz"
CORDIS_PARTS = SHARED_DATA / "cordis-h2020" / "programme_parts.csv.gz"
CORDIS_NAMES = SHARED_DATA / "cordis-names"


@pytest.fixture(scope="session")
def cordis_path() -> Path:
    if not CORDIS_H2020.exists():
        pytest.skip(f"real CORDIS data absent ({CORDIS_H2020}); set CLUSTERNET_SHARED_DATA")
    return CORDIS_H2020


@pytest.fixture(scope="session")
def cordis_parts_path() -> Path:
    if not CORDIS_PARTS.exists():
        pytest.skip(f"real CORDIS programme parts absent ({CORDIS_PARTS})")
    return CORDIS_PARTS


@pytest.fixture(scope="session")
def flanders():
    import clusternet as cn

    return cn.datasets.load_flanders()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
                 # software WebGL for the WebGL page (SwiftShader, explicitly: no GPU on CI)
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by playwright (never `playwright install`)."""
    import shutil

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the Python package playwright is not installed (it comes with the 'test' extra)")
    executable = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if not executable:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_offline(chromium):
    """Open a local page with every request that is not file: or data: aborted and recorded.

    Returns a function ``path -> (context, page, errors, blocked)``; contexts close after the test.
    """
    contexts = []

    def visit(path: Path, *, viewport: dict | None = None):
        errors: list[str] = []
        blocked: list[str] = []
        context = chromium.new_context(viewport=viewport or {"width": 1200, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))

        def route(request_route):
            url = request_route.request.url
            if url.startswith(("file:", "data:")):
                request_route.continue_()
            else:
                blocked.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.goto(path.as_uri())
        return context, page, errors, blocked

    yield visit
    for context in contexts:
        context.close()


# --------------------------------------------------------------------------------------------
# Hypothesis profiles
# --------------------------------------------------------------------------------------------
# When a property fails, Hypothesis shrinks the failing example: every shrink step reruns the
# test, and with examples costing 0.1-0.3 s (a validation, a file read, seventeen measures) the
# shrinker runs up to its built-in cap of five minutes per failure, longer than the whole suite.
# Hypothesis deliberately has no setting for a shrink budget (its maintainers keep the shrinker's
# limits internal), so the documented bound is ``phases``: "clusternet-ci", loaded by default,
# leaves out the shrink and explain phases. A failing property then reports its first failing
# example within seconds, with ``print_blob`` so the exact example can be replayed
# (``@reproduce_failure``). The profile is derandomized: every property draws the same examples
# on a laptop as in CI, run after run, so a failure seen once comes back on the next run
# (before, only CI=true derandomized, and a local failure could vanish). New examples are the
# nightly's job: scripts/fuzz-nightly runs ``--hypothesis-profile=clusternet-nightly``, random,
# with full shrinking. A profile chosen on the command line (``--hypothesis-profile``) always
# wins over this default.
settings.register_profile(
    "clusternet-ci",
    parent=settings.default,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target),
    derandomize=True,
    print_blob=True,
)
settings.register_profile("clusternet-nightly", parent=settings.default, phases=tuple(Phase), print_blob=True)
if settings.get_current_profile_name() in ("default", "ci"):  # nothing chosen on the command line
    settings.load_profile("clusternet-ci")
