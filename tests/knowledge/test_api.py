import pytest

from tests.knowledge.norms import add_criteria, two_versions

pytestmark = pytest.mark.django_db


def test_norm_list_gives_versions_newest_first_and_marks_the_one_in_force(client):
    two_versions()

    data = client.get("/api/v1/norms/").json()

    assert [(v["version"], v["in_force"], v["replaces"]) for v in data] == [("2026.1", True, "2025.1"), ("2025.1", False, None)]


def test_norm_detail_gives_areas_and_criteria_with_eqf_levels(client):
    two_versions()

    data = client.get("/api/v1/norms/2026.1").json()

    assert [area["code"] for area in data["areas"]] == ["A", "B"]
    assert data["areas"][1]["criteria"] == [
        {"code": "B.1", "text_nl": "Leidt complexe verandering.", "text_en": "Leads complex change.", "eqf_level": 7}
    ]


def test_unknown_norm_version_answers_404(client):
    assert client.get("/api/v1/norms/1999.9").status_code == 404


def test_norms_are_in_the_one_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/norms/" in paths
    assert any(path.startswith("/api/v1/certificates/") for path in paths)


@pytest.mark.parametrize("extra", [2, 20])
def test_norm_list_queries_stay_constant(client, extra, django_assert_max_num_queries):
    old, current = two_versions()
    add_criteria(old, extra)
    add_criteria(current, extra)

    with django_assert_max_num_queries(5):
        client.get("/api/v1/norms/")
