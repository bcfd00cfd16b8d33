"""Hypothesis against the importers and name resolution: arbitrary input is either imported or
rejected with issues, never a crash, never a partial write; names never raise."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.errors import KnowledgeError
from knowledge.store import KnowledgeBase
from tests.reliability.conftest import kill_import
from tests.reliability.kbcheck import leftovers

GANGNAM = kill_import.GANGNAM.read_text(encoding="utf-8")
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """The real file with a random edit: where operators' mistakes (and parsers' bugs) live."""
    text = base
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 80)))
        edit = draw(st.sampled_from(["cut", "insert", "replace", "duplicate", "truncate"]))
        noise = draw(st.text(min_size=1, max_size=40))
        if edit == "cut":
            text = text[:i] + text[j:]
        elif edit == "insert":
            text = text[:i] + noise + text[i:]
        elif edit == "replace":
            text = text[:i] + noise + text[j:]
        elif edit == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i]
    return text


yaml_documents = st.one_of(
    mutated(GANGNAM),
    st.text(max_size=400),
    st.binary(max_size=400).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["", "- 1\n- 2\n", "42", "station: [", "a: &a [*a]", "{}", "null", "'x'"]),
)


@pytest.fixture(scope="module")
def small_kb(small_kb_template: Path):
    folder = Path(tempfile.mkdtemp(prefix="fuzz-kb-"))
    root = Path(shutil.copytree(small_kb_template, folder / "kb"))
    yield root
    shutil.rmtree(folder, ignore_errors=True)


def _version(root: Path) -> int:
    kb = KnowledgeBase.open(root, None)
    try:
        return kb.version
    finally:
        kb.close()


@FUZZ
@given(document=yaml_documents, as_bytes=st.booleans(), notices=st.booleans())
def test_any_operator_or_notices_file_is_imported_or_rejected_cleanly(
    small_kb: Path, document: str, as_bytes: bool, notices: bool
):
    with tempfile.TemporaryDirectory() as tmp:
        name = "notices.yaml" if notices else "강남.yaml"
        path = Path(tmp) / name
        body = ("notices:\n" + document) if notices else document
        if as_bytes:  # not necessarily UTF-8 at all
            path.write_bytes(body.encode("utf-8", "surrogatepass")[::-1])
        else:
            path.write_text(body, encoding="utf-8", errors="surrogatepass")
        before = _version(small_kb)
        kb = KnowledgeBase(small_kb, None)
        try:
            report = kb.import_path(path, actor="fuzz")
        except KnowledgeError as err:  # rejected (with issues) or refused: nothing published
            assert _version(small_kb) == before, err
            if hasattr(err, "issues"):
                assert all(i.file and i.line >= 0 for i in err.issues)
        else:
            assert report.version == before + 1 == _version(small_kb)
        finally:
            kb.close()
        assert leftovers(small_kb) == []


@st.composite
def stations_csv(draw: st.DrawFn) -> bytes:
    text = (kill_import.BUNDLED / "seoul" / "stations.csv").read_text(encoding="utf-8")
    head = "\n".join(text.splitlines()[:40]) + "\n"
    body = draw(mutated(head))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp949", "utf-16"]))
    return body.encode(encoding, errors="replace")


@FUZZ
@given(data=stations_csv())
def test_any_stations_csv_is_validated_without_crashing(small_kb: Path, data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "stations.csv").write_bytes(data)
        kb = KnowledgeBase.open(small_kb, None)
        try:
            report = kb.validate(Path(tmp))
            assert report.ok or all(i.line >= 0 for i in report.issues)
        finally:
            kb.close()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=20,
)  # fmt: skip
notice_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=70),
        "effect": st.sampled_from(["NO_SERVICE", "OTHER_EFFECT", "nonsense"]) | json_values,
        "informed_entity": st.lists(
            st.fixed_dictionaries({}, optional={"station": st.text(max_size=10)}), max_size=3
        )
        | json_values,
        "header_text": st.fixed_dictionaries({}, optional={"ko": st.text(max_size=30)})
        | json_values,
        "active_period": st.lists(
            st.fixed_dictionaries(
                {}, optional={"start": st.text(max_size=30), "end": st.datetimes().map(str)}
            ),
            max_size=2,
        )
        | json_values,
    },
)


@FUZZ
@given(notice=notice_like)
def test_any_notice_is_published_or_rejected_never_crashes(small_kb: Path, notice: dict):
    kb = KnowledgeBase.open(small_kb, None)
    try:
        count = len(kb.status()["counts"]) and kb.status()["counts"]["notices_active"]
        try:
            kb.add_notice(notice, actor="fuzz")
        except KnowledgeError:
            assert kb.status()["counts"]["notices_active"] == count  # nothing half-stored
        else:
            kb.expire_notice(str(notice["id"]), actor="fuzz")
    finally:
        kb.close()


@pytest.fixture(scope="module")
def full_kb(kb_template: Path):
    kb = KnowledgeBase.open(kb_template, None)
    yield kb
    kb.close()


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=60) | st.sampled_from(["강남", "Gangnam", "江南", "カンナム", "서울역"]),
    lang=st.sampled_from([None, "ko", "en", "zh", "ja", "xx"]),
)
def test_name_resolution_never_raises_and_confidences_are_probabilities(full_kb, text, lang):
    for matches in (full_kb.resolve_station(text, lang), full_kb.find_stations(text, lang)):
        for m in matches:
            assert 0.0 <= m.confidence <= 1.0, (text, m)
            assert m.complex.key
