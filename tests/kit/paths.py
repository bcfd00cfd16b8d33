"""Where the tests find the repository and their data, wherever a test file lives."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEST_DATA = REPO / "tests" / "data"
SPEECH_DIR = TEST_DATA / "speech"
